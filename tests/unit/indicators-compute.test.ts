import { KST, StochasticRSI, SD } from "technicalindicators";
import { describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { flatBars, randomWalk } from "../helpers/bars.js";
import {
  FeatureInputError,
  computeFeatureColumns,
  computeFeatures,
} from "../../pipeline/indicators/compute.js";
import {
  FEATURES,
  FEATURE_NAMES,
  MAX_WARMUP_BARS,
  type FeatureName,
} from "../../pipeline/indicators/registry.js";

function lastRow(bars: Bar[]): Record<FeatureName, number> {
  const { columns } = computeFeatures(bars);
  const row = {} as Record<FeatureName, number>;
  FEATURE_NAMES.forEach((name, k) => (row[name] = columns[k]![columns[k]!.length - 1]!));
  return row;
}

function expectAllFinite(bars: Bar[]) {
  const { dates, columns } = computeFeatures(bars);
  expect(dates).toHaveLength(bars.length - MAX_WARMUP_BARS);
  columns.forEach((column, k) => {
    for (const v of column) expect(Number.isFinite(v), FEATURE_NAMES[k]).toBe(true);
  });
}

/** The neutral value every feature takes on a series that has not moved for a long time. */
const NEUTRAL_WHEN_FLAT: Partial<Record<FeatureName, number>> = {
  stoch_k_14: 50,
  stoch_d_14_3: 50,
  stochrsi_k: 50,
  cci_20: 0,
  bb_pctb_20: 0.5,
  bb_width_20: 0,
  vol_20: 0,
  vol_ratio_20_60: 1,
  close_location: 0.5,
  range_pct: 0,
  gap_pct: 0,
  roc_1: 0,
  roc_60: 0,
  mfi_14: 50,
  obv_flow_20: 0,
  adl_flow_20: 0,
  dist_high_252: 0,
  dist_low_252: 0,
};

describe("computeFeatures shape", () => {
  it("returns one column per feature in registry order, starting after the warm-up", () => {
    const bars = randomWalk(MAX_WARMUP_BARS + 50, 1);
    const { dates, columns } = computeFeatures(bars);
    expect(columns).toHaveLength(45);
    expect(dates).toEqual(bars.slice(MAX_WARMUP_BARS).map((b) => b.date));
    for (const c of columns) expect(c).toHaveLength(50);
    const full = computeFeatureColumns(bars);
    FEATURE_NAMES.forEach((name, k) => {
      expect(Array.from(columns[k]!)).toEqual(Array.from(full[name].slice(MAX_WARMUP_BARS)));
    });
  });

  it("returns no rows for series that end inside the warm-up, and never throws on short input", () => {
    for (const n of [0, 1, 2, 13, 14, 15, 27, 44, 60, 252, MAX_WARMUP_BARS]) {
      const bars = randomWalk(n, n + 7);
      const { dates, columns } = computeFeatures(bars);
      expect(dates).toEqual([]);
      expect(columns).toHaveLength(45);
      const full = computeFeatureColumns(bars);
      for (const name of FEATURE_NAMES) expect(full[name]).toHaveLength(n);
    }
    expect(computeFeatures(randomWalk(MAX_WARMUP_BARS + 1, 3)).dates).toHaveLength(1);
  });

  it("each column is defined from its registry warm-up on", () => {
    const bars = randomWalk(600, 11);
    const full = computeFeatureColumns(bars);
    for (const f of FEATURES) {
      const column = full[f.name as FeatureName];
      for (let t = f.warmupBars; t < bars.length; t++) {
        expect(Number.isFinite(column[t]), `${f.name} at ${t}`).toBe(true);
      }
    }
  });

  it("rejects bars the features cannot be computed from", () => {
    const bars = randomWalk(30, 5);
    const zeroPrice = bars.map((b, t) => (t === 10 ? { ...b, low: 0 } : b));
    expect(() => computeFeatures(zeroPrice)).toThrow(FeatureInputError);
    const nanVolume = bars.map((b, t) => (t === 3 ? { ...b, volume: Number.NaN } : b));
    expect(() => computeFeatures(nanVolume)).toThrow(/volume/);
    const unordered = [bars[1]!, bars[0]!, ...bars.slice(2)];
    expect(() => computeFeatures(unordered)).toThrow(/increasing/);
    const duplicated = [bars[0]!, ...bars];
    expect(() => computeFeatures(duplicated)).toThrow(/increasing/);
  });
});

describe("feature values on bar t", () => {
  const bars = randomWalk(500, 42);
  const full = computeFeatureColumns(bars);
  const close = bars.map((b) => b.close);
  const t = 450;

  it("match direct formulas from bars up to t", () => {
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const b = bars[t]!;
    expect(full.roc_1[t]).toBeCloseTo(close[t]! / close[t - 1]! - 1, 12);
    expect(full.roc_60[t]).toBeCloseTo(close[t]! / close[t - 60]! - 1, 12);
    expect(full.close_sma_20[t]).toBeCloseTo(close[t]! / mean(close.slice(t - 19, t + 1)) - 1, 12);
    expect(full.gap_pct[t]).toBeCloseTo(b.open / close[t - 1]! - 1, 12);
    expect(full.range_pct[t]).toBeCloseTo((b.high - b.low) / b.close, 12);
    expect(full.close_location[t]).toBeCloseTo((b.close - b.low) / (b.high - b.low), 12);
    const window = bars.slice(t - 13, t + 1);
    const hh = Math.max(...window.map((x) => x.high));
    const ll = Math.min(...window.map((x) => x.low));
    expect(full.stoch_k_14[t]).toBeCloseTo((100 * (b.close - ll)) / (hh - ll), 10);
    const highs = bars.slice(t - 251, t + 1).map((x) => x.high);
    expect(full.dist_high_252[t]).toBeCloseTo(b.close / Math.max(...highs) - 1, 12);
    const volumes = bars.slice(t - 19, t + 1).map((x) => x.volume);
    expect(full.volume_z_20[t]).toBeCloseTo(Math.log((b.volume + 1) / (mean(volumes) + 1)), 12);
    const logReturns = close.slice(t - 19, t + 1).map((c, i) => Math.log(c / close[t - 20 + i]!));
    const m = mean(logReturns);
    const sd = Math.sqrt(mean(logReturns.map((r) => (r - m) ** 2)));
    expect(full.vol_20[t]).toBeCloseTo(sd, 12);
    let signedVolume = 0;
    for (let i = t - 19; i <= t; i++) {
      signedVolume += Math.sign(close[i]! - close[i - 1]!) * bars[i]!.volume;
    }
    expect(full.obv_flow_20[t]).toBeCloseTo(signedVolume / volumes.reduce((a, v) => a + v), 12);
  });

  it("the 60-day volatility from three 20-day blocks equals SD over 60 days", () => {
    const shifted = close.slice(1).map((c, i) => 1 + Math.log(c / close[i]!));
    const sd60 = SD.calculate({ period: 60, values: shifted });
    for (let s = 60; s < bars.length; s++) {
      const expected = full.vol_20[s]! / sd60[s - 60]!;
      expect(Math.abs(full.vol_ratio_20_60[s]! - expected)).toBeLessThan(1e-12 * expected);
    }
  });

  it("KST is bit-identical to KST.calculate", () => {
    const library = KST.calculate({
      values: close,
      ROCPer1: 10,
      ROCPer2: 15,
      ROCPer3: 20,
      ROCPer4: 30,
      SMAROCPer1: 10,
      SMAROCPer2: 10,
      SMAROCPer3: 10,
      SMAROCPer4: 15,
      signalPeriod: 9,
    });
    expect(library).toHaveLength(bars.length - 44);
    library.forEach((o, i) => {
      expect(Object.is(full.kst[44 + i], o.kst)).toBe(true);
      if (i >= 8) expect(Object.is(full.kst_signal[44 + i], o.signal)).toBe(true);
    });
  });

  it("StochRSI agrees with the library's except for its 2-decimal RSI", () => {
    const library = StochasticRSI.calculate({
      values: close,
      rsiPeriod: 14,
      stochasticPeriod: 14,
      kPeriod: 3,
      dPeriod: 3,
    });
    const first = bars.length - library.length;
    let worst = 0;
    for (let i = 0; i < library.length; i++) {
      worst = Math.max(worst, Math.abs(full.stochrsi_k[first + i]! - library[i]!.k));
    }
    expect(first).toBe(31); // it emits %K only once its %D exists, 2 bars after ours (29)
    expect(worst).toBeGreaterThan(0); // its rounding shows
    expect(worst).toBeLessThan(5);
  });
});

describe("fallbacks", () => {
  it("a zero-volume series gives finite, neutral volume features", () => {
    const bars = randomWalk(MAX_WARMUP_BARS + 100, 9, false);
    expectAllFinite(bars);
    const row = lastRow(bars);
    expect(row.mfi_14).toBe(50);
    expect(row.obv_flow_20).toBe(0);
    expect(row.adl_flow_20).toBe(0);
    expect(row.volume_z_20).toBe(0);
  });

  it("a flat-price series gives finite, neutral values", () => {
    const bars = flatBars(MAX_WARMUP_BARS + 50, 250.5, 1000);
    expectAllFinite(bars);
    const row = lastRow(bars);
    const neutral: Partial<Record<FeatureName, number>> = {
      ...NEUTRAL_WHEN_FLAT,
      rsi_14: 50,
      rsi_7: 50,
      adx_14: 0,
      pdi_14: 0,
      mdi_14: 0,
      atr_pct_14: 0,
      kc_position: 0.5,
      macd_line: 0,
      macd_signal: 0,
      macd_hist: 0,
      trix_15: 0,
      kst: 0,
      kst_signal: 0,
      ao_norm: 0,
      volume_z_20: 0,
    };
    for (const name of FEATURE_NAMES) {
      const expected = neutral[name] ?? 0; // everything else is a distance to an average: 0
      expect(Math.abs(row[name] - expected), name).toBeLessThan(1e-12);
    }
  });

  it("a flat stretch after a moving history ends on the neutral values, not on rounding noise", () => {
    const moving = randomWalk(600, 21);
    const last = moving[moving.length - 1]!;
    const bars = [...moving, ...flatBars(400, last.close, 0, moving.length)];
    expectAllFinite(bars);
    const row = lastRow(bars);
    for (const [name, expected] of Object.entries(NEUTRAL_WHEN_FLAT)) {
      expect(Math.abs(row[name as FeatureName] - expected), name).toBeLessThan(1e-12);
    }
  });

  it("bars with H = L inside a moving series keep close_location and the A/D flow finite", () => {
    const bars = randomWalk(MAX_WARMUP_BARS + 40, 33).map((b, t) =>
      t % 7 === 0 ? { ...b, open: b.close, high: b.close, low: b.close } : b,
    );
    expectAllFinite(bars);
    const full = computeFeatureColumns(bars);
    expect(full.close_location[350]).toBe(0.5);
    expect(full.close_location[351]).not.toBe(0.5);
  });
});
