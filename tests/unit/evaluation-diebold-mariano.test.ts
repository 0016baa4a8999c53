import { describe, expect, it } from "vitest";
import {
  dieboldMarianoTest,
  dieboldMarianoTestOnErrors,
  lossDifferential,
} from "../../pipeline/evaluation/diebold-mariano.js";

const zeros = (n: number) => new Array<number>(n).fill(0);

describe("evaluation/diebold-mariano", () => {
  // Ten loss differentials d_t = L1_t − L2_t (model 1 mostly better):
  const d = [-1, 1, -2, 0, -3, -1, 2, -2, -1, -3];
  // d̄ = −10/10 = −1; deviations d − d̄: 0, 2, −1, 1, −2, 0, 3, −1, 0, −2

  it("matches the hand computation for h = 1", () => {
    // γ̂0 = (0 + 4 + 1 + 1 + 4 + 0 + 9 + 1 + 0 + 4)/10 = 24/10 = 2.4
    // DM  = −1/√(2.4/10) = −1/√0.24 = −2.0412414523193148
    // HLN factor = √((10 + 1 − 2 + 0)/10) = √0.9, so HLN = −√(0.9/0.24) = −√3.75 = −1.9364916731037085
    // p(model 1 better) = P(T_9 ≤ −1.93649…) = 0.042392606393587 (scipy.stats.t, and A&S 26.7.3
    // in evaluation-distributions.test.ts); two-sided = 0.084785212787173
    const r = dieboldMarianoTest(d, zeros(10));
    expect(r.meanDifferential).toBe(-1);
    expect(r.longRunVariance).toBeCloseTo(2.4, 14);
    expect(r.dmStatistic).toBeCloseTo(-2.0412414523193148, 12);
    expect(r.hlnStatistic).toBeCloseTo(-Math.sqrt(3.75), 12);
    expect(r.degreesOfFreedom).toBe(9);
    expect(r.pValueModel1Better).toBeCloseTo(0.042392606393587, 12);
    expect(r.pValueTwoSided).toBeCloseTo(0.084785212787173, 12);
    expect(r.pValueModel2Better).toBeCloseTo(1 - 0.042392606393587, 12);
    expect(r.degenerate).toBe(false);
  });

  it("matches the hand computation for h = 2 (lag-1 autocovariance)", () => {
    // Products of consecutive deviations: 0·2, 2·(−1), (−1)·1, 1·(−2), (−2)·0, 0·3, 3·(−1),
    // (−1)·0, 0·(−2) = 0, −2, −1, −2, 0, 0, −3, 0, 0 → Σ = −8, γ̂1 = −0.8
    // long-run variance = 2.4 + 2(−0.8) = 0.8; DM = −1/√(0.8/10) = −1/√0.08 = −3.5355339059327373
    // HLN factor = √((10 + 1 − 4 + 2·1/10)/10) = √0.72, HLN = −√(0.72/0.08) = −√9 = −3
    // p(model 1 better) = P(T_9 ≤ −3) = 0.007478181955207 (scipy.stats.t)
    const r = dieboldMarianoTest(d, zeros(10), { horizon: 2 });
    expect(r.longRunVariance).toBeCloseTo(0.8, 14);
    expect(r.dmStatistic).toBeCloseTo(-3.5355339059327373, 12);
    expect(r.hlnStatistic).toBeCloseTo(-3, 12);
    expect(r.pValueModel1Better).toBeCloseTo(0.007478181955207, 12);
    expect(r.pValueTwoSided).toBeCloseTo(2 * 0.007478181955207, 12);
  });

  it("reproduces the published examples of the dieboldmariano package", () => {
    // edoannunziata/dieboldmariano, tests/dieboldmarianotest.py (same DM/HLN definitions):
    // actual 0s, P1 = 0..5, P2 = [0,2,3,3,5,6], squared loss, h = 1 → stat −2.4905, p = 0.05513.
    // By hand: d = [0,−3,−5,0,−9,−11], d̄ = −14/3, γ̂0 = 105.333…/6 = 17.5556,
    // DM = −4.6667/√(17.5556/6) = −2.72822, HLN = DM·√(5/6) = −2.49052.
    const e1 = [0, -1, -2, -3, -4, -5];
    const e2 = [0, -2, -3, -3, -5, -6];
    const first = dieboldMarianoTestOnErrors(e1, e2, "squared");
    expect(first.hlnStatistic).toBeCloseTo(-2.4905, 4);
    expect(first.pValueTwoSided).toBeCloseTo(0.05513, 4);

    // Second example: 15 points, absolute loss, h = 3, one-sided p = P(T ≤ stat) (their
    // one_sided=True) → stat 1.2109, p = 0.877.
    const p1 = [
      0.3675225224615024, 0.5450608127223211, 0.22044990720021074, 0.8688743471040006,
      0.6072512228948467, 0.8582283746501538, 0.41662295816718187, 0.3812100211114714,
      0.7185133356116706, 0.30827323290318875, 0.4297093624074402, 0.8615974488577858,
      0.7240514514808826, 0.3450839595261038, 0.19675301374013598,
    ];
    const p2 = [
      0.12794132529988733, 0.3679643204341153, 0.768715420996091, 0.09972248964114683,
      0.27197653636654284, 0.28797629010039505, 0.9160213458582482, 0.6112628048698798,
      0.5452873235576241, 0.06785907231746158, 0.6072666485541124, 0.6241575753989782,
      0.39998026828867217, 0.19895665605941748, 0.8094941215215619,
    ];
    const second = dieboldMarianoTestOnErrors(p1, p2, "absolute", { horizon: 3 });
    expect(second.hlnStatistic).toBeCloseTo(1.2109, 4);
    expect(second.pValueModel1Better).toBeCloseTo(0.877, 3);
  });

  it("builds squared and absolute loss differentials", () => {
    expect(Array.from(lossDifferential([1, -2, 3], [2, 1, -1], "squared"))).toEqual([-3, 3, 8]);
    expect(Array.from(lossDifferential([1, -2, 3], [2, 1, -1], "absolute"))).toEqual([-1, 1, 2]);
  });

  it("flags identical forecasts as degenerate and rejects bad horizons", () => {
    const same = dieboldMarianoTest([1, 2, 3], [1, 2, 3]);
    expect(same.degenerate).toBe(true);
    expect(same.hlnStatistic).toBeNaN();
    expect(same.pValueTwoSided).toBe(1);
    expect(() => dieboldMarianoTest([1, 2], [1, 2], { horizon: 0 })).toThrow(RangeError);
    expect(() => dieboldMarianoTest([1, 2], [1, 2], { horizon: 2 })).toThrow(RangeError);
    expect(() => dieboldMarianoTest([1, 2], [1])).toThrow(RangeError);
  });
});
