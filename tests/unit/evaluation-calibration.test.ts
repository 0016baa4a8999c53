import { describe, expect, it } from "vitest";
import { reliabilityTable } from "../../pipeline/evaluation/calibration.js";

describe("evaluation/calibration", () => {
  // p:       0.05 0.15 0.12 0.55 0.95 1.00 0.58
  // actual:  0    0    1    1    1    1    0
  // 10 bins: bin0 {0.05}, bin1 {0.15, 0.12}, bin5 {0.55, 0.58}, bin9 {0.95, 1.00 (last bin closed)}
  const p = [0.05, 0.15, 0.12, 0.55, 0.95, 1.0, 0.58];
  const actual = [0, 0, 1, 1, 1, 1, 0];

  it("bins, averages and scores calibration by hand", () => {
    const table = reliabilityTable(actual, p);
    expect(table.bins).toHaveLength(10);
    expect(table.bins.map((b) => b.count)).toEqual([1, 2, 0, 0, 0, 2, 0, 0, 0, 2]);
    const bin1 = table.bins[1]!;
    expect(bin1.lower).toBeCloseTo(0.1, 15);
    expect(bin1.upper).toBeCloseTo(0.2, 15);
    expect(bin1.meanPredicted).toBeCloseTo(0.135, 15); // (0.15 + 0.12)/2
    expect(bin1.observedFrequency).toBe(0.5); // 1 of 2
    expect(table.bins[9]!.meanPredicted).toBeCloseTo(0.975, 15);
    expect(table.bins[9]!.observedFrequency).toBe(1);
    expect(table.bins[2]!.meanPredicted).toBeNaN();
    expect(table.bins[2]!.observedFrequency).toBeNaN();
    // gaps: bin0 |0 − 0.05| = 0.05, bin1 |0.5 − 0.135| = 0.365,
    //       bin5 |0.5 − 0.565| = 0.065, bin9 |1 − 0.975| = 0.025
    // ECE = (1·0.05 + 2·0.365 + 2·0.065 + 2·0.025)/7 = 0.96/7 = 0.13714285714285715
    expect(table.expectedCalibrationError).toBeCloseTo(0.13714285714285715, 14);
    expect(table.maxCalibrationError).toBeCloseTo(0.365, 14);
  });

  it("supports other bin counts", () => {
    // 2 bins: [0, 0.5) holds 0.05, 0.15, 0.12 (pred 0.10666…, obs 1/3);
    //         [0.5, 1] holds 0.55, 0.95, 1, 0.58 (pred 0.77, obs 3/4)
    // ECE = (3·|1/3 − 0.32/3| + 4·|0.75 − 0.77|)/7 = (0.68 + 0.08)/7 = 0.76/7
    const table = reliabilityTable(actual, p, 2);
    expect(table.bins.map((b) => b.count)).toEqual([3, 4]);
    expect(table.expectedCalibrationError).toBeCloseTo(0.76 / 7, 14);
    expect(table.maxCalibrationError).toBeCloseTo(0.68 / 3, 14);
  });

  it("scores a perfectly calibrated forecast as 0", () => {
    // p = 0.25 on four days with one up; p = 0.75 on four days with three ups.
    const table = reliabilityTable(
      [1, 0, 0, 0, 1, 1, 1, 0],
      [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75],
    );
    expect(table.expectedCalibrationError).toBe(0);
    expect(table.maxCalibrationError).toBe(0);
  });

  it("rejects bad bin counts and probabilities", () => {
    expect(() => reliabilityTable([1], [0.5], 0)).toThrow(RangeError);
    expect(() => reliabilityTable([1], [-0.1])).toThrow(RangeError);
  });
});
