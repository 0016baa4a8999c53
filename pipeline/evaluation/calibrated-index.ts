/**
 * The index's probability as published: the network's walk-forward probability through Platt
 * scaling fitted on the earlier folds only (the first fold has none and is left out), then
 * shrunk toward the fold's training up-rate (always-up's forecast) by a weight fitted on the
 * earlier folds' calibrated forecasts (none before the second fold: the base rate itself). A
 * network that has not beaten the base rate on earlier days gets a weight near zero, so its
 * forecast stays at the base rate; the Brier skill and Diebold-Mariano test against always-up
 * say whether it beats it.
 */
import { dieboldMarianoTest } from "./diebold-mariano.js";
import { applyPlatt, fitPlatt, fitShrinkWeight } from "../model/platt.js";
import { brierSkillScore } from "./probabilistic.js";

interface CalibratedIndexResult {
  n: number;
  brierSkill: number;
  /** one-sided: always-up has the lower Brier loss */
  alwaysUpBetterP: number;
  /** mean |p - 0.5| of the calibrated forecasts: how far from a coin they move */
  meanDistanceFromHalf: number;
  /** Brier skill of the Platt-calibrated forecasts before the shrink */
  plattBrierSkill: number;
  /** the shrink weight fitted on every calibrated forecast: what the published card uses */
  shrinkWeight: number;
}

export function calibratedIndex(
  p: ArrayLike<number>,
  up: ArrayLike<number>,
  fold: ArrayLike<number>,
  alwaysUp: ArrayLike<number>,
): CalibratedIndexResult | null {
  const folds = [...new Set(Array.from(fold))].sort((a, b) => a - b);
  // per test row of the folds after the first: Platt-calibrated, shrunk, outcome, reference
  const platt: number[] = [];
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
    // the earlier folds' calibrated forecasts are the ones already in `platt`
    const weight = fitShrinkWeight(platt, o, ref);
    const start = platt.length;
    for (let i = 0; i < fold.length; i++) {
      if (fold[i] !== f) continue;
      platt.push(applyPlatt(scaling, p[i]!));
      o.push(up[i]!);
      ref.push(alwaysUp[i]!);
    }
    for (let j = start; j < platt.length; j++) q.push(ref[j]! + weight * (platt[j]! - ref[j]!));
  }
  if (q.length < 2) return null;
  const loss = (probs: number[]) => Float64Array.from(probs, (x, i) => (x - o[i]!) ** 2);
  const dm = dieboldMarianoTest(loss(q), loss(ref));
  return {
    n: q.length,
    brierSkill: brierSkillScore(o, q, ref),
    alwaysUpBetterP: dm.pValueModel2Better,
    meanDistanceFromHalf: q.reduce((s, x) => s + Math.abs(x - 0.5), 0) / q.length,
    plattBrierSkill: brierSkillScore(o, platt, ref),
    shrinkWeight: fitShrinkWeight(platt, o, ref),
  };
}
