import type { BinarySeries, Series } from "../../core/series.js";
import {
  assertNonEmpty,
  assertProbabilities,
  assertSameLength,
  toBinary,
} from "../../core/series.js";

/** Log-loss clips probabilities to [ε, 1−ε] so a confident miss costs ln(1e15) ≈ 34.5, not ∞. */
const LOG_LOSS_EPSILON = 1e-15;

/** A reference forecast: one constant probability (e.g. the training up-rate) or one per day. */
type ReferenceProbability = number | Series;

function referenceSeries(reference: ReferenceProbability, n: number): Series {
  return typeof reference === "number" ? new Float64Array(n).fill(reference) : reference;
}

/** Brier (1950) score: mean of (p_t − o_t)², o_t ∈ {0,1}. Lower is better; 0.25 for p ≡ 0.5. */
export function brierScore(actualUp: BinarySeries, probabilityUp: Series): number {
  const n = assertSameLength("brierScore", actualUp, probabilityUp);
  assertNonEmpty("brierScore", n);
  assertProbabilities("probabilityUp", probabilityUp);
  const o = toBinary("actualUp", actualUp);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (probabilityUp[i]! - o[i]!) ** 2;
  return sum / n;
}

/** Log-loss (cross-entropy): −mean[o ln p + (1−o) ln(1−p)], p clipped to [1e-15, 1−1e-15]. */
export function logLoss(actualUp: BinarySeries, probabilityUp: Series): number {
  const n = assertSameLength("logLoss", actualUp, probabilityUp);
  assertNonEmpty("logLoss", n);
  assertProbabilities("probabilityUp", probabilityUp);
  const o = toBinary("actualUp", actualUp);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // Clip the probability given to what happened, q = p or 1 − p, which is the same as clipping
    // p to [ε, 1−ε] but exact: the double nearest 1 − 1e-15 is not 1e-15 away from 1.
    const q = o[i] ? probabilityUp[i]! : 1 - probabilityUp[i]!;
    if (q < LOG_LOSS_EPSILON) sum += Math.log(LOG_LOSS_EPSILON);
    else if (q > 1 - LOG_LOSS_EPSILON) sum += Math.log1p(-LOG_LOSS_EPSILON);
    else sum += Math.log(q);
  }
  return -sum / n;
}

/**
 * Skill score of a negatively oriented score against a reference: 1 − score/reference
 * (Murphy 1988; Wilks, Statistical Methods in the Atmospheric Sciences, §8.4).
 * 1 is perfect, 0 is no better than the reference, negative is worse. NaN if the reference is 0.
 */
export function skillScore(score: number, referenceScore: number): number {
  return referenceScore === 0 ? Number.NaN : 1 - score / referenceScore;
}

/** Brier skill score against a reference probability (constant or per day). */
export function brierSkillScore(
  actualUp: BinarySeries,
  probabilityUp: Series,
  reference: ReferenceProbability,
): number {
  const ref = referenceSeries(reference, actualUp.length);
  return skillScore(brierScore(actualUp, probabilityUp), brierScore(actualUp, ref));
}

/** Log-loss skill score against a reference probability (constant or per day). */
export function logLossSkillScore(
  actualUp: BinarySeries,
  probabilityUp: Series,
  reference: ReferenceProbability,
): number {
  const ref = referenceSeries(reference, actualUp.length);
  return skillScore(logLoss(actualUp, probabilityUp), logLoss(actualUp, ref));
}
