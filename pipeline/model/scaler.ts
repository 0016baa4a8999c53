/**
 * Feature standardisation, fitted on training rows only so no statistic of a validation or test
 * day reaches the model. Serialises to the model card's `scaler` field.
 */

export interface Scaler {
  mean: number[];
  std: number[];
}

export const STD_FLOOR = 1e-8;
export const CLIP = 6;

/**
 * Per-feature mean and (population) standard deviation over the given rows of a row-major
 * matrix; all rows when `rows` is omitted. Two passes, in float64.
 */
export function fitScaler(x: Float32Array, featureCount: number, rows?: ArrayLike<number>): Scaler {
  const n = rows ? rows.length : x.length / featureCount;
  if (n === 0) throw new Error("fitScaler: no rows to fit on");
  const rowAt = (i: number): number => (rows ? rows[i]! : i);
  const mean = new Float64Array(featureCount);
  const sumSq = new Float64Array(featureCount);
  for (let i = 0; i < n; i++) {
    const offset = rowAt(i) * featureCount;
    for (let k = 0; k < featureCount; k++) mean[k]! += x[offset + k]!;
  }
  for (let k = 0; k < featureCount; k++) mean[k]! /= n;
  for (let i = 0; i < n; i++) {
    const offset = rowAt(i) * featureCount;
    for (let k = 0; k < featureCount; k++) {
      const d = x[offset + k]! - mean[k]!;
      sumSq[k]! += d * d;
    }
  }
  const std = Array.from(sumSq, (s) => Math.max(Math.sqrt(s / n), STD_FLOOR));
  const bad = [...mean, ...std].findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`fitScaler: feature ${bad % featureCount} has a non-finite value`);
  return { mean: Array.from(mean), std };
}

/** (x - mean) / std, clipped to ±CLIP, into a new array. */
export function transform(scaler: Scaler, x: Float32Array): Float32Array {
  const k = scaler.mean.length;
  if (x.length % k !== 0) throw new Error(`transform: ${x.length} values is not rows of ${k}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += k) {
    for (let j = 0; j < k; j++) {
      const z = (x[i + j]! - scaler.mean[j]!) / scaler.std[j]!;
      out[i + j] = z > CLIP ? CLIP : z < -CLIP ? -CLIP : z;
    }
  }
  return out;
}
