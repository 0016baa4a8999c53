import { describe, expect, it } from "vitest";
import { pesaranTimmermannTest } from "../../pipeline/evaluation/pesaran-timmermann.js";
import { createRng } from "../../core/random.js";

describe("evaluation/pesaran-timmermann", () => {
  it("matches a case worked by hand from the 1992 formulas", () => {
    // actual    1 1 1 1 1 1 0 0 0 0   P_y = 6/10 = 0.6
    // predicted 1 1 1 1 1 0 0 0 0 1   P_x = 6/10 = 0.6
    // hits      ✓ ✓ ✓ ✓ ✓ ✗ ✓ ✓ ✓ ✗   P̂ = 8/10 = 0.8
    // P*     = 0.6·0.6 + 0.4·0.4 = 0.52
    // V(P̂)  = 0.52·0.48/10 = 0.02496
    // V(P*)  = (0.2)²·0.24/10 + (0.2)²·0.24/10 + 4·0.6·0.6·0.4·0.4/100
    //        = 0.00096 + 0.00096 + 0.002304 = 0.004224
    // S      = (0.8 − 0.52)/√(0.02496 − 0.004224) = 0.28/√0.020736 = 0.28/0.144 = 1.9444…
    // p      = 1 − Φ(1.94444…) = 0.025920939357843 (mpmath, 30 digits)
    const actual = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
    const predicted = [1, 1, 1, 1, 1, 0, 0, 0, 0, 1];
    const r = pesaranTimmermannTest(actual, predicted);
    expect(r.n).toBe(10);
    expect(r.actualUpRate).toBe(0.6);
    expect(r.predictedUpRate).toBe(0.6);
    expect(r.successRatio).toBe(0.8);
    expect(r.expectedSuccessRatio).toBeCloseTo(0.52, 15);
    expect(r.statistic).toBeCloseTo(0.28 / 0.144, 12);
    expect(r.pValue).toBeCloseTo(0.025920939357843, 12);
    expect(r.degenerate).toBe(false);
  });

  it("gives a tiny p-value to a perfect forecaster on a large sample", () => {
    const rng = createRng(5);
    const actual = Array.from({ length: 1000 }, () => rng.uniform() < 0.53);
    const r = pesaranTimmermannTest(actual, actual);
    expect(r.successRatio).toBe(1);
    expect(r.statistic).toBeGreaterThan(25);
    expect(r.pValue).toBeLessThan(1e-100);
    // Always wrong: no skill in the tested direction.
    expect(
      pesaranTimmermannTest(
        actual,
        actual.map((a) => !a),
      ).pValue,
    ).toBeGreaterThan(0.999);
  });

  it("rejects at about the nominal 5% rate when forecasts are independent of outcomes", () => {
    const rng = createRng(2024);
    let rejections = 0;
    let sumP = 0;
    const simulations = 200;
    for (let s = 0; s < simulations; s++) {
      const actual = Array.from({ length: 250 }, () => rng.uniform() < 0.55);
      const predicted = Array.from({ length: 250 }, () => rng.uniform() < 0.6);
      const { pValue } = pesaranTimmermannTest(actual, predicted);
      if (pValue < 0.05) rejections++;
      sumP += pValue;
    }
    expect(rejections / simulations).toBeGreaterThanOrEqual(0.01);
    expect(rejections / simulations).toBeLessThanOrEqual(0.1);
    // Uniform p-values average 1/2 (sd of the mean over 200 ≈ 0.02).
    expect(Math.abs(sumP / simulations - 0.5)).toBeLessThan(0.07);
  });

  it("flags all-same-sign forecasts or outcomes as degenerate", () => {
    const allUp = pesaranTimmermannTest([1, 0, 1, 1, 0], [1, 1, 1, 1, 1]);
    expect(allUp.degenerate).toBe(true);
    expect(allUp.statistic).toBeNaN();
    expect(allUp.pValue).toBe(1);
    expect(allUp.successRatio).toBe(0.6);
    expect(pesaranTimmermannTest([0, 0, 0], [1, 0, 1]).degenerate).toBe(true);
    expect(() => pesaranTimmermannTest([], [])).toThrow(RangeError);
  });
});
