import { describe, expect, it } from "vitest";
import type { SymbolFeatures } from "../../core/feature-table.js";
import { buildDataset, selectRows, type CloseSeries } from "../../pipeline/model/dataset.js";

function weekdays(from: string, count: number): string[] {
  const out: string[] = [];
  let t = Date.parse(from);
  while (out.length < count) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

/** A stand-in for the indicators: trailing log returns and a trailing mean, from bars <= t only. */
function trailingFeatures(symbol: string, series: CloseSeries, warmup = 3): SymbolFeatures {
  const c = series.close;
  const dates: string[] = [];
  const columns = [[], [], []] as number[][];
  for (let t = warmup; t < c.length; t++) {
    dates.push(series.dates[t]!);
    columns[0]!.push(Math.log(c[t]! / c[t - 1]!));
    columns[1]!.push(Math.log(c[t]! / c[t - 3]!));
    columns[2]!.push((c[t]! + c[t - 1]! + c[t - 2]!) / 3 / c[t]!);
  }
  return { symbol, dates, columns: columns.map((col) => Float64Array.from(col)) };
}

function randomWalk(dates: string[], seed: number): CloseSeries {
  let s = seed;
  const close = new Float64Array(dates.length);
  let price = 100;
  for (let i = 0; i < dates.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    price *= Math.exp((s / 2147483648 - 0.5) * 0.04);
    close[i] = price;
  }
  return { dates, close };
}

describe("buildDataset", () => {
  const dates = weekdays("2024-01-01", 5);
  const close = Float64Array.from([100, 102, 101, 105, 104]);
  const features: SymbolFeatures = {
    symbol: "AAA.NS",
    dates,
    columns: [Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([10, 20, 30, 40, 50])],
  };

  it("targets each row with the next bar's log return of the same symbol", () => {
    const { labelled, forecast, dropped } = buildDataset(
      [features],
      new Map([["AAA.NS", { dates, close }]]),
    );
    expect(labelled.n).toBe(4);
    expect(labelled.dates).toEqual(dates.slice(0, 4));
    expect(Array.from(labelled.ret)).toEqual([
      Math.log(102 / 100),
      Math.log(101 / 102),
      Math.log(105 / 101),
      Math.log(104 / 105),
    ]);
    expect(Array.from(labelled.up)).toEqual([1, 0, 1, 0]);
    expect(Array.from(labelled.x)).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    expect(dropped).toEqual({ gap: 0, nonFinite: 0 });
    // the last row has no next bar: it is the forecast row, not a training row
    expect(forecast.n).toBe(1);
    expect(forecast.dates).toEqual([dates[4]]);
    expect(Array.from(forecast.x)).toEqual([5, 50]);
    expect(Array.from(forecast.lastClose)).toEqual([104]);
  });

  it("pools symbols without mixing their price series", () => {
    const other = weekdays("2024-01-02", 3);
    const parts: SymbolFeatures[] = [
      features,
      {
        symbol: "BBB.NS",
        dates: other,
        columns: [Float64Array.of(7, 8, 9), Float64Array.of(0, 0, 0)],
      },
    ];
    const closes = new Map<string, CloseSeries>([
      ["AAA.NS", { dates, close }],
      ["BBB.NS", { dates: other, close: Float64Array.of(50, 40, 60) }],
    ]);
    const { labelled, forecast } = buildDataset(parts, closes);
    expect(labelled.symbols).toEqual(["AAA.NS", "BBB.NS"]);
    expect(Array.from(labelled.symbolIndex)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(labelled.ret[4]).toBe(Math.log(40 / 50));
    expect(labelled.ret[5]).toBe(Math.log(60 / 40));
    expect(labelled.dates.slice(4)).toEqual(other.slice(0, 2));
    expect(Array.from(forecast.symbolIndex)).toEqual([0, 1]);
    expect(forecast.dates).toEqual([dates[4], other[2]]);
  });

  it("gives no target across a gap of more than 10 calendar days", () => {
    const gapDates = ["2024-03-01", "2024-03-04", "2024-03-15", "2024-03-25", "2024-03-26"];
    const part: SymbolFeatures = {
      symbol: "GAP",
      dates: gapDates,
      columns: [Float64Array.of(1, 2, 3, 4, 5)],
    };
    const series = { dates: gapDates, close: Float64Array.of(10, 11, 12, 13, 14) };
    const { labelled, dropped } = buildDataset([part], new Map([["GAP", series]]));
    // 03-04 -> 03-15 is 11 days (dropped); 03-15 -> 03-25 is exactly 10 (kept)
    expect(labelled.dates).toEqual(["2024-03-01", "2024-03-15", "2024-03-25"]);
    expect(labelled.ret[1]).toBe(Math.log(13 / 12));
    expect(dropped.gap).toBe(1);
  });

  it("maps each feature row to its own bar when the warm-up rows are absent", () => {
    const all = weekdays("2024-01-01", 8);
    const series = randomWalk(all, 3);
    const part = trailingFeatures("W", series);
    const { labelled } = buildDataset([part], new Map([["W", series]]));
    expect(labelled.dates[0]).toBe(all[3]);
    expect(labelled.ret[0]).toBe(Math.log(series.close[4]! / series.close[3]!));
  });

  it("leaves out rows with a non-finite feature", () => {
    const part: SymbolFeatures = {
      symbol: "AAA.NS",
      dates,
      columns: [Float64Array.of(1, Number.NaN, 3, 4, 5), Float64Array.of(1, 2, 3, Infinity, 5)],
    };
    const { labelled, dropped } = buildDataset([part], new Map([["AAA.NS", { dates, close }]]));
    expect(labelled.dates).toEqual([dates[0], dates[2]]);
    expect(dropped.nonFinite).toBe(2);
  });

  it("rejects feature rows that have no price bar", () => {
    const series = { dates: dates.filter((_, i) => i !== 2), close: Float64Array.of(1, 2, 3, 4) };
    expect(() => buildDataset([features], new Map([["AAA.NS", series]]))).toThrow(/no price bar/);
    expect(() => buildDataset([features], new Map())).toThrow(/no price series/);
  });

  it("appending future bars changes no earlier row; only the old forecast row gains a target", () => {
    const all = weekdays("2023-06-01", 60);
    const full = randomWalk(all, 42);
    const cut = 50;
    const prefix: CloseSeries = { dates: all.slice(0, cut), close: full.close.slice(0, cut) };
    const before = buildDataset([trailingFeatures("S", prefix)], new Map([["S", prefix]]));
    const after = buildDataset([trailingFeatures("S", full)], new Map([["S", full]]));
    const k = before.labelled.featureCount;

    const old = before.labelled.n;
    expect(after.labelled.dates.slice(0, old)).toEqual(before.labelled.dates);
    expect(after.labelled.x.slice(0, old * k)).toEqual(before.labelled.x);
    expect(after.labelled.ret.slice(0, old)).toEqual(before.labelled.ret);
    // the row that was the forecast row is now labelled, with the same features
    expect(after.labelled.dates[old]).toBe(before.forecast.dates[0]);
    expect(after.labelled.x.slice(old * k, (old + 1) * k)).toEqual(before.forecast.x);
    expect(after.labelled.ret[old]).toBe(Math.log(full.close[cut]! / full.close[cut - 1]!));
    // every other new labelled row is a date that did not exist before
    const known = new Set([...before.labelled.dates, ...before.forecast.dates]);
    expect(after.labelled.dates.slice(old + 1).every((d) => !known.has(d))).toBe(true);
    expect(after.forecast.dates).toEqual([all.at(-1)]);
  });
});

describe("selectRows", () => {
  const dates = weekdays("2024-01-01", 6);
  const part: SymbolFeatures = {
    symbol: "A",
    dates,
    columns: [Float64Array.of(0, 1, 2, 3, 4, 5), Float64Array.of(0, 10, 20, 30, 40, 50)],
  };
  const { labelled } = buildDataset(
    [part],
    new Map([["A", { dates, close: Float64Array.of(1, 2, 1, 2, 1, 2) }]]),
  );

  it("selects by predicate, keeping every column aligned", () => {
    const even = selectRows(labelled, (i) => i % 2 === 0);
    expect(even.n).toBe(3);
    expect(Array.from(even.x)).toEqual([0, 0, 2, 20, 4, 40]);
    expect(Array.from(even.up)).toEqual([1, 1, 1]);
    expect(even.dates).toEqual([dates[0], dates[2], dates[4]]);
    expect(even.symbols).toEqual(["A"]);
  });

  it("selects by index list, in the order given, and rejects rows out of range", () => {
    const picked = selectRows(labelled, [3, 1]);
    expect(Array.from(picked.x)).toEqual([3, 30, 1, 10]);
    expect(Array.from(picked.ret)).toEqual([Math.log(1 / 2), Math.log(1 / 2)]);
    expect(() => selectRows(labelled, [5])).toThrow(RangeError);
  });
});
