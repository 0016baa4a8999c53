/**
 * Platt scaling: p' = sigmoid(a + b * logit(p)), fitted by Newton's method on out-of-sample
 * forecasts and outcomes (Platt 1999), so a published probability means what it says.
 */
const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface PlattScaling {
  a: number;
  b: number;
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
  return scaling ? sigmoid(scaling.a + scaling.b * logit(p)) : p;
}
