/**
 * A member's probability of a rise from the two tasks: p = sigmoid(c0 + c1 * logit(market p)
 * + c2 * relative score), a logistic regression fitted by Newton's method on out-of-sample
 * forecasts (Platt scaling with the ranker's score as a second input).
 */
const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export interface MemberProbabilityFit {
  intercept: number;
  marketLogit: number;
  score: number;
}

function solve3(h: number[], g: number[]): number[] | null {
  const [a, b, c, d, e, f, g2, h2, i] = h as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const det = a * (e * i - f * h2) - b * (d * i - f * g2) + c * (d * h2 - e * g2);
  if (!(Math.abs(det) > 1e-300)) return null;
  const inv = [
    e * i - f * h2,
    c * h2 - b * i,
    b * f - c * e,
    f * g2 - d * i,
    a * i - c * g2,
    c * d - a * f,
    d * h2 - e * g2,
    b * g2 - a * h2,
    a * e - b * d,
  ];
  return [0, 1, 2].map(
    (r) => (inv[3 * r]! * g[0]! + inv[3 * r + 1]! * g[1]! + inv[3 * r + 2]! * g[2]!) / det,
  );
}

export function fitMemberProbability(
  marketP: ArrayLike<number>,
  score: ArrayLike<number>,
  up: ArrayLike<number>,
  iterations = 50,
): MemberProbabilityFit {
  let w = [0, 1, 0];
  const n = up.length;
  for (let it = 0; it < iterations; it++) {
    const g = [0, 0, 0];
    const h = [1e-9, 0, 0, 0, 1e-9, 0, 0, 0, 1e-9];
    for (let r = 0; r < n; r++) {
      const x = [1, logit(marketP[r]!), score[r]!];
      const q = sigmoid(w[0]! * x[0]! + w[1]! * x[1]! + w[2]! * x[2]!);
      const res = q - up[r]!;
      const v = q * (1 - q);
      for (let i = 0; i < 3; i++) {
        g[i]! += res * x[i]!;
        for (let j = 0; j < 3; j++) h[3 * i + j]! += v * x[i]! * x[j]!;
      }
    }
    const step = solve3(h, g);
    if (!step) break;
    w = w.map((value, i) => value - step[i]!);
    if (step.every((s) => Math.abs(s) < 1e-10)) break;
  }
  return { intercept: w[0]!, marketLogit: w[1]!, score: w[2]! };
}

export function applyMemberProbability(
  fit: MemberProbabilityFit,
  marketP: number,
  score: number,
): number {
  return sigmoid(fit.intercept + fit.marketLogit * logit(marketP) + fit.score * score);
}
