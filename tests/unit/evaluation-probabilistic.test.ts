import { describe, expect, it } from "vitest";
import {
  brierScore,
  brierSkillScore,
  logLoss,
  logLossSkillScore,
  skillScore,
} from "../../pipeline/evaluation/probabilistic.js";

describe("evaluation/probabilistic", () => {
  const actual = [1, 0, 1, 1];
  const p = [0.8, 0.3, 0.6, 0.9];

  it("computes the Brier score by hand", () => {
    // ((0.8−1)² + (0.3−0)² + (0.6−1)² + (0.9−1)²)/4 = (0.04 + 0.09 + 0.16 + 0.01)/4 = 0.075
    expect(brierScore(actual, p)).toBeCloseTo(0.075, 15);
    expect(brierScore([1, 0], [0.5, 0.5])).toBe(0.25);
  });

  it("computes log-loss by hand", () => {
    // −(ln 0.8 + ln 0.7 + ln 0.6 + ln 0.9)/4
    //   = (0.2231435513 + 0.3566749439 + 0.5108256238 + 0.1053605157)/4 = 0.2990011587
    expect(logLoss(actual, p)).toBeCloseTo(0.2990011586691898, 14);
    expect(logLoss([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
  });

  it("clips probabilities at 1e-15 so confident misses stay finite", () => {
    // −ln(1e−15) = 15 ln 10 = 34.538776394910684
    expect(logLoss([1], [0])).toBeCloseTo(34.538776394910684, 10);
    expect(logLoss([0], [1])).toBeCloseTo(34.538776394910684, 10);
    expect(logLoss([1], [1])).toBeCloseTo(1e-15, 25);
  });

  it("computes skill scores against the training up-rate", () => {
    // Reference p = 0.75: Brier = (0.25² + 0.75² + 0.25² + 0.25²)/4 = 0.75/4 = 0.1875,
    // BSS = 1 − 0.075/0.1875 = 0.6
    expect(brierSkillScore(actual, p, 0.75)).toBeCloseTo(0.6, 14);
    // Reference log-loss = −(3 ln 0.75 + ln 0.25)/4 = (0.8630462176 + 1.3862943611)/4 = 0.5623351446,
    // LLSS = 1 − 0.2990011587/0.5623351446 = 0.4682865520
    expect(logLossSkillScore(actual, p, 0.75)).toBeCloseTo(0.4682865520136136, 12);
    // A per-day reference equal to the forecast itself has zero skill.
    expect(brierSkillScore(actual, p, p)).toBe(0);
    expect(skillScore(0.2, 0.25)).toBeCloseTo(0.2, 15);
    expect(skillScore(1, 0)).toBeNaN();
  });

  it("rejects probabilities outside [0, 1] and mismatched lengths", () => {
    expect(() => brierScore([1], [1.1])).toThrow(RangeError);
    expect(() => logLoss([1], [Number.NaN])).toThrow(RangeError);
    expect(() => brierScore([1, 0], [0.5])).toThrow(RangeError);
    expect(() => logLoss([], [])).toThrow(RangeError);
  });
});
