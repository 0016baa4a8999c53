import { erfc, regularizedIncompleteBeta } from "./special-functions.js";

/**
 * Standard normal CDF Φ(z) = erfc(-z/√2) / 2 (Abramowitz & Stegun 26.2.29).
 * Computed through erfc so both tails keep full relative precision.
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Upper tail 1 - Φ(z), accurate far into the tail (no cancellation). */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Lower tail of Student's t with ν > 0 degrees of freedom (ν need not be an integer):
 * for t < 0, P(T ≤ t) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2 (Abramowitz & Stegun 26.7.1 with 26.5.27).
 */
function studentTLowerTail(tNonPositive: number, df: number): number {
  const t2 = tNonPositive * tNonPositive;
  return 0.5 * regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5);
}

/** Student t CDF P(T ≤ t), ν = df > 0. Infinite df gives the normal CDF. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Infinity) return normalCdf(t);
  return t <= 0 ? studentTLowerTail(t, df) : 1 - studentTLowerTail(-t, df);
}

/** Student t upper tail P(T > t), accurate for large t (no cancellation). */
export function studentTSurvival(t: number, df: number): number {
  return studentTCdf(-t, df);
}
