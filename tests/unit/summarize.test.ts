/**
 * summarizeScope on a hand-made 12-day scope: metrics per model against hand computations,
 * the Diebold-Mariano loss per pair, the backtest list, conformal coverage; and
 * conformalIntervals never reads y_t for the interval at t.
 */
import { describe, expect, it } from "vitest";
import {
  BACKTEST_COSTS_BPS,
  CONFORMAL_LEVELS,
  backtests,
  conformalIntervals,
  summarizeScope,
  type ScopeRows,
} from "../../pipeline/evaluation/summarize.js";
import { MODEL_NAMES, type ModelName } from "../../pipeline/evaluation/walk-forward.js";
import { weekdayDates } from "../helpers/synthetic-rows.js";

const RET = [0.01, -0.02, 0.005, 0.012, -0.003, -0.008, 0.02, 0.001, -0.015, 0.007, -0.001, 0.004];
// up:        1      0     1      1      0      0      1     1      0      1      0       1
const MLP_P = [0.6, 0.4, 0.55, 0.45, 0.52, 0.48, 0.7, 0.3, 0.4, 0.6, 0.5, 0.51];
// says up:   1    0    1     0     1     0     1    0    0    1    1    1   (7 of 12)
const MLP_RET = [
  0.002, -0.001, 0.001, -0.002, 0.0005, -0.001, 0.003, -0.002, -0.001, 0.001, 0, 0.0002,
];
const LOGISTIC_P = [0.52, 0.49, 0.51, 0.5, 0.48, 0.47, 0.53, 0.51, 0.5, 0.49, 0.52, 0.5];

function scope(ret: readonly number[] = RET): ScopeRows {
  const n = ret.length;
  const constant = (v: number) => new Float64Array(n).fill(v);
  return {
    dates: weekdayDates(n, "2024-01-01"),
    ret: Float64Array.from(ret),
    up: Uint8Array.from(ret, (r) => (r > 0 ? 1 : 0)),
    volatility: Float64Array.from({ length: n }, (_, i) => 0.008 + 0.001 * (i % 4)),
    forecasts: {
      mlp: { p: Float64Array.from(MLP_P), ret: Float64Array.from(MLP_RET) },
      logistic: { p: Float64Array.from(LOGISTIC_P), ret: null },
      "always-up": { p: constant(0.55), ret: null },
      "zero-return": { p: constant(0.5), ret: constant(0) },
      "historical-mean": { p: constant(0.55), ret: constant(0.0005) },
    },
  };
}

