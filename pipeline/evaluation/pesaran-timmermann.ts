import { normalSurvival } from "./distributions.js";
import type { BinarySeries } from "../../core/series.js";
import { assertNonEmpty, assertSameLength, toBinary } from "../../core/series.js";

interface PesaranTimmermannResult {
  n: number;
  /** P̂: share of days whose direction was predicted correctly. */
  successRatio: number;
  /** P*: success ratio expected if forecasts were independent of outcomes. */
  expectedSuccessRatio: number;
  /** P_y: share of actual ups. */
  actualUpRate: number;
  /** P_x: share of predicted ups. */
  predictedUpRate: number;
  /** S_n, asymptotically N(0,1) under H0; NaN when degenerate. */
  statistic: number;
  /** One-sided P(Z ≥ S_n) for H1: forecasts have directional skill; 1 when degenerate. */
  pValue: number;
  /** True when the statistic is undefined (all forecasts or all outcomes in one direction). */
  degenerate: boolean;
}

/**
 * Pesaran & Timmermann (1992), "A simple nonparametric test of predictive performance",
 * Journal of Business & Economic Statistics 10(4), 461–465, eqs. (2)–(4):
 *
 *   P* = P_y P_x + (1 − P_y)(1 − P_x)
 *   V(P̂)  = P*(1 − P*) / n
 *   V(P*) = (2P_y − 1)² P_x(1 − P_x)/n + (2P_x − 1)² P_y(1 − P_y)/n
 *           + 4 P_y P_x (1 − P_y)(1 − P_x)/n²
 *   S_n = (P̂ − P*) / √(V(P̂) − V(P*))  ~  N(0, 1) under H0 (independence).
 *
 * If every forecast (or every outcome) has the same direction, P̂ = P* and the variance difference
 * is 0: the test has nothing to say, so the result is flagged degenerate with S_n = NaN, p = 1.
 */
export function pesaranTimmermannTest(
  actualUp: BinarySeries,
  predictedUp: BinarySeries,
): PesaranTimmermannResult {
  const n = assertSameLength("pesaranTimmermannTest", actualUp, predictedUp);
  assertNonEmpty("pesaranTimmermannTest", n);
  const y = toBinary("actualUp", actualUp);
  const x = toBinary("predictedUp", predictedUp);
  let ups = 0;
  let predictedUps = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    ups += y[i]!;
    predictedUps += x[i]!;
    if (y[i] === x[i]) hits++;
  }
  const py = ups / n;
  const px = predictedUps / n;
  const successRatio = hits / n;
  const expectedSuccessRatio = py * px + (1 - py) * (1 - px);
  const varianceSuccess = (expectedSuccessRatio * (1 - expectedSuccessRatio)) / n;
  const varianceExpected =
    ((2 * py - 1) ** 2 * px * (1 - px)) / n +
    ((2 * px - 1) ** 2 * py * (1 - py)) / n +
    (4 * py * px * (1 - py) * (1 - px)) / (n * n);
  const varianceDifference = varianceSuccess - varianceExpected;
  const oneSided = px === 0 || px === 1 || py === 0 || py === 1;
  const base = {
    n,
    successRatio,
    expectedSuccessRatio,
    actualUpRate: py,
    predictedUpRate: px,
  };
  if (oneSided || !(varianceDifference > 0)) {
    return { ...base, statistic: Number.NaN, pValue: 1, degenerate: true };
  }
  const statistic = (successRatio - expectedSuccessRatio) / Math.sqrt(varianceDifference);
  return { ...base, statistic, pValue: normalSurvival(statistic), degenerate: false };
}
