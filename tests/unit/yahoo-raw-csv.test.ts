import { describe, expect, it } from "vitest";
import { parsePriceCsv } from "../../core/price-csv.js";
import {
  mergeRawCsv,
  rowsToRawCsv,
  type YahooDailyRow,
} from "../../pipeline/sources/yahoo-chart.js";

function row(date: string, close: number | null, volume: number | null = 100): YahooDailyRow {
  return { date, open: close, high: close, low: close, close, adjClose: close, volume };
}

const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";
// Python-formatted numbers, as in the snapshot: must survive byte for byte.
const STORED = [
  HEADER,
  "2023-06-28,154.0,207.0,154.0,191.8000030517578,175.27442932128906,27262365",
  "2023-06-29,null,null,null,null,null,null",
  "2023-06-30,194.0,197.8,174.93,177.0,161.75,21958915",
].join("\n");

function dates(csv: string): string[] {
  return csv
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((l) => l.slice(0, 10));
}

describe("rowsToRawCsv", () => {
  it("writes Yahoo's layout with nulls as null and JS number formatting", () => {
    const csv = rowsToRawCsv([
      {
        date: "2024-01-01",
        open: 1,
        high: 2.5,
        low: 0.1,
        close: 129.0399932861328,
        adjClose: 1e-7,
        volume: 0,
      },
      row("2024-01-02", null, null),
    ]);
    expect(csv).toBe(
      `${HEADER}\n2024-01-01,1,2.5,0.1,129.0399932861328,1e-7,0\n` +
        "2024-01-02,null,null,null,null,null,null\n",
    );
  });

  it("round-trips through the price CSV parser; null rows are rejected as null-row", () => {
    const rows = [row("2024-01-01", 10.25), row("2024-01-02", null), row("2024-01-03", 0.1 + 0.2)];
    const parsed = parsePriceCsv(rowsToRawCsv(rows));
    expect(parsed.bars).toEqual([rows[0], rows[2]]);
    expect(parsed.rejected.map((r) => [r.date, r.reason])).toEqual([["2024-01-02", "null-row"]]);
  });
});

describe("mergeRawCsv", () => {
  it("writes the fetch alone when nothing is stored", () => {
    const rows = [row("2024-01-02", 2), row("2024-01-01", 1)];
    expect(mergeRawCsv(null, rows)).toBe(rowsToRawCsv([rows[1]!, rows[0]!]));
    expect(mergeRawCsv("", rows)).toBe(mergeRawCsv(null, rows));
  });

  it("keeps stored rows verbatim and appends only later dates, in order", () => {
    const merged = mergeRawCsv(`${STORED}\n`, [
      row("2023-07-04", 4),
      row("2023-06-28", 999), // already stored: history is not rewritten
      row("2023-07-03", 3),
    ]);
    expect(merged).toBe(`${STORED}\n2023-07-03,3,3,3,3,3,100\n2023-07-04,4,4,4,4,4,100\n`);
  });

  it("replaces the last stored date with Yahoo's revision of it", () => {
    const merged = mergeRawCsv(STORED, [row("2023-06-30", 180), row("2023-07-03", 3)]);
    const lines = merged.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual(STORED.split("\n").slice(0, 3));
    expect(lines.slice(3)).toEqual([
      "2023-06-30,180,180,180,180,180,100",
      "2023-07-03,3,3,3,3,3,100",
    ]);
  });

  it("does not replace a good last row with a null revision", () => {
    const merged = mergeRawCsv(STORED, [row("2023-06-30", null), row("2023-07-03", 3)]);
    expect(merged).toBe(`${STORED}\n2023-07-03,3,3,3,3,3,100\n`);
  });

  it("never writes a date twice, even from a fetch that repeats dates", () => {
    const merged = mergeRawCsv(STORED, [
      row("2023-06-30", 1),
      row("2023-07-03", 2),
      row("2023-07-03", 3),
      row("2023-06-29", 4),
    ]);
    const all = dates(merged);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(["2023-06-28", "2023-06-29", "2023-06-30", "2023-07-03"]);
    expect(merged).toContain("\n2023-07-03,3,3,3,3,3,100\n");
  });

  it("handles CRLF, a missing final newline and blank lines in the stored file", () => {
    const crlf = `${STORED.split("\n").join("\r\n")}\r\n\r\n`;
    expect(mergeRawCsv(crlf, [row("2023-07-03", 3)])).toBe(`${STORED}\n2023-07-03,3,3,3,3,3,100\n`);
  });

  it("appends everything to a stored header without rows", () => {
    expect(mergeRawCsv(`${HEADER}\n`, [row("2024-01-01", 1)])).toBe(
      rowsToRawCsv([row("2024-01-01", 1)]),
    );
  });

  it("leaves the stored file as it was when the fetch brings nothing new", () => {
    expect(mergeRawCsv(`${STORED}\n`, [])).toBe(`${STORED}\n`);
  });
});
