import { describe, expect, it } from "vitest";
import {
  absoluteResiduals,
  adaptiveConformalIntervals,
  conformalQuantile,
  splitConformalIntervals,
} from "../../pipeline/model/conformal.js";
import { createRng, normalSample } from "../../core/random.js";

function share(covered: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += covered[t]!;
  return sum / (to - from);
}

describe("model/conformal: quantile and split conformal", () => {
  const scores = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // n = 9

  it("takes the ⌈(1−α)(n+1)⌉-th smallest score", () => {
    expect(conformalQuantile(scores, 0.1)).toBe(9); // ⌈0.9·10⌉ = 9
    expect(conformalQuantile(scores, 0.2)).toBe(8); // ⌈0.8·10⌉ = 8
    expect(conformalQuantile(scores, 0.5)).toBe(5); // ⌈0.5·10⌉ = 5
    expect(conformalQuantile(scores, 0.55)).toBe(5); // ⌈4.5⌉ = 5
    expect(conformalQuantile(scores, 0.05)).toBe(Infinity); // ⌈9.5⌉ = 10 > n
    expect(conformalQuantile(scores, 0)).toBe(Infinity);
    expect(conformalQuantile(scores, -0.3)).toBe(Infinity);
    expect(conformalQuantile(scores, 1)).toBe(0);
    expect(conformalQuantile(scores, 0.95)).toBe(1); // ⌈0.05·10⌉ = 1
    expect(conformalQuantile([], 0.5)).toBe(Infinity);
  });

  it("builds static intervals by hand", () => {
    // q at α = 0.2 from scores 0.1..0.9 is 0.8: intervals 0 ± 0.8 and 1 ± 0.8.
    const r = splitConformalIntervals(
      [0, 1],
      [0.5, 3],
      [0.5, 0.2, 0.9, 0.1, 0.3, 0.7, 0.4, 0.8, 0.6],
      0.2,
    );
    expect(Array.from(r.lower)).toEqual([-0.8, 0.19999999999999996]);
    expect(Array.from(r.upper)).toEqual([0.8, 1.8]);
    expect(Array.from(r.covered)).toEqual([1, 0]);
    expect(r.coverage).toBe(0.5);
    expect(r.meanWidth).toBeCloseTo(1.6, 15);
    expect(r.unboundedCount).toBe(0);
    expect(Array.from(absoluteResiduals([0.5, 3], [0, 1]))).toEqual([0.5, 2]);
  });
});

