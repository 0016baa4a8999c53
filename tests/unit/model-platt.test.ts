import { describe, expect, it } from "vitest";
import { applyPlatt, fitPlatt, fitShrinkWeight } from "../../pipeline/model/platt.js";
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

  it("shrinks toward a base rate by its weight: 0 gives the base rate, 1 leaves it", () => {
    const s = { a: 0, b: 1 };
    expect(applyPlatt({ ...s, toward: 0.54, weight: 0 }, 0.7)).toBeCloseTo(0.54, 12);
    expect(applyPlatt({ ...s, toward: 0.54, weight: 1 }, 0.7)).toBeCloseTo(0.7, 12);
    expect(applyPlatt({ ...s, toward: 0.5, weight: 0.5 }, 0.7)).toBeCloseTo(0.6, 12);
  });
});

describe("shrink weight", () => {
  const rng = createRng(11);
  const n = 20_000;
  const r = Array.from({ length: n }, () => 0.54);
  it("is near 1 for calibrated forecasts, 0 for forecasts with no information", () => {
    const informative = Array.from({ length: n }, () => 0.3 + 0.4 * rng.uniform());
    const hits = informative.map((q) => (rng.uniform() < q ? 1 : 0));
    expect(fitShrinkWeight(informative, hits, r)).toBeGreaterThan(0.9);
    // four standard errors of the weight on these forecasts: 4 * sqrt(0.25 / (n * 0.2^2 / 12))
    const noise = Array.from({ length: n }, () => 0.44 + 0.2 * rng.uniform());
    const coin = noise.map(() => (rng.uniform() < 0.54 ? 1 : 0));
    expect(fitShrinkWeight(noise, coin, r)).toBeLessThan(0.25);
  });

  it("is the least-squares weight, clipped to [0, 1]; 0 with nothing to fit", () => {
    // o - r = 0.5 (q - r) exactly: weight 0.5
    expect(fitShrinkWeight([0.6, 0.4], [0.55, 0.45], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    // forecasts pointing the wrong way: clipped at 0
    expect(fitShrinkWeight([0.6, 0.4], [0, 1], [0.5, 0.5])).toBe(0);
    expect(fitShrinkWeight([], [], [])).toBe(0);
    expect(fitShrinkWeight([0.5, 0.5], [1, 0], [0.5, 0.5])).toBe(0);
  });
});
