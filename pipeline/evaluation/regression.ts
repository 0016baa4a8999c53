import type { Series } from "../../core/series.js";
import { assertNonEmpty, assertSameLength } from "../../core/series.js";

/** Mean absolute error: mean |y_t − ŷ_t|. */
export function meanAbsoluteError(actual: Series, forecast: Series): number {
  const n = assertSameLength("meanAbsoluteError", actual, forecast);
  assertNonEmpty("meanAbsoluteError", n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / n;
}

function sumSquaredError(actual: Series, forecast: Series): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i]! - forecast[i]!) ** 2;
  return sum;
}

/** Root mean squared error: √(mean (y_t − ŷ_t)²). */
export function rootMeanSquaredError(actual: Series, forecast: Series): number {
  const n = assertSameLength("rootMeanSquaredError", actual, forecast);
  assertNonEmpty("rootMeanSquaredError", n);
  return Math.sqrt(sumSquaredError(actual, forecast) / n);
}

/**
 * Out-of-sample R² (Campbell & Thompson 2008, Review of Financial Studies 21(4), eq. 7):
 * R²_OS = 1 − Σ(y_t − ŷ_t)² / Σ(y_t − ȳ_t)², where ȳ_t is the benchmark forecast for t
 * (typically the historical mean known before t, see {@link historicalMeanForecasts}).
 * Positive means the model beat the benchmark in mean squared error. NaN if the benchmark is exact.
 */
export function outOfSampleRSquared(actual: Series, forecast: Series, benchmark: Series): number {
  const n = assertSameLength("outOfSampleRSquared", actual, forecast, benchmark);
  assertNonEmpty("outOfSampleRSquared", n);
  const benchmarkSse = sumSquaredError(actual, benchmark);
  return benchmarkSse === 0 ? Number.NaN : 1 - sumSquaredError(actual, forecast) / benchmarkSse;
}

/**
 * The prevailing historical mean as a forecast: for test day t, the mean of all training values
 * and of the test values before t (known at the close before t). With no training values the
 * first forecast has no history and is NaN.
 */
export function historicalMeanForecasts(training: Series, test: Series): Float64Array {
  const out = new Float64Array(test.length);
  let sum = 0;
  for (let i = 0; i < training.length; i++) sum += training[i]!;
  let count = training.length;
  for (let t = 0; t < test.length; t++) {
    out[t] = count === 0 ? Number.NaN : sum / count;
    sum += test[t]!;
    count++;
  }
  return out;
}
