/**
 * The trainer for both networks: standardisation and return scale fitted on the training block,
 * seeded batch order, early stopping on the later validation block of `splitByDate`, and the
 * best epoch's weights restored.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../core/random.js";
import { predictScaled } from "./infer.js";
import { RETURN_OUTPUT, UP_OUTPUT, buildLogistic, buildMlp, type NetworkKind } from "./networks.js";
import { fitScaler, transform, type Scaler } from "./scaler.js";
import { splitByDate } from "./split.js";

export interface TrainingData {
  /** row-major raw features, n * featureCount */
  x: Float32Array;
  ret: ArrayLike<number>;
  up: ArrayLike<number>;
  dates: readonly string[];
}

export interface TrainOptions {
  seed: number;
  maxEpochs?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  /** share of the distinct dates, the latest ones, held out for early stopping */
  validationFraction?: number;
  /** distinct dates dropped between the training and the validation block */
  gapDays?: number;
  network?: { hidden?: number[]; dropout?: number; l2?: number };
  /**
   * Refit mode: train on every row for exactly this many epochs, with no early-stopping block
   * (the epoch count comes from an earlier run's early stopping on the later block).
   */
  fixedEpochs?: number;
  onEpochEnd?: (entry: EpochEntry) => void;
}

export interface EpochEntry {
  epoch: number;
  /** training loss as the optimiser saw it (including the L2 penalty) */
  loss: number;
  /** validation loss without the penalty: MSE of the scaled return plus the binary cross-entropy */
  valLoss: number;
}

export interface TrainedNetwork {
  kind: NetworkKind;
  model: tf.LayersModel;
  scaler: Scaler;
  /** the training std of the next-day log return; the `ret` head predicts ret / returnScale */
  returnScale: number;
  history: EpochEntry[];
  /** epochs run (early stopping may end before maxEpochs) */
  epochs: number;
  /** 1-based epoch whose weights were kept */
  bestEpoch: number;
  validationLoss: number;
  /** rows the weights were fitted on, and their date range */
  rows: number;
  firstDate: string;
  lastDate: string;
  validationRows: number;
  firstValidationDate: string;
  gapDates: string[];
  durationMs: number;
}

function gatherRows(x: Float32Array, k: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * k);
  for (let i = 0; i < rows.length; i++)
    out.set(x.subarray(rows[i]! * k, (rows[i]! + 1) * k), i * k);
  return out;
}

function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

/** A seeded Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: ReturnType<typeof createRng>): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

interface Block {
  x: Float32Array;
  retScaled: Float32Array;
  up: Float32Array;
}

const EPS = 1e-7;

/** The validation loss, in float64: MSE on the scaled return (if the model has that head) + BCE. */
function validationLoss(model: tf.LayersModel, block: Block, batchSize: number): number {
  const { x, retScaled, up } = block;
  const out = predictScaled(model, x, up.length, Math.max(batchSize, 4096));
  let mse = 0;
  let bce = 0;
  for (let i = 0; i < up.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, out.up[i]!));
    bce -= up[i]! === 1 ? Math.log(p) : Math.log(1 - p);
    if (out.ret) mse += (out.ret[i]! - retScaled[i]!) ** 2;
  }
  return (mse + bce) / up.length;
}

interface WeightSnapshot {
  shape: number[];
  values: Float32Array;
}

function snapshotWeights(model: tf.LayersModel): WeightSnapshot[] {
  return model
    .getWeights()
    .map((w) => ({ shape: w.shape, values: w.dataSync().slice() as Float32Array }));
}

function restoreWeights(model: tf.LayersModel, weights: readonly WeightSnapshot[]): void {
  tf.tidy(() => model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape))));
}

function block(
  data: TrainingData,
  k: number,
  rows: Int32Array,
  scaler: Scaler,
  returnScale: number,
): Block {
  return {
    x: transform(scaler, gatherRows(data.x, k, rows)),
    retScaled: Float32Array.from(rows, (r) => data.ret[r]! / returnScale),
    up: Float32Array.from(rows, (r) => (data.up[r]! ? 1 : 0)),
  };
}

/** One pass over the training block in a seeded order; returns the epoch's training loss. */
async function fitEpoch(
  model: tf.LayersModel,
  kind: NetworkKind,
  train: Block,
  k: number,
  order: Int32Array,
  batchSize: number,
): Promise<number> {
  const n = order.length;
  const shuffled = {
    x: gatherRows(train.x, k, order),
    ret: Float32Array.from(order, (r) => train.retScaled[r]!),
    up: Float32Array.from(order, (r) => train.up[r]!),
  };
  const xs = tf.tensor2d(shuffled.x, [n, k]);
  const upTensor = tf.tensor2d(shuffled.up, [n, 1]);
  const retTensor = kind === "mlp" ? tf.tensor2d(shuffled.ret, [n, 1]) : null;
  try {
    const ys = retTensor ? { [RETURN_OUTPUT]: retTensor, [UP_OUTPUT]: upTensor } : upTensor;
    const h = await model.fit(xs, ys, {
      epochs: 1,
      batchSize,
      shuffle: false,
      verbose: 0,
      yieldEvery: "never",
    });
    return Number(h.history["loss"]![0]);
  } finally {
    tf.dispose([xs, upTensor, ...(retTensor ? [retTensor] : [])]);
  }
}

interface EarlyStoppingOptions {
  shuffleSeed: number;
  maxEpochs: number;
  batchSize: number;
  patience: number;
  onEpochEnd: ((entry: EpochEntry) => void) | undefined;
}