describe("model/conformal: adaptive conformal inference", () => {
  it("follows the Gibbs-Candès update by hand, including α_t ≤ 0 and α_t ≥ 1", () => {
    // α = 0.5, γ = 1, initial scores [1, 2, 3], ŷ ≡ 0, y = [5, 100, 0.1, 0.1].
    // t0: α0 = 0.5, n = 3, k = ⌈0.5·4⌉ = 2 → q = 2; y = 5 outside → err 1; α1 = 0.5 + (0.5 − 1) = 0
    //     scores [1, 2, 3, 5]
    // t1: α1 = 0 → k = 5 > 4 → (−∞, ∞); covered; α2 = 0 + 0.5 = 0.5; scores [1, 2, 3, 5, 100]
    // t2: n = 5, k = ⌈0.5·6⌉ = 3 → q = 3; y = 0.1 inside; α3 = 1.0; scores + 0.1
    // t3: α3 = 1 → zero width [0, 0]; y = 0.1 outside → α4 = 1 − 0.5 = 0.5
    const r = adaptiveConformalIntervals([0, 0, 0, 0], [5, 100, 0.1, 0.1], {
      alpha: 0.5,
      gamma: 1,
      initialScores: [1, 2, 3],
    });
    expect(Array.from(r.alphaPath)).toEqual([0.5, 0, 0.5, 1]);
    expect(Array.from(r.upper)).toEqual([2, Infinity, 3, 0]);
    expect(Array.from(r.lower)).toEqual([-2, -Infinity, -3, 0]);
    expect(Array.from(r.covered)).toEqual([0, 1, 1, 0]);
    expect(r.coverage).toBe(0.5);
    expect(r.unboundedCount).toBe(1);
    expect(r.meanWidth).toBeCloseTo((4 + 6 + 0) / 3, 15);

    // "maxScore" replaces the unbounded interval at t1 by ŷ ± max(past scores) = ± 5.
    const capped = adaptiveConformalIntervals([0, 0, 0, 0], [5, 100, 0.1, 0.1], {
      alpha: 0.5,
      gamma: 1,
      initialScores: [1, 2, 3],
      whenUnbounded: "maxScore",
    });
    expect(capped.upper[1]).toBe(5);
    expect(capped.covered[1]).toBe(0);
    expect(capped.unboundedCount).toBe(0);
  });

  it("uses a rolling window of the most recent scores when asked", () => {
    // window 2, α = 0.4, γ small: with scores [1, 9] (initial [5, 1, 9] trimmed to the last 2),
    // k = ⌈0.6·3⌉ = 2 → q = 9. After y0 = 0.5 (score 0.5) the window is [9, 0.5]: q = 9 again.
    // After y1 = 0.2 the window is [0.5, 0.2]: q = 0.5.
    const r = adaptiveConformalIntervals([0, 0, 0], [0.5, 0.2, 0], {
      alpha: 0.4,
      gamma: 1e-9,
      initialScores: [5, 1, 9],
      window: 2,
    });
    expect(Array.from(r.upper)).toEqual([9, 9, 0.5]);
  });

  it("never lets y_t change the interval at t or before", () => {
    const rng = createRng(42);
    const forecast = normalSample(rng, 300, 0, 0.1);
    const actual = normalSample(rng, 300);
    const base = adaptiveConformalIntervals(forecast, actual, { alpha: 0.1, gamma: 0.05 });
    for (const t of [0, 1, 57, 150, 299]) {
      const changed = Float64Array.from(actual);
      changed[t] = 50; // a huge surprise at t
      const r = adaptiveConformalIntervals(forecast, changed, { alpha: 0.1, gamma: 0.05 });
      expect(Array.from(r.lower.subarray(0, t + 1))).toEqual(
        Array.from(base.lower.subarray(0, t + 1)),
      );
      expect(Array.from(r.upper.subarray(0, t + 1))).toEqual(
        Array.from(base.upper.subarray(0, t + 1)),
      );
      expect(Array.from(r.alphaPath.subarray(0, t + 1))).toEqual(
        Array.from(base.alphaPath.subarray(0, t + 1)),
      );
      if (t < 299) {
        // ... but it does feed the intervals after t (so the comparison above can fail).
        expect(Array.from(r.upper.subarray(t + 1))).not.toEqual(
          Array.from(base.upper.subarray(t + 1)),
        );
      }
    }
  });

  it("covers i.i.d. normal returns within ±2% of each target over 5,000 days", () => {
    for (const alpha of [0.2, 0.1, 0.05]) {
      const rng = createRng(Math.round(alpha * 1000));
      // Daily returns ~ N(0.0005, 0.01²), forecast = the true mean; seeded with 250 training
      // residuals drawn from the same law.
      const training = Float64Array.from(normalSample(rng, 250, 0, 0.01), Math.abs);
      const actual = normalSample(rng, 5000, 0.0005, 0.01);
      const forecast = new Float64Array(5000).fill(0.0005);
      const r = adaptiveConformalIntervals(forecast, actual, { alpha, initialScores: training });
      expect(Math.abs(r.coverage - (1 - alpha))).toBeLessThan(0.02);
      // Static split conformal is only marginally valid: its coverage given one calibration set
      // varies by about √(α(1−α)/n_cal), so it gets a larger calibration set here.
      const calibration = Float64Array.from(normalSample(rng, 2000, 0, 0.01), Math.abs);
      const split = splitConformalIntervals(forecast, actual, calibration, alpha);
      expect(Math.abs(split.coverage - (1 - alpha))).toBeLessThan(0.02);
    }
  });

  it("recovers coverage after a volatility shift where static split conformal does not", () => {
    // Calibrate on σ = 1; test 1,000 days at σ = 1, then 2,000 days at σ = 2.
    const rng = createRng(101);
    const training = Float64Array.from(normalSample(rng, 500), Math.abs);
    const actual = new Float64Array(3000);
    for (let t = 0; t < 3000; t++) actual[t] = rng.normal(0, t < 1000 ? 1 : 2);
    const forecast = new Float64Array(3000);
    const adaptive = adaptiveConformalIntervals(forecast, actual, {
      alpha: 0.1,
      initialScores: training,
    });
    const split = splitConformalIntervals(forecast, actual, training, 0.1);
    const adaptiveAfter = share(adaptive.covered, 1000, 3000);
    const splitAfter = share(split.covered, 1000, 3000);
    // Static q ≈ z_0.95 = 1.645 covers P(|Z| < 0.82) ≈ 0.59 at σ = 2.
    expect(splitAfter).toBeLessThan(0.7);
    expect(Math.abs(adaptiveAfter - 0.9)).toBeLessThan(Math.abs(splitAfter - 0.9));
    expect(Math.abs(adaptiveAfter - 0.9)).toBeLessThan(0.03);
  });

  it("rejects bad settings and non-finite data", () => {
    expect(() => adaptiveConformalIntervals([0], [0], { alpha: 0 })).toThrow(RangeError);
    expect(() => adaptiveConformalIntervals([0], [0], { alpha: 0.1, gamma: 0 })).toThrow(
      RangeError,
    );
    expect(() => adaptiveConformalIntervals([0], [0], { alpha: 0.1, window: 0 })).toThrow(
      RangeError,
    );
    expect(() => adaptiveConformalIntervals([0], [Number.NaN], { alpha: 0.1 })).toThrow(RangeError);
    expect(() => splitConformalIntervals([0], [0, 1], [1], 0.1)).toThrow(RangeError);
    expect(() => splitConformalIntervals([0], [0], [1, Number.NaN], 0.1)).toThrow(RangeError);
    expect(() =>
      adaptiveConformalIntervals([0], [0], { alpha: 0.1, initialScores: [Infinity] }),
    ).toThrow(RangeError);
  });
});
