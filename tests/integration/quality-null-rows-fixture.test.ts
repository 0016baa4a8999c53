/**
 * A ^BSESN CSV saved from Yahoo's web download, with Yahoo's literal `null` rows on market
 * holidays: validation quarantines exactly those, and what is left agrees with the snapshot.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePriceCsv } from "../../core/price-csv.js";
import { validateBars } from "../../pipeline/quality/rules.js";

const FIXTURE = "tests/fixtures/csv/BSESN-yahoo-web-download-with-null-rows.csv";
const SNAPSHOT = "data/snapshot/prices/BSESN.csv";
const OPTIONS = { jumpThreshold: 0.18, staleRunDays: 5 };

function load(path: string) {
  return validateBars("^BSESN", parsePriceCsv(readFileSync(path, "utf8"), path), OPTIONS);
}

describe("^BSESN web download with null rows", () => {
  const web = load(FIXTURE);
  const nullLines = readFileSync(FIXTURE, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.includes("null"));

  it("quarantines its 126 literal null rows as null-row, verbatim, and nothing else", () => {
    expect(nullLines).toHaveLength(126);
    const q = web.quality;
    expect(q.quarantined).toHaveLength(126);
    expect(q.quarantined.every((x) => x.reason === "null-row")).toBe(true);
    expect(q.quarantined.map((x) => x.raw)).toEqual(nullLines);
    expect(q.rowsRead).toBe(q.rowsKept + 126);
    expect(q.jumps).toEqual([]);
  });

  it("keeps closes equal to the snapshot's on every common date", () => {
    const snapshot = new Map(load(SNAPSHOT).kept.map((b) => [b.date, b.close]));
    const common = web.kept.filter((b) => snapshot.has(b.date));
    expect(common.length).toBeGreaterThan(6000);
    // the download prints 6 decimals of the same float32 values the snapshot prints in full
    const differing = common.filter((b) => Math.abs(b.close - snapshot.get(b.date)!) > 1e-6);
    expect(differing).toEqual([]);
  });
});
