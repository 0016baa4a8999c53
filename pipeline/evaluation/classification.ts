import type { BinarySeries, Series } from "../../core/series.js";
import {
  assertNonEmpty,
  assertProbabilities,
  assertSameLength,
  toBinary,
} from "../../core/series.js";

/**
 * Direction classification from a predicted probability of "up".
 * Decision rule: predict up when p ≥ threshold (default 0.5); a tie at exactly 0.5 counts as up,
 * matching a long/flat strategy that goes long unless the model leans down.
 */
const DEFAULT_THRESHOLD = 0.5;

interface ConfusionMatrix {
  /** actual up, predicted up */
  truePositive: number;
  /** actual down, predicted up */
  falsePositive: number;
  /** actual down, predicted down */
  trueNegative: number;
  /** actual up, predicted down */
  falseNegative: number;
}

export function predictUp(probabilityUp: Series, threshold = DEFAULT_THRESHOLD): Uint8Array {
  const out = new Uint8Array(probabilityUp.length);
  for (let i = 0; i < probabilityUp.length; i++) out[i] = probabilityUp[i]! >= threshold ? 1 : 0;
  return out;
}

/** Confusion matrix of actual directions against directions predicted (as 0/1 or booleans). */
export function confusionMatrixOf(
  actualUp: BinarySeries,
  predictedUp: BinarySeries,
): ConfusionMatrix {
  const n = assertSameLength("confusionMatrix", actualUp, predictedUp);
  const actual = toBinary("actualUp", actualUp);
  const predicted = toBinary("predictedUp", predictedUp);
  const m: ConfusionMatrix = {
    truePositive: 0,
    falsePositive: 0,
    trueNegative: 0,
    falseNegative: 0,
  };
  for (let i = 0; i < n; i++) {
    if (predicted[i]) {
      if (actual[i]) m.truePositive++;
      else m.falsePositive++;
    } else if (actual[i]) m.falseNegative++;
    else m.trueNegative++;
  }
  return m;
}

/** Confusion matrix from probabilities of up, thresholded by {@link predictUp}. */
export function confusionMatrix(
  actualUp: BinarySeries,
  probabilityUp: Series,
  threshold = DEFAULT_THRESHOLD,
): ConfusionMatrix {
  assertProbabilities("probabilityUp", probabilityUp);
  return confusionMatrixOf(actualUp, predictUp(probabilityUp, threshold));
}

function total(m: ConfusionMatrix): number {
  return m.truePositive + m.falsePositive + m.trueNegative + m.falseNegative;
}

/** (TP + TN) / N. */
export function accuracyOf(m: ConfusionMatrix): number {
  const n = total(m);
  assertNonEmpty("accuracy", n);
  return (m.truePositive + m.trueNegative) / n;
}

/**
 * Balanced accuracy = mean recall over the classes present in the actuals
 * (Brodersen et al. 2010): (TP/(TP+FN) + TN/(TN+FP)) / 2. If only one class occurs, it is that
 * class's recall (the convention of scikit-learn's balanced_accuracy_score).
 */
export function balancedAccuracyOf(m: ConfusionMatrix): number {
  assertNonEmpty("balancedAccuracy", total(m));
  const recalls: number[] = [];
  const actualUp = m.truePositive + m.falseNegative;
  const actualDown = m.trueNegative + m.falsePositive;
  if (actualUp > 0) recalls.push(m.truePositive / actualUp);
  if (actualDown > 0) recalls.push(m.trueNegative / actualDown);
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

/**
 * Matthews correlation coefficient (Matthews 1975):
 * (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)); 0 when any margin is zero (undefined).
 */
export function matthewsCorrelationOf(m: ConfusionMatrix): number {
  const { truePositive: tp, falsePositive: fp, trueNegative: tn, falseNegative: fn } = m;
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator;
}

interface ClassificationMetrics {
  confusion: ConfusionMatrix;
  accuracy: number;
  balancedAccuracy: number;
  matthewsCorrelation: number;
}

/** All classification metrics for probabilities of up against actual directions. */
export function classificationMetrics(
  actualUp: BinarySeries,
  probabilityUp: Series,
  threshold = DEFAULT_THRESHOLD,
): ClassificationMetrics {
  const confusion = confusionMatrix(actualUp, probabilityUp, threshold);
  return {
    confusion,
    accuracy: accuracyOf(confusion),
    balancedAccuracy: balancedAccuracyOf(confusion),
    matthewsCorrelation: matthewsCorrelationOf(confusion),
  };
}

/** Direction of a return or return forecast: up (1) when strictly positive, else down (0). */
export function upDirections(values: Series): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! > 0 ? 1 : 0;
  return out;
}