describe("summarizeScope on a hand-made scope of 12 days", () => {
  const rows = scope();
  const summary = summarizeScope(rows, true);
  const metrics = (m: ModelName) => summary.models.find((x) => x.model === m)!;

  it("counts the days and the up-rate, and reports the five models in order", () => {
    expect(summary.n).toBe(12);
    expect(summary.upRate).toBeCloseTo(7 / 12, 15);
    expect(summary.models.map((m) => m.model)).toEqual([...MODEL_NAMES]);
    expect(summary.models.every((m) => m.n === 12)).toBe(true);
  });

  it("has the hand-computed accuracy, Brier score and Brier skill against always-up", () => {
    // mlp says up on days 0,2,4,6,9,10,11; hits on 0,1,2,5,6,8,9,11: 8 of 12
    expect(metrics("mlp").accuracy).toBeCloseTo(8 / 12, 15);
    // (p - o)^2: .16 .16 .2025 .3025 .2704 .2304 .09 .49 .16 .16 .25 .2401, sum 2.7159
    expect(metrics("mlp").brier).toBeCloseTo(2.7159 / 12, 14);
    // always-up p = 0.55: 7 ups cost 0.45^2, 5 downs 0.55^2: (1.4175 + 1.5125) / 12 = 2.93 / 12
    expect(metrics("always-up").brier).toBeCloseTo(2.93 / 12, 14);
    expect(metrics("mlp").brierSkill).toBeCloseTo(1 - 2.7159 / 2.93, 12);
    // the reference against itself, and the same constant forecast, have zero skill
    expect(metrics("always-up").brierSkill).toBeCloseTo(0, 15);
    expect(metrics("historical-mean").brierSkill).toBeCloseTo(0, 15);
    // zero-return says 0.5 every day: Brier 0.25, every day "up" (a tie counts as up): 7/12
    expect(metrics("zero-return").brier).toBeCloseTo(0.25, 15);
    expect(metrics("zero-return").accuracy).toBeCloseTo(7 / 12, 15);
    expect(metrics("zero-return").brierSkill).toBeCloseTo(1 - 3 / 2.93, 12);
    // logistic says up on 0,2,3,6,7,8,10,11 (0.5 counts as up): misses on 8, 9, 10: 9 of 12
    expect(metrics("logistic").accuracy).toBeCloseTo(9 / 12, 15);
  });

  it("has return errors only for the models that forecast a return", () => {
    const mlpAbs = RET.reduce((a, r, i) => a + Math.abs(r - MLP_RET[i]!), 0) / 12;
    expect(metrics("mlp").mae).toBeCloseTo(mlpAbs, 15);
    expect(metrics("zero-return").rmse).toBeCloseTo(
      Math.sqrt(RET.reduce((a, r) => a + r * r, 0) / 12),
      15,
    );
    expect(metrics("logistic").mae).toBeNull();
    expect(metrics("always-up").rmse).toBeNull();
    expect(metrics("always-up").r2OutOfSample).toBeNull();
    // against the historical mean: itself scores 0
    expect(metrics("historical-mean").r2OutOfSample).toBeCloseTo(0, 15);
    const sse = (f: (i: number) => number) => RET.reduce((a, r, i) => a + (r - f(i)) ** 2, 0);
    expect(metrics("zero-return").r2OutOfSample).toBeCloseTo(
      1 - sse(() => 0) / sse(() => 0.0005),
      14,
    );
  });

  it("compares on squared return errors between return models and on Brier otherwise", () => {
    const returnModels = new Set<string>(["mlp", "zero-return", "historical-mean"]);
    for (const m of summary.models) {
      expect(Object.keys(m.dieboldMariano).sort()).toEqual(
        MODEL_NAMES.filter((x) => x !== m.model).sort(),
      );
      for (const [other, dm] of Object.entries(m.dieboldMariano)) {
        const both = returnModels.has(m.model) && returnModels.has(other);
        expect(dm.loss, `${m.model} vs ${other}`).toBe(both ? "squared-return-error" : "brier");
        expect(dm.pValue).toBeGreaterThanOrEqual(0);
        expect(dm.pValue).toBeLessThanOrEqual(1);
        // the mirror comparison has the opposite sign and swapped one-sided p-values
        const mirror = metrics(other as ModelName).dieboldMariano[m.model]!;
        expect(mirror.loss).toBe(dm.loss);
        expect(mirror.pValueBetter).toBeCloseTo(dm.pValueWorse, 12);
        if (dm.statistic !== null) expect(mirror.statistic).toBeCloseTo(-dm.statistic, 12);
      }
    }
    // always-up and historical-mean give the same probabilities: no test, statistic null, p 1
    const same = metrics("always-up").dieboldMariano["historical-mean"]!;
    expect(same.statistic).toBeNull();
    expect(same.pValue).toBe(1);
    // the mlp's squared errors are smaller than zero-return's on most days: negative statistic
    const mlpVsZero = metrics("mlp").dieboldMariano["zero-return"]!;
    const d = RET.map((r, i) => (r - MLP_RET[i]!) ** 2 - r ** 2);
    expect(Math.sign(mlpVsZero.statistic!)).toBe(Math.sign(d.reduce((a, b) => a + b, 0)));
  });

  it("lists the backtest at the three costs for both strategies", () => {
    expect(summary.backtest.map((b) => [b.strategy, b.costBps])).toEqual(
      BACKTEST_COSTS_BPS.flatMap((c) => [
        ["mlp long/flat", c],
        ["buy-and-hold", c],
      ]),
    );
    expect(BACKTEST_COSTS_BPS).toEqual([5, 10, 20]);
    const total = RET.reduce((a, b) => a + b, 0);
    for (const b of summary.backtest) {
      const c = b.costBps / 10_000;
      if (b.strategy === "buy-and-hold") {
        // one entry cost, then every day's simple return compounds to exp(sum of log returns)
        expect(b.totalReturn).toBeCloseTo((1 - c) * Math.exp(total) - 1, 14);
        expect(b.exposure).toBe(1);
      } else {
        let value = 1;
        let previous = 0;
        MLP_P.forEach((p, t) => {
          const s = p >= 0.5 ? 1 : 0;
          value *= (1 - c * Math.abs(s - previous)) * (1 + s * Math.expm1(RET[t]!));
          previous = s;
        });
        expect(b.totalReturn).toBeCloseTo(value - 1, 14);
        expect(b.exposure).toBeCloseTo(7 / 12, 15);
      }
    }
    const strategy = summary.backtest.filter((b) => b.strategy === "mlp long/flat");
    expect(strategy[0]!.totalReturn).toBeGreaterThan(strategy[2]!.totalReturn);
    expect(summarizeScope(rows, false).backtest).toEqual([]);
    // the equity series behind it: one value per day
    expect(backtests(rows).map((r) => r.strategy.equity.length)).toEqual([12, 12, 12]);
  });

  it("reports conformal coverage in [0, 1] at 80, 90 and 95%, and a reliability table", () => {
    expect(summary.coverage.map((c) => c.level)).toEqual([...CONFORMAL_LEVELS]);
    for (const c of summary.coverage) {
      expect(c.coverage).toBeGreaterThanOrEqual(0);
      expect(c.coverage).toBeLessThanOrEqual(1);
      expect(c.meanWidth).toBeGreaterThanOrEqual(0);
      const run = conformalIntervals(rows, c.level, rows.forecasts.mlp.ret!);
      const covered = RET.filter((r, i) => r >= run.lower[i]! && r <= run.upper[i]!).length;
      expect(c.coverage).toBeCloseTo(covered / 12, 15);
    }
    expect(summary.reliability).toHaveLength(10);
    expect(summary.reliability.reduce((a, b) => a + b.count, 0)).toBe(12);
  });
});