/** Epochs until the validation loss has not improved for `patience` epochs; keeps the best. */
async function fitWithEarlyStopping(
  model: tf.LayersModel,
  kind: NetworkKind,
  train: Block,
  validation: Block,
  k: number,
  options: EarlyStoppingOptions,
): Promise<{ history: EpochEntry[]; bestEpoch: number; bestLoss: number }> {
  const rng = createRng(options.shuffleSeed);
  const history: EpochEntry[] = [];
  let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: [] as WeightSnapshot[] };
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    const order = permutation(train.up.length, rng);
    const loss = await fitEpoch(model, kind, train, k, order, options.batchSize);
    const valLoss = validationLoss(model, validation, options.batchSize);
    if (!Number.isFinite(loss) || !Number.isFinite(valLoss)) {
      throw new Error(
        `epoch ${epoch}: loss ${loss}, validation loss ${valLoss}; training diverged`,
      );
    }
    const entry = { epoch, loss, valLoss };
    history.push(entry);
    options.onEpochEnd?.(entry);
    if (best.epoch === 0 || valLoss < best.loss) {
      best = { epoch, loss: valLoss, weights: snapshotWeights(model) };
    } else if (epoch - best.epoch >= options.patience) {
      break;
    }
  }
  if (best.epoch !== history.length) restoreWeights(model, best.weights);
  return { history, bestEpoch: best.epoch, bestLoss: best.loss };
}

/** Every row trains; the validation fields describe an empty block. */
function allRowsSplit(dates: readonly string[]): ReturnType<typeof splitByDate> {
  const sorted = [...new Set(dates)].sort();
  return {
    train: Int32Array.from(dates, (_, i) => i),
    validation: new Int32Array(0),
    firstTrainDate: sorted[0]!,
    lastTrainDate: sorted.at(-1)!,
    gapDates: [],
    firstValidationDate: sorted.at(-1)!,
  };
}

/** Exactly `maxEpochs` epochs on the training block; the validation loss is not measured. */
async function fitFixedEpochs(
  model: tf.LayersModel,
  kind: NetworkKind,
  train: Block,
  k: number,
  options: EarlyStoppingOptions,
): Promise<{ history: EpochEntry[]; bestEpoch: number; bestLoss: number }> {
  const rng = createRng(options.shuffleSeed);
  const history: EpochEntry[] = [];
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    const loss = await fitEpoch(
      model,
      kind,
      train,
      k,
      permutation(train.up.length, rng),
      options.batchSize,
    );
    if (!Number.isFinite(loss)) throw new Error(`epoch ${epoch}: loss ${loss}; training diverged`);
    const entry = { epoch, loss, valLoss: Number.NaN };
    history.push(entry);
    options.onEpochEnd?.(entry);
  }
  return { history, bestEpoch: options.maxEpochs, bestLoss: Number.NaN };
}

/**
 * Trains an MLP or the logistic baseline with early stopping on the latest dates, restoring the
 * best epoch's weights. The same seed on the same backend gives bit-identical weights.
 */
export async function trainNetwork(
  kind: NetworkKind,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainedNetwork> {
  const started = performance.now();
  const {
    seed,
    maxEpochs = 30,
    batchSize = 512,
    learningRate = 1e-3,
    patience = 4,
    validationFraction = 0.15,
    gapDays = 5,
  } = options;
  if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1)) {
    throw new RangeError(`trainNetwork: maxEpochs must be a positive integer, got ${maxEpochs}`);
  }
  const n = data.dates.length;
  if (n === 0 || data.x.length % n !== 0) {
    throw new Error(`trainNetwork: ${data.x.length} feature values for ${n} rows`);
  }
  const k = data.x.length / n;
  const split = options.fixedEpochs
    ? allRowsSplit(data.dates)
    : splitByDate(data.dates, validationFraction, gapDays);
  const scaler = fitScaler(data.x, k, split.train);
  const returnScale = Math.max(
    populationStd(Float64Array.from(split.train, (r) => data.ret[r]!)),
    1e-8,
  );
  const train = block(data, k, split.train, scaler, returnScale);
  const validation = block(data, k, split.validation, scaler, returnScale);

  const model =
    kind === "mlp"
      ? buildMlp({ seed, inputSize: k, ...options.network })
      : buildLogistic({
          seed,
          inputSize: k,
          ...(options.network?.l2 === undefined ? {} : { l2: options.network.l2 }),
        });
  const optimizer = tf.train.adam(learningRate);
  model.compile({
    optimizer,
    loss:
      kind === "mlp"
        ? { [RETURN_OUTPUT]: "meanSquaredError", [UP_OUTPUT]: "binaryCrossentropy" }
        : "binaryCrossentropy",
  });

  const stopping = {
    shuffleSeed: (seed ^ 0x5bd1e995) >>> 0,
    maxEpochs,
    batchSize,
    patience,
    onEpochEnd: options.onEpochEnd,
  };
  const outcome = await (
    options.fixedEpochs
      ? fitFixedEpochs(model, kind, train, k, { ...stopping, maxEpochs: options.fixedEpochs })
      : fitWithEarlyStopping(model, kind, train, validation, k, stopping)
  )
    .catch((error: unknown) => {
      model.dispose();
      throw error;
    })
    .finally(() => optimizer.dispose());

  return {
    kind,
    model,
    scaler,
    returnScale,
    history: outcome.history,
    epochs: outcome.history.length,
    bestEpoch: outcome.bestEpoch,
    validationLoss: outcome.bestLoss,
    rows: split.train.length,
    firstDate: split.firstTrainDate,
    lastDate: split.lastTrainDate,
    validationRows: split.validation.length,
    firstValidationDate: split.firstValidationDate,
    gapDates: split.gapDates,
    durationMs: performance.now() - started,
  };
}
