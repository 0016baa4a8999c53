import { describe, expect, it } from "vitest";
import {
  accuracyOf,
  balancedAccuracyOf,
  classificationMetrics,
  confusionMatrix,
  confusionMatrixOf,
  matthewsCorrelationOf,
  predictUp,
  upDirections,
} from "../../pipeline/evaluation/classification.js";

describe("evaluation/classification", () => {
  // Ten days. Predicted up when p ≥ 0.5, so day 2 (p = 0.5 exactly) counts as up.
  //   actual     1    1    1    0    0    1    0    1     0     1
  //   p         .9   .6   .5   .7   .2   .4   .1   .55   .45   .3
  //   predicted  1    1    1    1    0    0    0    1     0     0
  //   outcome   TP   TP   TP   FP   TN   FN   TN   TP    TN    FN
  // TP = 4, FP = 1, TN = 3, FN = 2.
  const actual = [true, true, true, false, false, true, false, true, false, true];
  const p = [0.9, 0.6, 0.5, 0.7, 0.2, 0.4, 0.1, 0.55, 0.45, 0.3];

  it("builds the confusion matrix, with a 0.5 tie counted as up", () => {
    expect(confusionMatrix(actual, p)).toEqual({
      truePositive: 4,
      falsePositive: 1,
      trueNegative: 3,
      falseNegative: 2,
    });
    expect(Array.from(predictUp([0.5, 0.4999999, 0.51]))).toEqual([1, 0, 1]);
  });

  it("computes accuracy, balanced accuracy and MCC by hand", () => {
    const m = classificationMetrics(actual, p);
    // accuracy = (TP + TN) / N = (4 + 3) / 10 = 0.7
    expect(m.accuracy).toBeCloseTo(0.7, 15);
    // recall(up) = 4/6, recall(down) = 3/4, balanced = (0.666… + 0.75)/2 = 0.708333…
    expect(m.balancedAccuracy).toBeCloseTo((4 / 6 + 3 / 4) / 2, 15);
    expect(m.balancedAccuracy).toBeCloseTo(0.7083333333, 9);
    // MCC = (4·3 − 1·2) / √((4+1)(4+2)(3+1)(3+2)) = 10/√600 = 0.408248290463863
    expect(m.matthewsCorrelation).toBeCloseTo(0.408248290463863, 14);
  });

  it("accepts 0/1 numbers and typed arrays for the same answer", () => {
    const asNumbers = actual.map((a) => (a ? 1 : 0));
    expect(classificationMetrics(asNumbers, Float64Array.from(p))).toEqual(
      classificationMetrics(actual, p),
    );
  });

  it("gives MCC 0 when undefined and balanced accuracy over present classes", () => {
    // Always predicting up: TN = FN = 0, the (TN+FN) margin is 0, MCC undefined → 0.
    const allUp = confusionMatrixOf([1, 0, 1, 1], [1, 1, 1, 1]);
    expect(matthewsCorrelationOf(allUp)).toBe(0);
    expect(accuracyOf(allUp)).toBe(0.75);
    // Recall(up) = 3/3 = 1, recall(down) = 0/1 = 0 → 0.5.
    expect(balancedAccuracyOf(allUp)).toBe(0.5);
    // Only ups occur: balanced accuracy is the recall of ups, 2/3.
    expect(balancedAccuracyOf(confusionMatrixOf([1, 1, 1], [1, 0, 1]))).toBeCloseTo(2 / 3, 15);
    // Perfectly wrong: MCC = −1.
    expect(matthewsCorrelationOf(confusionMatrixOf([1, 0, 1, 0], [0, 1, 0, 1]))).toBe(-1);
  });

  it("rejects mismatched, empty and non-binary input", () => {
    expect(() => confusionMatrix([1, 0], [0.5])).toThrow(RangeError);
    expect(() => confusionMatrixOf([1, 2], [1, 0])).toThrow(RangeError);
    expect(() => confusionMatrix([1], [1.2])).toThrow(RangeError);
    expect(() => classificationMetrics([], [])).toThrow(RangeError);
  });

  it("reads directions of returns as up only when strictly positive", () => {
    expect(Array.from(upDirections([0.01, 0, -0.02, 1e-12]))).toEqual([1, 0, 0, 1]);
  });
});
