/**
 * Batched inference: raw features -> probability of a rise and expected next-day log return.
 */
import * as tf from "./tf.js";
import { RETURN_OUTPUT, UP_OUTPUT } from "./networks.js";
import { transform, type Scaler } from "./scaler.js";

interface RawOutputs {
  /** the `ret` head, in units of returnScale; null for a model without it (logistic) */
  ret: Float32Array | null;
  up: Float32Array;
}

export interface Predictions {
  probabilityUp: Float64Array;
  /** expected next-day log return; null for a model without a return head (logistic) */
  expectedReturn: Float64Array | null;
}

const DEFAULT_BATCH = 4096;

/** Runs the model on already standardised rows, batch by batch, leaving no tensors behind. */
export function predictScaled(
  model: tf.LayersModel,
  xScaled: Float32Array,
  n: number,
  batchSize = DEFAULT_BATCH,
): RawOutputs {
  const k = n === 0 ? 0 : xScaled.length / n;
  const retIndex = model.outputNames.indexOf(RETURN_OUTPUT);
  const upIndex = model.outputNames.indexOf(UP_OUTPUT);
  if (upIndex < 0) throw new Error(`model has no "${UP_OUTPUT}" output (${model.outputNames})`);
  const ret = retIndex >= 0 ? new Float32Array(n) : null;
  const up = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const input = tf.tensor2d(xScaled.subarray(start * k, end * k), [end - start, k]);
    const out = model.predict(input);
    const outputs = Array.isArray(out) ? out : [out];
    try {
      if (ret) ret.set(outputs[retIndex]!.dataSync(), start);
      up.set(outputs[upIndex]!.dataSync(), start);
    } finally {
      tf.dispose([input, ...outputs]);
    }
  }
  return { ret, up };
}

/** Probabilities and unscaled expected log returns for n rows of raw (unstandardised) features. */
export function predictRows(
  model: tf.LayersModel,
  scaler: Scaler,
  returnScale: number,
  x: Float32Array,
  n: number,
  batchSize = DEFAULT_BATCH,
): Predictions {
  if (x.length !== n * scaler.mean.length) {
    throw new Error(`predictRows: ${x.length} values for ${n} rows of ${scaler.mean.length}`);
  }
  const raw = predictScaled(model, transform(scaler, x), n, batchSize);
  return {
    probabilityUp: Float64Array.from(raw.up),
    expectedReturn: raw.ret ? Float64Array.from(raw.ret, (r) => r * returnScale) : null,
  };
}

/** Scores of n rows of already assembled ranker inputs, batch by batch. */
export function scoreRows(model: tf.LayersModel, x: Float32Array, n: number, batch = 8192) {
  const out = new Float64Array(n);
  if (n === 0) return out;
  const k = x.length / n;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const input = tf.tensor2d(x.subarray(start * k, end * k), [end - start, k]);
    const y = model.predict(input) as tf.Tensor;
    try {
      out.set(y.dataSync(), start);
    } finally {
      tf.dispose([input, y]);
    }
  }
  return out;
}
