/**
 * The index's probability as published: Platt on earlier folds, then a shrink toward the base
 * rate fitted on earlier folds. Forecasts without information end at the base rate (skill near
 * 0, never far below it); forecasts with information keep it.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../core/random.js";
import { calibratedIndex } from "../../pipeline/evaluation/calibrated-index.js";

function walkForward(informative: boolean, seed: number) {
  const rng = createRng(seed);
  const p: number[] = [];
  const up: number[] = [];
  const fold: number[] = [];
  const alwaysUp: number[] = [];
  for (let f = 0; f < 6; f++) {
    for (let i = 0; i < 500; i++) {
      const truth = informative ? 0.35 + 0.3 * rng.uniform() : 0.54;
      // the raw forecast: the truth stretched when informative, pure noise otherwise
      p.push(informative ? 0.5 + 1.5 * (truth - 0.5) : 0.45 + 0.1 * rng.uniform());
      up.push(rng.uniform() < truth ? 1 : 0);
      fold.push(f);
      // the training up-rate: the truth's mean in both cases
      alwaysUp.push(informative ? 0.5 : 0.54);
    }
  }
  return calibratedIndex(p, up, fold, alwaysUp)!;
}

describe("calibratedIndex", () => {
  it("brings noise back to the base rate: the shrunk skill is near 0, on average above Platt's", () => {
    const runs = [1, 2, 3, 4, 5, 6].map((seed) => walkForward(false, seed));
    for (const r of runs) {
      expect(r.n).toBe(2500);
      expect(r.shrinkWeight).toBeLessThan(0.3);
      expect(Math.abs(r.brierSkill)).toBeLessThan(0.005);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(runs.map((r) => r.brierSkill))).toBeGreaterThan(
      mean(runs.map((r) => r.plattBrierSkill)),
    );
  });

  it("keeps most of the information of informative forecasts", () => {
    for (const seed of [1, 2, 3]) {
      const r = walkForward(true, seed);
      expect(r.shrinkWeight).toBeGreaterThan(0.6);
      expect(r.brierSkill).toBeGreaterThan(0.015);
      expect(r.brierSkill).toBeGreaterThan(0.6 * r.plattBrierSkill);
      expect(r.alwaysUpBetterP).toBeGreaterThan(0.99);
    }
  });
});
