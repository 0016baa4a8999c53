import { describe, expect, it } from "vitest";
import { symbolQualitySchema } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { validateBars } from "../../pipeline/quality/rules.js";

const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";
const OPTIONS = { jumpThreshold: 0.18, staleRunDays: 5 };

/** `count` consecutive calendar dates from `start` (the rules do not care about weekdays). */
function dates(count: number, start = "2020-01-01"): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(t0 + i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** A traded bar: open at the close unless given, a 1% range around open and close. */
function bar(
  date: string,
  close: number,
  o: { open?: number; high?: number; low?: number; volume?: number } = {},
): string {
  const open = o.open ?? close;
  const high = o.high ?? Math.max(open, close) * 1.01;
  const low = o.low ?? Math.min(open, close) * 0.99;
  return `${date},${open},${high},${low},${close},${close},${o.volume ?? 1000}`;
}

/** O=H=L=C with zero volume: Yahoo's filler for a session without trades. */
function flat(date: string, price: number): string {
  return `${date},${price},${price},${price},${price},${price},0`;
}

/** Traded bars at the given closes, one per date. */
function series(closes: readonly number[], start?: string): string[] {
  const ds = dates(closes.length, start);
  return closes.map((c, i) => bar(ds[i]!, c));
}

function validate(lines: readonly string[], options = OPTIONS) {
  const result = validateBars("TEST", parsePriceCsv([HEADER, ...lines].join("\n")), options);
  symbolQualitySchema.parse(result.quality);
  expect(result.quality.rowsRead).toBe(result.kept.length + result.quality.quarantined.length);
  return result;
}

function reasons(result: ReturnType<typeof validate>): Record<string, string> {
  return Object.fromEntries(result.quality.quarantined.map((q) => [q.date, q.reason]));
}

const keptDates = (result: ReturnType<typeof validate>) => result.kept.map((b) => b.date);

describe("validateBars: a clean series", () => {
  it("keeps every row and reports the kept date range", () => {
    const result = validate(series([100, 101, 99, 102]));
    expect(result.kept).toHaveLength(4);
    expect(result.quality).toMatchObject({
      symbol: "TEST",
      rowsRead: 4,
      rowsKept: 4,
      firstDate: "2020-01-01",
      lastDate: "2020-01-04",
      quarantined: [],
      jumps: [],
    });
  });

  it("reports null dates for a file with no usable row", () => {
    const result = validate(["2020-01-01,null,null,null,null,null,null"]);
    expect(result.quality).toMatchObject({ rowsRead: 1, rowsKept: 0, firstDate: null });
    expect(result.quality.lastDate).toBeNull();
  });

  it("rejects meaningless options instead of guessing", () => {
    const parsed = parsePriceCsv(HEADER);
    expect(() => validateBars("X", parsed, { jumpThreshold: 0, staleRunDays: 5 })).toThrow(
      RangeError,
    );
    expect(() => validateBars("X", parsed, { jumpThreshold: 0.2, staleRunDays: 0 })).toThrow(
      RangeError,
    );
  });
});

describe("validateBars: schema and date order", () => {
  it("quarantines the parser's null and unparseable rows with their raw text and line", () => {
    const [d1, d2, d3, d4] = dates(4);
    const nullRow = `${d2},null,null,null,null,null,null`;
    const badRow = `${d3},100,x,99,100,100,5`;
    const result = validate([bar(d1!, 100), nullRow, badRow, bar(d4!, 101)]);
    expect(keptDates(result)).toEqual([d1, d4]);
    expect(result.quality.rowsRead).toBe(4);
    expect(result.quality.quarantined).toEqual([
      { date: d2, reason: "null-row", detail: expect.stringContaining("line 3"), raw: nullRow },
      { date: d3, reason: "unparseable", detail: expect.stringContaining("High"), raw: badRow },
    ]);
  });

  it("keeps the first copy of a duplicated date and quarantines the later ones", () => {
    const [d1, d2, d3] = dates(3);
    const copy = bar(d2!, 150);
    const result = validate([bar(d1!, 100), bar(d2!, 101), copy, bar(d3!, 102), bar(d2!, 99)]);
    expect(result.kept.map((b) => b.close)).toEqual([100, 101, 102]);
    const dupes = result.quality.quarantined;
    expect(dupes.map((q) => q.reason)).toEqual(["duplicate-date", "duplicate-date"]);
    expect(dupes[0]!.raw).toBe(copy);
  });

  it("quarantines a row whose date goes backwards", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([bar(d1!, 100), bar(d3!, 101), bar(d2!, 102), bar(d4!, 103)]);
    expect(keptDates(result)).toEqual([d1, d3, d4]);
    expect(reasons(result)).toEqual({ [d2!]: "out-of-order" });
  });

  it("removes only a single wild date, not everything after it", () => {
    const ds = dates(5);
    const lines = series([100, 101, 102, 103, 104]);
    lines.splice(1, 0, bar("2031-01-01", 100));
    const result = validate(lines);
    expect(keptDates(result)).toEqual(ds);
    expect(reasons(result)).toEqual({ "2031-01-01": "out-of-order" });
  });

  it("lists quarantined rows sorted by date, whatever rule found them", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([
      bar(d1!, 100),
      bar(d3!, 100, { volume: -1 }),
      `${d2},null,null,null,null,null,null`,
      bar(d4!, 100),
      bar(d2!, 100),
    ]);
    expect(result.quality.quarantined.map((q) => [q.date, q.reason])).toEqual([
      [d2, "null-row"],
      [d2, "out-of-order"],
      [d3, "negative-volume"],
    ]);
  });
});

