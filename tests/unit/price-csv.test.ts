import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PriceCsvError, formatPriceCsv, isIsoDate, parsePriceCsv } from "../../core/price-csv.js";

const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";

describe("Yahoo price CSV", () => {
  it("parses bars and round-trips them exactly", () => {
    const text = `${HEADER}\n2020-01-02,1.1,2.25,1,2,1.9,100\n2020-01-03,2,3,1.5,2.5,2.4,0\n`;
    const parsed = parsePriceCsv(text);
    expect(parsed.bars).toHaveLength(2);
    expect(parsed.bars[0]).toEqual({
      date: "2020-01-02",
      open: 1.1,
      high: 2.25,
      low: 1,
      close: 2,
      adjClose: 1.9,
      volume: 100,
    });
    expect(formatPriceCsv(parsed.bars)).toBe(text);
  });

  it("keeps Yahoo's null rows and unparseable rows aside with a reason, losing nothing", () => {
    const text = `${HEADER}\n2020-01-02,1,2,1,2,2,1\n2020-01-03,null,null,null,null,null,null\n2020-01-06,1,x,1,1,1,1\nnot-a-date,1,1,1,1,1,1\n`;
    const parsed = parsePriceCsv(text);
    expect(parsed.bars.map((b) => b.date)).toEqual(["2020-01-02"]);
    expect(parsed.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, "null-row"],
      [4, "unparseable"],
      [5, "unparseable"],
    ]);
    expect(parsed.rejected[1]!.detail).toMatch(/High is "x"/);
    expect(parsed.rejected[0]!.raw).toBe("2020-01-03,null,null,null,null,null,null");
  });

  it("rejects a file that is not a Yahoo CSV with a message naming the missing columns", () => {
    expect(() => parsePriceCsv("Date,Open,Close\n2020-01-01,1,1\n", "x.csv")).toThrow(
      PriceCsvError,
    );
    expect(() => parsePriceCsv("Date,Open,Close\n2020-01-01,1,1\n", "x.csv")).toThrow(
      /x\.csv.*High, Low, Volume/,
    );
    expect(() => parsePriceCsv("", "empty.csv")).toThrow(/empty\.csv: empty file/);
  });

  it("accepts files without Adj Close (Close stands in) and CRLF line ends", () => {
    const parsed = parsePriceCsv("Date,Open,High,Low,Close,Volume\r\n2020-01-02,1,2,1,1.5,10\r\n");
    expect(parsed.bars[0]!.adjClose).toBe(1.5);
  });

  it("reads the real web-download variant with literal null rows", () => {
    const text = readFileSync(
      "tests/fixtures/csv/BSESN-yahoo-web-download-with-null-rows.csv",
      "utf8",
    );
    const parsed = parsePriceCsv(text);
    expect(parsed.rejected.filter((r) => r.reason === "null-row")).toHaveLength(126);
    expect(parsed.rejected.filter((r) => r.reason !== "null-row")).toHaveLength(0);
    expect(parsed.bars[0]!.date).toBe("1997-07-01");
    expect(parsed.bars.at(-1)!.date).toBe("2021-12-17");
  });

  it("accepts only real calendar dates", () => {
    expect(["2024-02-29", "2023-12-31", "2000-02-29"].every(isIsoDate)).toBe(true);
    expect(
      ["2023-02-29", "1900-02-29", "2023-13-01", "2023-04-31", "2023-1-01", "20230101"].some(
        isIsoDate,
      ),
    ).toBe(false);
  });

  it("rejects empty cells instead of reading them as zero", () => {
    const parsed = parsePriceCsv(`${HEADER}\n2020-01-02,1,2,1,,2,1\n`);
    expect(parsed.bars).toHaveLength(0);
    expect(parsed.rejected[0]!.detail).toBe('Close is "", not a number');
  });
});
