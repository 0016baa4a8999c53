/**
 * Platt scaling: p' = sigmoid(a + b * logit(p)), fitted by Newton's method on out-of-sample
 * forecasts and outcomes (Platt 1999), so a published probability means what it says. Then,
 * optionally, a shrink toward a base rate: p'' = toward + weight * (p' - toward), the weight
 * fitted on out-of-sample calibrated forecasts, so a forecast that has not beaten the base rate
 * stays at it and says so.
 */
const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface PlattScaling {
  a: number;
  b: number;
  /** the base rate the calibrated probability is shrunk toward */
  toward?: number | undefined;
  /** 0 publishes the base rate, 1 the calibrated probability unchanged */
  weight?: number | undefined;
}

export function fitPlatt(
  probabilities: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  iterations = 50,
): PlattScaling {
  let a = 0;
  let b = 1;
  const n = probabilities.length;
  for (let it = 0; it < iterations; it++) {
    // gradient and Hessian of the mean log-loss in (a, b), with a tiny ridge for stability
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const x = logit(probabilities[i]!);
      const q = sigmoid(a + b * x);
      const r = q - outcomes[i]!;
      const w = q * (1 - q);
      ga += r;
      gb += r * x;
      haa += w;
      hab += w * x;
      hbb += w * x * x;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

export function applyPlatt(scaling: PlattScaling | null, p: number): number {
  if (!scaling) return p;
  const calibrated = sigmoid(scaling.a + scaling.b * logit(p));
  if (scaling.toward === undefined || scaling.weight === undefined) return calibrated;
  return scaling.toward + scaling.weight * (calibrated - scaling.toward);
}

/**
 * The weight w in [0, 1] that minimises the Brier loss of r + w * (q - r) against the outcomes:
 * least squares, clipped; 0 when there is nothing to fit on or the forecasts never leave r.
 */
export function fitShrinkWeight(
  calibrated: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  baseRate: ArrayLike<number>,
): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < calibrated.length; i++) {
    const d = calibrated[i]! - baseRate[i]!;
    num += (outcomes[i]! - baseRate[i]!) * d;
    den += d * d;
  }
  if (!(den > 0)) return 0;
  return Math.min(1, Math.max(0, num / den));
}