describe("conformalIntervals", () => {
  const rows = scope();
  const forecast = rows.forecasts.mlp.ret!;

  it("never uses y_t for the interval at t: changing the last actual leaves every interval", () => {
    for (const level of CONFORMAL_LEVELS) {
      const before = conformalIntervals(rows, level, forecast);
      const changed = scope([...RET.slice(0, -1), 0.25]);
      const after = conformalIntervals(changed, level, forecast);
      expect(after.lower).toEqual(before.lower);
      expect(after.upper).toEqual(before.upper);
      expect(Object.is(after.lower.at(-1), before.lower.at(-1))).toBe(true);
      expect(Object.is(after.upper.at(-1), before.upper.at(-1))).toBe(true);
      // the last day is scored, though: its coverage and score change
      expect(after.scores.at(-1)).not.toBe(before.scores.at(-1));
    }
  });

  it("uses y_s only after s: changing day 5 leaves days 0-5 and moves a later interval", () => {
    const before = conformalIntervals(rows, 0.8, forecast);
    const changed = [...RET];
    changed[5] = -0.3;
    const after = conformalIntervals(scope(changed), 0.8, forecast);
    expect(after.lower.subarray(0, 6)).toEqual(before.lower.subarray(0, 6));
    expect(after.upper.subarray(0, 6)).toEqual(before.upper.subarray(0, 6));
    const moved = Array.from(after.upper.subarray(6)).some((u, i) => u !== before.upper[6 + i]);
    expect(moved).toBe(true);
  });

  it("centres the interval on the forecast and scales its scores by the volatility", () => {
    const run = conformalIntervals(rows, 0.9, forecast);
    for (let t = 1; t < 12; t++) {
      expect((run.lower[t]! + run.upper[t]!) / 2).toBeCloseTo(forecast[t]!, 14);
      expect(run.upper[t]! - run.lower[t]!).toBeGreaterThanOrEqual(0);
    }
    run.scores.forEach((s, t) => {
      expect(s).toBeCloseTo(Math.abs(RET[t]! - forecast[t]!) / rows.volatility[t]!, 12);
    });
    expect(run.finalAlpha).toBeGreaterThan(0);
    expect(run.finalAlpha).toBeLessThan(0.2);
  });
});
