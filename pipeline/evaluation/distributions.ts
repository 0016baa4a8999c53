/**
 * The two distributions the significance tests need, from stdlib's reviewed implementations
 * (@stdlib/stats-base-dists-*); upper tails are taken as the mirrored lower tail, so a p-value
 * far in the tail keeps its relative precision (no 1 - cdf cancellation).
 */
import normalCdfOf from "@stdlib/stats-base-dists-normal-cdf";
import tCdf from "@stdlib/stats-base-dists-t-cdf";

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return normalCdfOf(z, 0, 1);
}

/** Upper tail 1 - Φ(z) = Φ(-z). */
export function normalSurvival(z: number): number {
  return normalCdfOf(-z, 0, 1);
}

/** Student t CDF P(T ≤ t), ν = df > 0 (need not be an integer). Infinite df gives Φ(t). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Infinity) return normalCdf(t);
  return tCdf(t, df);
}

/** Student t upper tail P(T > t) = P(T ≤ -t). */
export function studentTSurvival(t: number, df: number): number {
  return studentTCdf(-t, df);
}
