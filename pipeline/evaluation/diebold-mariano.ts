import { studentTCdf, studentTSurvival } from "./distributions.js";
import type { Series } from "../../core/series.js";
import { assertSameLength, mean } from "../../core/series.js";

type ErrorLoss = "squared" | "absolute";

interface DieboldMarianoOptions {
  /** Forecast horizon h ≥ 1: autocovariances of d up to lag h−1 enter the variance. */
  horizon?: number;
}

interface DieboldMarianoResult {
  n: number;
  horizon: number;
  /** d̄ = mean of L(e1_t) − L(e2_t); negative means model 1 had the smaller loss. */
  meanDifferential: number;
  /** γ̂_0 + 2 Σ_{k=1}^{h−1} γ̂_k, the long-run variance of d (so Var(d̄) ≈ this / n). */
  longRunVariance: number;
  /** Diebold-Mariano statistic d̄ / √(longRunVariance / n); NaN when degenerate. */
  dmStatistic: number;
  /** Harvey-Leybourne-Newbold corrected statistic, compared with Student t(n−1). */
  hlnStatistic: number;
  degreesOfFreedom: number;
  /** H1: the models differ in expected loss. */
  pValueTwoSided: number;
  /** H1: model 1 has the smaller expected loss (E[d] < 0): P(T ≤ hln). */
  pValueModel1Better: number;
  /** H1: model 2 has the smaller expected loss (E[d] > 0): P(T ≥ hln). */
  pValueModel2Better: number;
  /** True when the long-run variance is not positive (e.g. identical forecasts): p-values are 1. */
  degenerate: boolean;
}

/** Loss differential d_t = L(e1_t) − L(e2_t) for squared or absolute error. */
export function lossDifferential(errors1: Series, errors2: Series, loss: ErrorLoss): Float64Array {
  const n = assertSameLength("lossDifferential", errors1, errors2);
  const lossOf = loss === "squared" ? (e: number) => e * e : Math.abs;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = lossOf(errors1[t]!) - lossOf(errors2[t]!);
  return d;
}

/** Sample autocovariance at lag k with divisor n (as in DM 1995 and R's forecast::dm.test). */
function autocovariance(d: Series, dMean: number, lag: number): number {
  let sum = 0;
  for (let t = lag; t < d.length; t++) sum += (d[t]! - dMean) * (d[t - lag]! - dMean);
  return sum / d.length;
}

/**
 * Diebold & Mariano (1995), "Comparing predictive accuracy", JBES 13(3), 253–263, with the
 * small-sample correction of Harvey, Leybourne & Newbold (1997), IJF 13(2), 281–291, eq. (9):
 *
 *   d_t = L1_t − L2_t,  d̄ = (1/n) Σ d_t,  γ̂_k = (1/n) Σ_{t=k+1}^{n} (d_t − d̄)(d_{t−k} − d̄)
 *   DM  = d̄ / √((γ̂_0 + 2 Σ_{k=1}^{h−1} γ̂_k) / n)
 *   HLN = DM · √((n + 1 − 2h + h(h − 1)/n) / n),  compared with Student t, n − 1 df.
 *
 * Takes the two loss series directly, so any loss (squared, absolute, log-loss, ...) can be used.
 */
export function dieboldMarianoTest(
  loss1: Series,
  loss2: Series,
  options: DieboldMarianoOptions = {},
): DieboldMarianoResult {
  const n = assertSameLength("dieboldMarianoTest", loss1, loss2);
  const horizon = options.horizon ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`dieboldMarianoTest: horizon must be an integer ≥ 1, got ${horizon}`);
  }
  if (n < 2 || horizon >= n) {
    throw new RangeError(`dieboldMarianoTest: need n ≥ 2 and horizon < n (n=${n}, h=${horizon})`);
  }
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = loss1[t]! - loss2[t]!;
  const meanDifferential = mean(d);
  let longRunVariance = autocovariance(d, meanDifferential, 0);
  for (let k = 1; k < horizon; k++) {
    longRunVariance += 2 * autocovariance(d, meanDifferential, k);
  }
  const degreesOfFreedom = n - 1;
  const base = { n, horizon, meanDifferential, longRunVariance, degreesOfFreedom };
  if (!(longRunVariance > 0)) {
    return {
      ...base,
      dmStatistic: Number.NaN,
      hlnStatistic: Number.NaN,
      pValueTwoSided: 1,
      pValueModel1Better: 1,
      pValueModel2Better: 1,
      degenerate: true,
    };
  }
  const dmStatistic = meanDifferential / Math.sqrt(longRunVariance / n);
  const correction = Math.sqrt((n + 1 - 2 * horizon + (horizon * (horizon - 1)) / n) / n);
  const hlnStatistic = dmStatistic * correction;
  const pValueModel1Better = studentTCdf(hlnStatistic, degreesOfFreedom);
  const pValueModel2Better = studentTSurvival(hlnStatistic, degreesOfFreedom);
  return {
    ...base,
    dmStatistic,
    hlnStatistic,
    pValueTwoSided: Math.min(1, 2 * Math.min(pValueModel1Better, pValueModel2Better)),
    pValueModel1Better,
    pValueModel2Better,
    degenerate: false,
  };
}

/** Diebold-Mariano test on forecast errors e_t = y_t − ŷ_t under squared or absolute loss. */
export function dieboldMarianoTestOnErrors(
  errors1: Series,
  errors2: Series,
  loss: ErrorLoss = "squared",
  options: DieboldMarianoOptions = {},
): DieboldMarianoResult {
  const d = lossDifferential(errors1, errors2, loss);
  return dieboldMarianoTest(d, new Float64Array(d.length), options);
}