describe("validateBars: one bar on its own", () => {
  it("quarantines non-positive prices and negative volume", () => {
    const [d1, d2, d3, d4, d5] = dates(5);
    const result = validate([
      bar(d1!, 100),
      bar(d2!, 0, { open: 100, low: 0 }),
      bar(d3!, 100, { open: -1 }),
      bar(d4!, 100, { volume: -5 }),
      bar(d5!, 100),
    ]);
    expect(reasons(result)).toEqual({
      [d2!]: "non-positive-price",
      [d3!]: "non-positive-price",
      [d4!]: "negative-volume",
    });
    expect(result.quality.quarantined[0]!.detail).toBe("Low is 0");
  });

  it("quarantines a High below Open/Close and a Low above Open/Close", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([
      bar(d1!, 100),
      bar(d2!, 100, { open: 98, high: 99.5 }),
      bar(d3!, 100, { open: 102, low: 100.5 }),
      bar(d4!, 100),
    ]);
    expect(reasons(result)).toEqual({
      [d2!]: "high-below-open-close",
      [d3!]: "low-above-open-close",
    });
  });

  it("tolerates float noise of 1e-9 relative in High/Low, but not more", () => {
    const [d1, d2, d3] = dates(3);
    const result = validate([
      bar(d1!, 100),
      bar(d2!, 100, { high: 100 * (1 - 1e-12), low: 100 * (1 + 1e-12) }),
      bar(d3!, 100, { high: 100 * (1 - 1e-6) }),
    ]);
    expect(keptDates(result)).toEqual([d1, d2]);
    expect(reasons(result)).toEqual({ [d3!]: "high-below-open-close" });
  });
});

