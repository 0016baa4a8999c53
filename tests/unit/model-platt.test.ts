import { describe, expect, it } from "vitest";
import { applyPlatt, fitPlatt } from "../../pipeline/model/platt.js";
import { createRng } from "../../core/random.js";

describe("Platt scaling", () => {
  it("is the identity (a = 0, b = 1) on forecasts that are already calibrated", () => {
    const rng = createRng(5);
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const pi = 0.2 + 0.6 * rng.uniform();
      p.push(pi);
      y.push(rng.uniform() < pi ? 1 : 0);
    }
    const s = fitPlatt(p, y);
    expect(s.a).toBeCloseTo(0, 1);
    expect(s.b).toBeCloseTo(1, 1);
  });

  it("shrinks overconfident forecasts toward the base rate", () => {
    const rng = createRng(6);
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const truth = 0.45 + 0.1 * rng.uniform();
      p.push(truth > 0.5 ? 0.9 : 0.1); // claims far more than it knows
      y.push(rng.uniform() < truth ? 1 : 0);
    }
    const s = fitPlatt(p, y);
    expect(s.b).toBeGreaterThan(0);
    expect(s.b).toBeLessThan(0.2);
    expect(applyPlatt(s, 0.9)).toBeLessThan(0.6);
    expect(applyPlatt(null, 0.9)).toBe(0.9);
  });

  it("matches the maximum-likelihood logistic fit on a hand-checkable case", () => {
    // two forecast values, each with a known hit rate: the fit must reproduce those rates exactly
    const p = [0.6, 0.6, 0.6, 0.6, 0.4, 0.4, 0.4, 0.4];
    const y = [1, 1, 1, 0, 1, 0, 0, 0];
    const s = fitPlatt(p, y);
    expect(applyPlatt(s, 0.6)).toBeCloseTo(0.75, 8);
    expect(applyPlatt(s, 0.4)).toBeCloseTo(0.25, 8);
  });
});
