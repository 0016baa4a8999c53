import type { Series } from "../../core/series.js";
import { assertSameLength } from "../../core/series.js";

/**
 * Conformal prediction intervals ŷ_t ± q for returns, with absolute residuals |y − ŷ| as
 * nonconformity scores.
 *
 * - Split conformal (Vovk et al. 2005; Lei et al. 2018, JASA 113(523)): one q from a fixed
 *   calibration set, the ⌈(1−α)(n+1)⌉-th smallest score.
 * - Adaptive conformal inference (Gibbs & Candès 2021, "Adaptive conformal inference under
 *   distribution shift", NeurIPS): the level moves online, α_{t+1} = α_t + γ(α − err_t), where
 *   err_t = 1 if y_t fell outside the interval at t. Over T steps the miscoverage satisfies
 *   |mean(err) − α| ≤ (max(α_1, 1 − α_1) + γ) / (γT) (their Proposition 4.1).
 */

type UnboundedWidth = "infinite" | "maxScore";

interface IntervalForecasts {
  lower: Float64Array;
  upper: Float64Array;
  /** 1 when lower_t ≤ y_t ≤ upper_t. */
  covered: Uint8Array;
  /** Share of covered days. */
  coverage: number;
  /** Mean of upper − lower over bounded intervals (NaN if none is bounded). */
  meanWidth: number;
  /** Number of days whose interval is (−∞, ∞). */
  unboundedCount: number;
}

interface AdaptiveConformalResult extends IntervalForecasts {
  /** α_t used to build the interval at t (before seeing y_t). */
  alphaPath: Float64Array;
}

interface AdaptiveConformalOptions {
  /** Target miscoverage α in (0, 1), e.g. 0.2, 0.1, 0.05. */
  alpha: number;
  /** Step size γ > 0 (Gibbs & Candès use 0.005). */
  gamma?: number;
  /** Scores known before the first test day, e.g. absolute training/validation residuals. */
  initialScores?: Series;
  /** Keep only the most recent `window` scores (all scores when omitted). */
  window?: number;
  /**
   * What to do when the level asks for more than the scores can give (α_t ≤ 0, or too few
   * scores): "infinite" (the whole real line, as in Gibbs & Candès; keeps their coverage bound)
   * or "maxScore" (ŷ ± the largest score seen, a finite stand-in).
   */
  whenUnbounded?: UnboundedWidth;
}

export const DEFAULT_ACI_GAMMA = 0.005;

/** Absolute residuals |y_t − ŷ_t|, the nonconformity scores. */
export function absoluteResiduals(actual: Series, forecast: Series): Float64Array {
  const n = assertSameLength("absoluteResiduals", actual, forecast);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(actual[i]! - forecast[i]!);
  return out;
}

/**
 * Conformal quantile of ascending scores at miscoverage α: the k-th smallest score with
 * k = ⌈(1 − α)(n + 1)⌉. k ≤ 0 (α ≥ 1) gives 0, an empty interval around ŷ;
 * k > n (α ≤ 0 or too few scores) gives +∞. A 1e-12 slack absorbs rounding in (1 − α)(n + 1).
 */
export function conformalQuantile(sortedScores: ArrayLike<number>, alpha: number): number {
  const n = sortedScores.length;
  if (alpha >= 1) return 0;
  const k = Math.ceil((1 - alpha) * (n + 1) - 1e-12);
  if (k <= 0) return 0;
  if (k > n) return Infinity;
  return sortedScores[k - 1]!;
}

function validateAlpha(name: string, alpha: number): void {
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`${name}: alpha must be in (0, 1), got ${alpha}`);
}

function assertFiniteScores(name: string, scores: Series): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`${name}: score ${i} is not finite`);
  }
}

