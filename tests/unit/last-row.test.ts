import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { computeFeatures, FeatureInputError } from "../../pipeline/indicators/compute.js";
import { computeLastFeatureRow } from "../../pipeline/indicators/last-row.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS } from "../../pipeline/indicators/registry.js";
import { validateBars } from "../../pipeline/quality/rules.js";
import { flatBars, randomWalk } from "../helpers/bars.js";

const PRICES_DIR = join(import.meta.dirname, "../../data/snapshot/prices");
const VOL_INDEX = FEATURE_NAMES.indexOf("vol_20");

/**
 * How far a last-row value may sit from computeFeatures': the seed of every smoothing is allowed
 * 1e-10 of weight (registry SEED_INFLUENCE_LIMIT), and sums run in another order.
 */
const allowed = (expected: number) => 1e-10 + 1e-7 * Math.abs(expected);

function expectClose(actual: number, expected: number, label: string): void {
  expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(allowed(expected));
}

function snapshotBars(file: string): Bar[] {
  const path = join(PRICES_DIR, file);
  const parsed = parsePriceCsv(readFileSync(path, "utf8"), path);
  return validateBars(file, parsed, { jumpThreshold: 0.18, staleRunDays: 5 }).kept;
}

/**
 * Compares the last-row features of bars[..t] with row t of the full-history feature table,
 * for every `stride`-th row; returns how many rows and the worst excess over the tolerance.
 */
function compareWithFeatureTable(bars: Bar[], stride: number, label: string) {
  const table = computeFeatures(bars);
  let rows = 0;
  let worst = { excess: Number.NEGATIVE_INFINITY, where: "" };
  for (let r = table.dates.length - 1; r >= 0; r -= stride) {
    const t = r + MAX_WARMUP_BARS;
    const row = computeLastFeatureRow(bars.slice(t - MAX_WARMUP_BARS, t + 1));
    if (row.date !== table.dates[r]) throw new Error(`${label}: row ${r} is ${row.date}`);
    FEATURE_NAMES.forEach((name, k) => {
      const expected = table.columns[k]![r]!;
      const excess = Math.abs(row.values[k]! - expected) - allowed(expected);
      if (excess > worst.excess) {
        worst = { excess, where: `${label} ${row.date} ${name}: ${row.values[k]} vs ${expected}` };
      }
    });
    rows++;
  }
  return { rows, worst };
}

describe("computeLastFeatureRow against computeFeatures on the real snapshot", () => {
  const files = readdirSync(PRICES_DIR).filter((f) => f.endsWith(".csv"));

  it("matches every row of the SENSEX feature table from the last 384 bars alone", () => {
    const { rows, worst } = compareWithFeatureTable(snapshotBars("BSESN.csv"), 1, "^BSESN");
    expect(rows).toBeGreaterThan(4000);
    expect(worst.excess, worst.where).toBeLessThanOrEqual(0);
  });

  it("matches every 11th row of each constituent's feature table", () => {
    let compared = 0;
    for (const file of files.filter((f) => f !== "BSESN.csv")) {
      const { rows, worst } = compareWithFeatureTable(snapshotBars(file), 11, file);
      expect(worst.excess, worst.where).toBeLessThanOrEqual(0);
      compared += rows;
    }
    expect(files.length).toBeGreaterThanOrEqual(31);
    expect(compared).toBeGreaterThan(10_000);
  }, 60_000);

  it("gives the vol_20 history computeFeatures gives on the same window", () => {
    const bars = snapshotBars("INFY.NS.csv");
    for (const [length, rows] of [
      [MAX_WARMUP_BARS + 250, 250],
      [MAX_WARMUP_BARS + 40, 250],
      [MAX_WARMUP_BARS + 1, 250],
      [MAX_WARMUP_BARS + 250, 1],
    ] as const) {
      const window = bars.slice(-length);
      const expected = computeFeatures(window).columns[VOL_INDEX]!.slice(-rows);
      const row = computeLastFeatureRow(window, rows);
      expect(row.volatilityHistory).toHaveLength(expected.length);
      expected.forEach((v, i) => expectClose(row.volatilityHistory[i]!, v, `vol_20 row ${i}`));
      expect(row.volatilityHistory.at(-1)).toBe(row.values[VOL_INDEX]);
    }
  });
});

