import type { BinarySeries, Series } from "../../core/series.js";
import {
  assertNonEmpty,
  assertProbabilities,
  assertSameLength,
  toBinary,
} from "../../core/series.js";

interface ReliabilityBin {
  /** Bin covers [lower, upper); the last bin also includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; NaN when empty. */
  meanPredicted: number;
  /** Share of actual ups in the bin; NaN when empty. */
  observedFrequency: number;
}

interface ReliabilityTable {
  bins: ReliabilityBin[];
  /** Σ_k (n_k / N) |observed_k − predicted_k| over non-empty bins (Naeini et al. 2015, ECE). */
  expectedCalibrationError: number;
  /** max_k |observed_k − predicted_k| over non-empty bins (Naeini et al. 2015, MCE). */
  maxCalibrationError: number;
}

/**
 * Reliability diagram data with equal-width bins on [0, 1] (Murphy & Winkler 1977;
 * DeGroot & Fienberg 1983). Probability p falls in bin min(⌊p·B⌋, B−1).
 */
export function reliabilityTable(
  actualUp: BinarySeries,
  probabilityUp: Series,
  binCount = 10,
): ReliabilityTable {
  const n = assertSameLength("reliabilityTable", actualUp, probabilityUp);
  assertNonEmpty("reliabilityTable", n);
  assertProbabilities("probabilityUp", probabilityUp);
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new RangeError(`reliabilityTable: binCount must be a positive integer, got ${binCount}`);
  }
  const o = toBinary("actualUp", actualUp);
  const counts = new Array<number>(binCount).fill(0);
  const sumPredicted = new Array<number>(binCount).fill(0);
  const sumObserved = new Array<number>(binCount).fill(0);
  for (let i = 0; i < n; i++) {
    const p = probabilityUp[i]!;
    const k = Math.min(Math.floor(p * binCount), binCount - 1);
    counts[k]!++;
    sumPredicted[k]! += p;
    sumObserved[k]! += o[i]!;
  }

  const bins: ReliabilityBin[] = [];
  let expectedCalibrationError = 0;
  let maxCalibrationError = 0;
  for (let k = 0; k < binCount; k++) {
    const count = counts[k]!;
    const meanPredicted = count === 0 ? Number.NaN : sumPredicted[k]! / count;
    const observedFrequency = count === 0 ? Number.NaN : sumObserved[k]! / count;
    bins.push({
      lower: k / binCount,
      upper: (k + 1) / binCount,
      count,
      meanPredicted,
      observedFrequency,
    });
    if (count > 0) {
      const gap = Math.abs(observedFrequency - meanPredicted);
      expectedCalibrationError += (count / n) * gap;
      maxCalibrationError = Math.max(maxCalibrationError, gap);
    }
  }
  return { bins, expectedCalibrationError, maxCalibrationError };
}
