import { describe, expect, it } from "vitest";
import {
  normalCdf,
  normalSurvival,
  studentTCdf,
  studentTSurvival,
} from "../../pipeline/evaluation/distributions.js";

/**
 * Student t CDF for odd ν > 1 by the finite series of Abramowitz & Stegun 26.7.3:
 * A(t|ν) = P(|T| ≤ t) = (2/π){θ + sinθ [cosθ + (2/3)cos³θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2)) cos^{ν−2}θ]},
 * θ = atan(t/√ν). Independent of the incomplete-beta route a t CDF library takes.
 */
function oddDfTCdf(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  let term = Math.cos(theta);
  let sum = term;
  for (let k = 1; 2 * k + 1 <= df - 2; k++) {
    term *= ((2 * k) / (2 * k + 1)) * Math.cos(theta) ** 2;
    sum += term;
  }
  const a = (2 / Math.PI) * (theta + Math.sin(theta) * sum);
  return t >= 0 ? (1 + a) / 2 : (1 - a) / 2;
}

describe("evaluation/distributions: normal", () => {
  it("matches tabulated quantiles and values", () => {
    // Quantiles z_0.975 = 1.959963985, z_0.99 = 2.326347874 (A&S Table 26.5).
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 9);
    expect(normalCdf(2.326347874)).toBeCloseTo(0.99, 9);
    expect(normalCdf(0)).toBe(0.5);
    // Φ(1) = 0.8413447460685429, Φ(−3) = 0.0013498980316301 (A&S Table 26.1; the digits past the
    // table's from mpmath at 30 significant digits, as are the other long constants in this file).
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 13);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
  });

  it("keeps relative precision deep in the tails", () => {
    // Φ(−6) = 9.865876450376981e-10 and Φ(−8) = 6.220960574271785e-16 (mpmath, 30 digits).
    expect(Math.abs(normalCdf(-6) / 9.865876450376981e-10 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(normalSurvival(8) / 6.220960574271785e-16 - 1)).toBeLessThan(1e-9);
  });

  it("is symmetric: Φ(z) + Φ(−z) = 1", () => {
    for (const z of [0.1, 0.7, 1.3, 2.9, 4.4]) {
      expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 14);
      expect(normalSurvival(z)).toBeCloseTo(normalCdf(-z), 15);
    }
  });

  it("matches erfc's tabulated points (A&S Table 7.1) through erfc(x) = 2 Φ(−x√2)", () => {
    const erfc = (x: number) => 2 * normalSurvival(x * Math.SQRT2);
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 14);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 14);
  });
});

describe("evaluation/distributions: Student t", () => {
  it("matches tabulated critical values", () => {
    // t_{0.975, 10} = 2.228138852, t_{0.95, 5} = 2.015048373, t_{0.995, 30} = 2.749995654.
    expect(studentTCdf(2.228138852, 10)).toBeCloseTo(0.975, 9);
    expect(studentTCdf(2.015048373, 5)).toBeCloseTo(0.95, 9);
    expect(studentTCdf(2.749995654, 30)).toBeCloseTo(0.995, 9);
    expect(studentTCdf(-2.228138852, 10)).toBeCloseTo(0.025, 9);
  });

  it("matches closed forms for 1, 2, 3 and 4 degrees of freedom", () => {
    for (const t of [-7.5, -2, -0.3, 0, 0.4, 1.7, 12]) {
      // ν = 1 (Cauchy): 1/2 + atan(t)/π.
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      // ν = 2: 1/2 + t / (2√(2 + t²)).
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
      // ν = 3: 1/2 + (1/π)[(t/√3)/(1 + t²/3) + atan(t/√3)].
      const u = t / Math.sqrt(3);
      expect(studentTCdf(t, 3)).toBeCloseTo(0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 13);
      // ν = 4: 1/2 + (3/8)(t/√(1 + t²/4))[1 − t²/(12(1 + t²/4))].
      const w = 1 + (t * t) / 4;
      expect(studentTCdf(t, 4)).toBeCloseTo(
        0.5 + (3 / 8) * (t / Math.sqrt(w)) * (1 - (t * t) / (12 * w)),
        13,
      );
    }
  });

  it("matches the A&S 26.7.3 series for odd ν", () => {
    for (const df of [5, 9, 15]) {
      for (const t of [-3, -1.936491673, -0.5, 0.8, 2.5]) {
        expect(studentTCdf(t, df)).toBeCloseTo(oddDfTCdf(t, df), 12);
      }
    }
  });

  it("tends to the normal as ν grows and keeps tail precision", () => {
    expect(studentTCdf(1.959963985, Infinity)).toBeCloseTo(0.975, 9);
    expect(studentTCdf(1.959963985, 1e7)).toBeCloseTo(0.975, 7);
    // Upper tail of t_1 at 1e6: 1/2 − atan(1e6)/π = atan(1e−6)/π ≈ 3.183098861837e−7.
    expect(studentTSurvival(1e6, 1) / (Math.atan(1e-6) / Math.PI) - 1).toBeLessThan(1e-9);
    expect(studentTCdf(Number.NaN, 3)).toBeNaN();
    expect(studentTCdf(1, 0)).toBeNaN();
  });
});