describe("validateBars: flat zero-volume rows", () => {
  it("quarantines a holiday filler repeating the previous close", () => {
    const [d1, d2, d3] = dates(3);
    const result = validate([bar(d1!, 100), flat(d2!, 100), bar(d3!, 101)]);
    expect(keptDates(result)).toEqual([d1, d3]);
    expect(reasons(result)).toEqual({ [d2!]: "holiday-filler" });
    expect(result.quality.quarantined[0]!.raw).toBe(flat(d2!, 100));
  });

  it("never removes a row for zero volume alone: an index's moving prices are kept", () => {
    const closes = [4000, 4040, 3990, 4100, 4100, 4080, 4150, 4120];
    const lines = dates(closes.length, "1997-07-01").map((d, i) =>
      bar(d, closes[i]!, { volume: 0 }),
    );
    const result = validate(lines);
    expect(result.kept).toHaveLength(closes.length);
    expect(result.quality.quarantined).toEqual([]);
  });

  it("keeps a flat bar that traded (volume > 0)", () => {
    const [d1, d2] = dates(2);
    const result = validate([bar(d1!, 100), `${d2},100,100,100,100,100,40`]);
    expect(keptDates(result)).toEqual([d1, d2]);
  });

  it("calls a shorter run holiday filler and a run of staleRunDays a stale price", () => {
    const ds = dates(12);
    const shortRun = [
      bar(ds[0]!, 100),
      ...ds.slice(1, 5).map((d) => flat(d, 100)),
      bar(ds[5]!, 101),
    ];
    const longRun = [...ds.slice(6, 11).map((d) => flat(d, 101)), bar(ds[11]!, 102)];
    const result = validate([...shortRun, ...longRun]);
    expect(keptDates(result)).toEqual([ds[0], ds[5], ds[11]]);
    const byDate = reasons(result);
    expect(ds.slice(1, 5).map((d) => byDate[d])).toEqual(Array(4).fill("holiday-filler"));
    expect(ds.slice(6, 11).map((d) => byDate[d])).toEqual(Array(5).fill("stale-price-run"));
  });

  it("follows the staleRunDays option", () => {
    const ds = dates(5);
    const lines = [bar(ds[0]!, 100), ...ds.slice(1, 4).map((d) => flat(d, 100)), bar(ds[4]!, 99)];
    const result = validate(lines, { jumpThreshold: 0.18, staleRunDays: 3 });
    expect(Object.values(reasons(result))).toEqual(Array(3).fill("stale-price-run"));
  });

  it("does not join flat rows at different prices into one stale run", () => {
    const ds = dates(7);
    const prices = [100, 100, 100, 101, 101, 101];
    const result = validate([bar(ds[0]!, 100), ...prices.map((p, i) => flat(ds[i + 1]!, p))]);
    expect(Object.values(reasons(result))).toEqual(Array(6).fill("holiday-filler"));
  });

  it("cuts the history before a frozen year that ends at another level", () => {
    const before = series([500, 505, 510], "2003-01-01");
    const frozen = dates(260, "2003-01-04").map((d) => flat(d, 510));
    const after = series([250, 252, 251], "2004-01-01");
    const result = validate([...before, ...frozen, ...after]);
    expect(result.quality.firstDate).toBe("2004-01-01");
    expect(result.kept).toHaveLength(3);
    const quarantined = result.quality.quarantined;
    expect(quarantined).toHaveLength(263);
    expect(new Set(quarantined.map((q) => q.reason))).toEqual(new Set(["stale-price-run"]));
    expect(quarantined[0]!.detail).toMatch(/before a stale run \(260 rows/);
    expect(result.quality.jumps).toEqual([]);
  });

  it("keeps the history before a frozen year when the price resumes at the same level", () => {
    const before = series([500, 505, 510], "2003-01-01");
    const frozen = dates(260, "2003-01-04").map((d) => flat(d, 510));
    const after = series([515, 520], "2004-01-01");
    const result = validate([...before, ...frozen, ...after]);
    expect(result.quality.firstDate).toBe("2003-01-01");
    expect(result.kept).toHaveLength(5);
  });

  it("keeps the history before a short stale run even if the price moved across it", () => {
    const before = series([100, 101], "2004-05-01");
    const frozen = dates(22, "2004-05-03").map((d) => flat(d, 101));
    const after = series([127, 125], "2004-06-01");
    const result = validate([...before, ...frozen, ...after]);
    expect(keptDates(result)).toEqual(["2004-05-01", "2004-05-02", "2004-06-01", "2004-06-02"]);
    expect(result.quality.jumps.map((j) => j.date)).toEqual(["2004-06-01"]);
  });
});

describe("validateBars: large moves", () => {
  it("quarantines a flat one-row spike that reverts the next day, with no jump warning", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([bar(d1!, 100), flat(d2!, 218), bar(d3!, 100.5), bar(d4!, 101)]);
    expect(keptDates(result)).toEqual([d1, d3, d4]);
    expect(reasons(result)).toEqual({ [d2!]: "reverting-spike" });
    expect(result.quality.quarantined[0]!.detail).toMatch(/\+118\.0% from 100/);
    expect(result.quality.jumps).toEqual([]);
  });

  it("quarantines a traded bar sitting wholly away from the previous close that reverts", () => {
    const [d1, d2, d3] = dates(3);
    const half = bar(d2!, 50, { open: 51, high: 52, low: 49 });
    const result = validate([bar(d1!, 100), half, bar(d3!, 97, { open: 100 })]);
    expect(reasons(result)).toEqual({ [d2!]: "reverting-spike" });
    expect(result.quality.jumps).toEqual([]);
  });

  it("quarantines a two-row spike that reverts on the third row", () => {
    const [d1, d2, d3, d4, d5] = dates(5);
    const result = validate([
      bar(d1!, 100),
      flat(d2!, 20),
      bar(d3!, 21, { open: 20 }),
      bar(d4!, 101, { open: 100 }),
      bar(d5!, 102),
    ]);
    expect(keptDates(result)).toEqual([d1, d4, d5]);
    expect(reasons(result)).toEqual({ [d2!]: "reverting-spike", [d3!]: "reverting-spike" });
    expect(result.quality.jumps).toEqual([]);
  });

  it("does not stretch a spike beyond two traded rows", () => {
    const ds = dates(5);
    const result = validate(series([100, 200, 200, 200, 100]));
    expect(result.kept).toHaveLength(5);
    expect(result.quality.jumps.map((j) => j.date)).toEqual([ds[1], ds[4]]);
  });

  it("keeps a large move that does not revert, with a jump warning", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([
      bar(d1!, 100),
      bar(d2!, 75, { open: 80 }),
      bar(d3!, 76),
      bar(d4!, 74),
    ]);
    expect(result.kept).toHaveLength(4);
    expect(result.quality.quarantined).toEqual([]);
    expect(result.quality.jumps).toEqual([
      { date: d2, logReturn: Math.log(0.75), detail: expect.stringMatching(/-25\.0% from 100/) },
    ]);
  });

  it("keeps a gap that gives back only part of the move: the price must come back near", () => {
    const [d1, d2, d3, d4] = dates(4);
    const gap = bar(d2!, 150, { open: 148, low: 147 });
    // 115 is 14% above the pre-gap close: beyond half the threshold, so not "back"
    const result = validate([bar(d1!, 100), gap, bar(d3!, 115, { open: 120 }), bar(d4!, 116)]);
    expect(result.kept).toHaveLength(4);
    expect(result.quality.jumps.map((j) => j.date)).toEqual([d2, d3]);
  });

  it("keeps a crash day that rebounds when the bar traded through the previous close", () => {
    const [d1, d2, d3] = dates(3);
    const crash = bar(d2!, 79, { open: 99, high: 99.5, low: 72 });
    const result = validate([bar(d1!, 100), crash, bar(d3!, 99, { open: 80 })]);
    expect(result.kept).toHaveLength(3);
    const [down, up] = result.quality.jumps;
    expect(down).toMatchObject({ date: d2, detail: expect.stringMatching(/traded through/) });
    expect(up?.date).toBe(d3);
  });

  it("compares the row after a removed spike with the last kept close", () => {
    const ds = dates(5);
    const result = validate([
      bar(ds[0]!, 100),
      flat(ds[1]!, 300),
      bar(ds[2]!, 104),
      bar(ds[3]!, 130),
      bar(ds[4]!, 131),
    ]);
    expect(reasons(result)).toEqual({ [ds[1]!]: "reverting-spike" });
    // 104 against 100 is no jump (against the spike's 300 it would be -65%); 130 against 104 is
    expect(result.quality.jumps.map((j) => [j.date, j.logReturn])).toEqual([
      [ds[3], Math.log(130 / 104)],
    ]);
  });

  it("keeps a large move on the last row, since whether it reverts cannot be seen", () => {
    const [d1, d2] = dates(2);
    const result = validate([bar(d1!, 100), flat(d2!, 50).replace(/,0$/, ",10")]);
    expect(keptDates(result)).toEqual([d1, d2]);
    expect(result.quality.jumps[0]!.detail).toMatch(/end of the data/);
  });

  it("treats a moderate move below the threshold as ordinary", () => {
    const result = validate(series([100, 117, 100, 116]));
    expect(result.kept).toHaveLength(4);
    expect(result.quality.jumps).toEqual([]);
  });

  it("calls a far-off flat zero-volume row that does not revert holiday filler", () => {
    const [d1, d2, d3, d4] = dates(4);
    const result = validate([bar(d1!, 100), flat(d2!, 60), bar(d3!, 61), bar(d4!, 62)]);
    expect(reasons(result)).toEqual({ [d2!]: "holiday-filler" });
    expect(result.quality.jumps.map((j) => j.date)).toEqual([d3]);
  });
});
