import { describe, expect, it } from "vitest";
import { backtestLongFlat } from "../../pipeline/evaluation/backtest.js";

describe("evaluation/backtest", () => {
  // Five days, 10 bp per side (c = 0.001), start flat (s_{−1} = 0).
  //   signal s_t   1      1      0      1      0
  //   return r_t   0.02  −0.01   0.05   0.03  −0.04
  //   |Δs|         1      0      1      1      1        → turnover 4
  //   1 + net_t = (1 − 0.001|Δs|)(1 + s_t r_t):
  //               0.999·1.02 = 1.01898, 0.99, 0.999, 0.999·1.03 = 1.02897, 0.999
  //   equity      1.01898, 1.0087902, 1.0077814098, 1.036976837241906, 1.0359398604046641
  //   peak 1.01898 then trough 1.0077814098: drawdown 1 − 0.99·0.999 = 0.01099 (the largest)
  //   net mean = (0.01898 − 0.01 − 0.001 + 0.02897 − 0.001)/5 = 0.03595/5 = 0.00719
  //   deviations 0.01179, −0.01719, −0.00819, 0.02178, −0.00819; Σ² = 0.00104302;
  //   sd = √(0.00104302/4) = 0.0161479163; Sharpe = 0.00719/0.0161479163·√252 = 7.0682625313
  const signals = [1, 1, 0, 1, 0];
  const returns = [0.02, -0.01, 0.05, 0.03, -0.04];

  it("computes the long/flat strategy by hand", () => {
    const { strategy } = backtestLongFlat(signals, returns, { costBps: 10 });
    const expectedEquity = [
      1.01898, 1.0087902, 1.0077814098, 1.036976837241906, 1.0359398604046641,
    ];
    expectedEquity.forEach((e, i) => expect(strategy.equity[i]).toBeCloseTo(e, 14));
    expect(strategy.dailyReturns[2]).toBeCloseTo(-0.001, 15);
    expect(strategy.totalReturn).toBeCloseTo(0.0359398604046641, 14);
    // (1.0359398604046641)^(252/5) − 1
    expect(strategy.annualisedReturn).toBeCloseTo(1.0359398604046641 ** 50.4 - 1, 12);
    expect(strategy.annualisedReturn).toBeCloseTo(4.927356055, 8);
    expect(strategy.sharpeRatio).toBeCloseTo(7.068262531270072, 10);
    expect(strategy.annualisedVolatility).toBeCloseTo(0.01614791627424416 * Math.sqrt(252), 13);
    expect(strategy.maxDrawdown).toBeCloseTo(0.01099, 14);
    expect(strategy.turnover).toBe(4);
    expect(strategy.turnoverPerYear).toBeCloseTo(201.6, 12); // 4·252/5
    expect(strategy.exposure).toBe(0.6);
  });

  it("computes buy-and-hold on the same days with one entry cost", () => {
    // 0.999·1.02 = 1.01898, ·0.99 = 1.0087902, ·1.05 = 1.05922971, ·1.03 = 1.0910066013,
    // ·0.96 = 1.047366337248; peak 1.0910066013 → 0.96 of it: drawdown 0.04
    const { buyAndHold } = backtestLongFlat(signals, returns, { costBps: 10 });
    expect(buyAndHold.equity[4]).toBeCloseTo(1.047366337248, 14);
    expect(buyAndHold.totalReturn).toBeCloseTo(0.047366337248, 14);
    expect(buyAndHold.maxDrawdown).toBeCloseTo(0.04, 14);
    expect(buyAndHold.turnover).toBe(1);
    expect(buyAndHold.exposure).toBe(1);
    // nets 0.01898, −0.01, 0.05, 0.03, −0.04: mean 0.009796, sd 0.035286089; Sharpe 4.4070250706
    expect(buyAndHold.sharpeRatio).toBeCloseTo(4.407025070603337, 10);
  });

  it("charges nothing without costs and compounds simple returns", () => {
    const { strategy, buyAndHold } = backtestLongFlat(signals, returns);
    // Long on days 0, 1, 3: 1.02·0.99·1.03 − 1 = 0.040094
    expect(strategy.totalReturn).toBeCloseTo(0.040094, 14);
    // 1.02·0.99·1.05·1.03·0.96 − 1 = 0.0484147…
    expect(buyAndHold.totalReturn).toBeCloseTo(1.02 * 0.99 * 1.05 * 1.03 * 0.96 - 1, 14);
  });

  it("measures drawdown from the starting equity of 1", () => {
    // Equity 0.9 then 0.9·1.05 = 0.945: the fall from 1 to 0.9 is a 10% drawdown.
    const { strategy } = backtestLongFlat([1, 1], [-0.1, 0.05]);
    expect(strategy.maxDrawdown).toBeCloseTo(0.1, 15);
  });

  it("reports an undefined Sharpe ratio for a flat book and rejects bad input", () => {
    const flat = backtestLongFlat([0, 0, 0], [0.01, -0.02, 0.03]).strategy;
    expect(flat.sharpeRatio).toBeNaN();
    expect(flat.totalReturn).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
    expect(() => backtestLongFlat([1, 0], [0.01])).toThrow(RangeError);
    expect(() => backtestLongFlat([1], [-1.5])).toThrow(RangeError);
    expect(() => backtestLongFlat([2], [0.01])).toThrow(RangeError);
    expect(() => backtestLongFlat([1], [0.01], { costBps: -1 })).toThrow(RangeError);
  });
});
