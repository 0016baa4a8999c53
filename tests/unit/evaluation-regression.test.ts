import { describe, expect, it } from "vitest";
import {
  historicalMeanForecasts,
  meanAbsoluteError,
  outOfSampleRSquared,
  rootMeanSquaredError,
} from "../../pipeline/evaluation/regression.js";

describe("evaluation/regression", () => {
  const actual = [1, -2, 3, 0];
  const forecast = [0, -1, 1, 1];
  // errors: 1, −1, 2, −1

  it("computes MAE and RMSE by hand", () => {
    // MAE = (1 + 1 + 2 + 1)/4 = 1.25;  RMSE = √((1 + 1 + 4 + 1)/4) = √1.75 = 1.3228756555322954
    expect(meanAbsoluteError(actual, forecast)).toBe(1.25);
    expect(rootMeanSquaredError(Float64Array.from(actual), forecast)).toBeCloseTo(
      1.3228756555322954,
      15,
    );
  });

  it("builds the prevailing historical mean benchmark from what was known", () => {
    // training [2, 0]; forecast for t uses training and test values before t:
    // t0: (2+0)/2 = 1;  t1: (2+0+1)/3 = 1;  t2: (2+0+1−2)/4 = 0.25;  t3: (2+0+1−2+3)/5 = 0.8
    const bench = historicalMeanForecasts([2, 0], actual);
    expect(Array.from(bench)).toEqual([1, 1, 0.25, 0.8]);
    // No training data: no forecast on the first day, then the running mean.
    expect(Array.from(historicalMeanForecasts([], [4, 2, 6]))).toEqual([Number.NaN, 4, 3]);
  });

  it("computes the Campbell-Thompson out-of-sample R² by hand", () => {
    // Benchmark errors: 1−1 = 0, −2−1 = −3, 3−0.25 = 2.75, 0−0.8 = −0.8
    // Σ² = 0 + 9 + 7.5625 + 0.64 = 17.2025; model Σ² = 7
    // R²_OS = 1 − 7/17.2025 = 0.5930824008138352
    const bench = historicalMeanForecasts([2, 0], actual);
    expect(outOfSampleRSquared(actual, forecast, bench)).toBeCloseTo(0.5930824008138352, 14);
    // The benchmark against itself scores 0; a worse model scores below 0.
    expect(outOfSampleRSquared(actual, bench, bench)).toBe(0);
    expect(outOfSampleRSquared(actual, [5, 5, 5, 5], bench)).toBeLessThan(0);
    expect(outOfSampleRSquared([1, 2], [0, 0], [1, 2])).toBeNaN();
  });

  it("rejects mismatched and empty input", () => {
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(RangeError);
    expect(() => rootMeanSquaredError([], [])).toThrow(RangeError);
    expect(() => outOfSampleRSquared([1], [1], [1, 2])).toThrow(RangeError);
  });
});