/** First index in ascending `sorted[0, length)` whose value is ≥ x. */
function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function summarise(
  lower: Float64Array,
  upper: Float64Array,
  actual: Series,
): Omit<IntervalForecasts, "lower" | "upper"> {
  const n = lower.length;
  const covered = new Uint8Array(n);
  let coveredCount = 0;
  let widthSum = 0;
  let boundedCount = 0;
  for (let t = 0; t < n; t++) {
    const y = actual[t]!;
    if (lower[t]! <= y && y <= upper[t]!) {
      covered[t] = 1;
      coveredCount++;
    }
    const width = upper[t]! - lower[t]!;
    if (Number.isFinite(width)) {
      widthSum += width;
      boundedCount++;
    }
  }
  return {
    covered,
    coverage: n === 0 ? Number.NaN : coveredCount / n,
    meanWidth: boundedCount === 0 ? Number.NaN : widthSum / boundedCount,
    unboundedCount: n - boundedCount,
  };
}

/** Static split-conformal intervals ŷ_t ± q with q from a fixed calibration set. */
export function splitConformalIntervals(
  forecast: Series,
  actual: Series,
  calibrationScores: Series,
  alpha: number,
): IntervalForecasts {
  const n = assertSameLength("splitConformalIntervals", forecast, actual);
  validateAlpha("splitConformalIntervals", alpha);
  assertFiniteScores("splitConformalIntervals", calibrationScores);
  const q = conformalQuantile(Float64Array.from(calibrationScores).sort(), alpha);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    lower[t] = forecast[t]! - q;
    upper[t] = forecast[t]! + q;
  }
  return { lower, upper, ...summarise(lower, upper, actual) };
}

/**
 * Adaptive conformal intervals, online: the interval at t uses α_t and only scores known before t
 * (initial scores plus |y_s − ŷ_s| for s < t); y_t is read only after the interval is fixed.
 */
export function adaptiveConformalIntervals(
  forecast: Series,
  actual: Series,
  options: AdaptiveConformalOptions,
): AdaptiveConformalResult {
  const n = assertSameLength("adaptiveConformalIntervals", forecast, actual);
  const { alpha, gamma = DEFAULT_ACI_GAMMA, initialScores = [], window } = options;
  const whenUnbounded = options.whenUnbounded ?? "infinite";
  validateAlpha("adaptiveConformalIntervals", alpha);
  if (!(gamma > 0)) throw new RangeError(`adaptiveConformalIntervals: gamma must be > 0`);
  if (window !== undefined && !(Number.isInteger(window) && window >= 1)) {
    throw new RangeError(`adaptiveConformalIntervals: window must be a positive integer`);
  }

  assertFiniteScores("adaptiveConformalIntervals", initialScores);
  const arrival: number[] = Array.from(initialScores);
  if (window !== undefined) arrival.splice(0, Math.max(0, arrival.length - window));
  const sorted = arrival.slice().sort((a, b) => a - b);
  let oldest = 0; // index into `arrival` of the oldest score still in the window

  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const alphaPath = new Float64Array(n);
  let alphaT = alpha;
  for (let t = 0; t < n; t++) {
    alphaPath[t] = alphaT;
    let q = conformalQuantile(sorted, alphaT);
    if (q === Infinity && whenUnbounded === "maxScore" && sorted.length > 0) {
      q = sorted[sorted.length - 1]!;
    }
    lower[t] = forecast[t]! - q;
    upper[t] = forecast[t]! + q;

    // Only now is y_t revealed: score it, update the level and the calibration set.
    const y = actual[t]!;
    const err = y < lower[t]! || y > upper[t]! ? 1 : 0;
    alphaT += gamma * (alpha - err);
    const score = Math.abs(y - forecast[t]!);
    if (!Number.isFinite(score)) {
      throw new RangeError(`adaptiveConformalIntervals: non-finite forecast or actual at ${t}`);
    }
    sorted.splice(lowerBound(sorted, score), 0, score);
    arrival.push(score);
    if (window !== undefined && sorted.length > window) {
      const expired = arrival[oldest++]!;
      sorted.splice(lowerBound(sorted, expired), 1);
    }
  }
  return { lower, upper, alphaPath, ...summarise(lower, upper, actual) };
}
