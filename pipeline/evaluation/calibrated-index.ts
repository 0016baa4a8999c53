/**
 * The index's probability as published: the network's walk-forward probability through Platt
 * scaling fitted on the earlier folds only (the first fold has none and is left out). A network
 * without information gets a slope near zero, so the forecast stays near the base rate; the
 * Brier skill and Diebold-Mariano test against always-up say whether it beats it.
 */
import { dieboldMarianoTest } from "./diebold-mariano.js";
import { applyPlatt, fitPlatt } from "../model/platt.js";
import { brierSkillScore } from "./probabilistic.js";

interface CalibratedIndexResult {
  n: number;
  brierSkill: number;
  /** one-sided: always-up has the lower Brier loss */
  alwaysUpBetterP: number;
  /** mean |p - 0.5| of the calibrated forecasts: how far from a coin they move */
  meanDistanceFromHalf: number;
}

export function calibratedIndex(
  p: ArrayLike<number>,
  up: ArrayLike<number>,
  fold: ArrayLike<number>,
  alwaysUp: ArrayLike<number>,
): CalibratedIndexResult | null {
  const folds = [...new Set(Array.from(fold))].sort((a, b) => a - b);
  const q: number[] = [];
  const o: number[] = [];
  const ref: number[] = [];
  for (const f of folds.slice(1)) {
    const before: number[] = [];
    for (let i = 0; i < fold.length; i++) if (fold[i]! < f) before.push(i);
    const scaling = fitPlatt(
      before.map((i) => p[i]!),
      before.map((i) => up[i]!),
    );
    for (let i = 0; i < fold.length; i++) {
      if (fold[i] !== f) continue;
      q.push(applyPlatt(scaling, p[i]!));
      o.push(up[i]!);
      ref.push(alwaysUp[i]!);
    }
  }
  if (q.length < 2) return null;
  const loss = (probs: number[]) => Float64Array.from(probs, (x, i) => (x - o[i]!) ** 2);
  const dm = dieboldMarianoTest(loss(q), loss(ref));
  return {
    n: q.length,
    brierSkill: brierSkillScore(o, q, ref),
    alwaysUpBetterP: dm.pValueModel2Better,
    meanDistanceFromHalf: q.reduce((s, x) => s + Math.abs(x - 0.5), 0) / q.length,
  };
}