describe("computeLastFeatureRow on the edge cases computeFeatures handles", () => {
  // on the same window: a flat stretch longer than the window leaves computeFeatures' +DI/-DI
  // a 0/0 limit (both Wilder averages decaying together) that only the bars before it decide
  const lastOfTable = (bars: Bar[]) => {
    const { columns } = computeFeatures(bars.slice(-(MAX_WARMUP_BARS + 1)));
    return columns.map((c) => c.at(-1)!);
  };
  const cases: [string, Bar[]][] = [
    ["a random walk", randomWalk(MAX_WARMUP_BARS + 1, 3)],
    ["a zero-volume series", randomWalk(MAX_WARMUP_BARS + 100, 9, false)],
    ["a flat-price series", flatBars(MAX_WARMUP_BARS + 50, 250.5, 1000)],
    [
      "a flat stretch after a moving history",
      (() => {
        const moving = randomWalk(600, 21);
        return [...moving, ...flatBars(400, moving.at(-1)!.close, 0, moving.length)];
      })(),
    ],
    [
      "a flat stretch of 30 bars",
      (() => {
        const moving = randomWalk(600, 22);
        return [...moving, ...flatBars(30, moving.at(-1)!.close, 500, moving.length)];
      })(),
    ],
    [
      "bars with H = L inside a moving series",
      randomWalk(MAX_WARMUP_BARS + 40, 33).map((b, t) =>
        t % 7 === 0 ? { ...b, open: b.close, high: b.close, low: b.close } : b,
      ),
    ],
  ];
  for (const [label, bars] of cases) {
    it(`${label}: the same values as the feature table's last row`, () => {
      const expected = lastOfTable(bars);
      const { values } = computeLastFeatureRow(bars);
      FEATURE_NAMES.forEach((name, k) => expectClose(values[k]!, expected[k]!, name));
    });
  }
});

describe("computeLastFeatureRow input", () => {
  it("reads only bars up to the last: what follows a cut never changes it", () => {
    const bars = randomWalk(MAX_WARMUP_BARS + 200, 5);
    const cut = MAX_WARMUP_BARS + 120;
    const before = computeLastFeatureRow(bars.slice(0, cut + 1), 250);
    const changedFuture = [
      ...bars.slice(0, cut + 1),
      ...bars.slice(cut + 1).map((b) => ({ ...b, close: b.close * 3, high: b.high * 3 })),
    ];
    const after = computeLastFeatureRow(changedFuture.slice(0, cut + 1), 250);
    expect(Array.from(after.values)).toEqual(Array.from(before.values));
  });

  it("refuses too few bars and bars computeFeatures would refuse", () => {
    const bars = randomWalk(MAX_WARMUP_BARS + 10, 8);
    expect(() => computeLastFeatureRow(bars.slice(-MAX_WARMUP_BARS))).toThrow(FeatureInputError);
    const negative = bars.map((b, t) => (t === bars.length - 3 ? { ...b, low: -1 } : b));
    expect(() => computeLastFeatureRow(negative)).toThrow(/prices must be finite and positive/);
    const repeated = bars.map((b, t) =>
      t === bars.length - 1 ? { ...b, date: bars[t - 1]!.date } : b,
    );
    expect(() => computeLastFeatureRow(repeated)).toThrow(/strictly increasing/);
    const noVolume = bars.map((b, t) => (t === bars.length - 5 ? { ...b, volume: Number.NaN } : b));
    expect(() => computeLastFeatureRow(noVolume)).toThrow(/volume must be finite/);
  });
});
