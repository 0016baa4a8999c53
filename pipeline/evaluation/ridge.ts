/**
 * Ridge regression in closed form (float64): w = (X'X + lambda * n * I)^-1 X'y with an
 * unpenalised intercept, solved by Cholesky. The members' ranking baseline on the per-day
 * processed features.
 */

interface RidgeFit {
  weights: Float64Array;
  intercept: number;
}

function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let t = 0; t < j; t++) s -= l[i * k + t]! * l[j * k + t]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("ridge: the normal equations are not positive definite");
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j]!;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= l[i * k + t]! * y[t]!;
    y[i] = s / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let t = i + 1; t < k; t++) s -= l[t * k + i]! * x[t]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}

/** Fits on the rows with a finite target; lambda is relative to the row count. */
export function fitRidge(
  x: Float32Array,
  y: ArrayLike<number>,
  featureCount: number,
  lambda: number,
): RidgeFit {
  const k = featureCount;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]!)) rows.push(i);
  const n = rows.length;
  if (n === 0) throw new Error("ridge: no rows with a target");
  const mx = new Float64Array(k);
  let my = 0;
  for (const r of rows) {
    for (let j = 0; j < k; j++) mx[j]! += x[r * k + j]!;
    my += y[r]!;
  }
  for (let j = 0; j < k; j++) mx[j]! /= n;
  my /= n;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const d = new Float64Array(k);
  for (const r of rows) {
    for (let j = 0; j < k; j++) d[j] = x[r * k + j]! - mx[j]!;
    const dy = y[r]! - my;
    for (let i = 0; i < k; i++) {
      const di = d[i]!;
      xty[i]! += di * dy;
      for (let j = 0; j <= i; j++) xtx[i * k + j]! += di * d[j]!;
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) xtx[j * k + i] = xtx[i * k + j]!;
    xtx[i * k + i]! += lambda * n;
  }
  const weights = choleskySolve(xtx, xty, k);
  let intercept = my;
  for (let j = 0; j < k; j++) intercept -= weights[j]! * mx[j]!;
  return { weights, intercept };
}

export function predictRidge(fit: RidgeFit, x: Float32Array, n: number): Float64Array {
  const k = fit.weights.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = fit.intercept;
    for (let j = 0; j < k; j++) s += fit.weights[j]! * x[i * k + j]!;
    out[i] = s;
  }
  return out;
}
