/**
 * The members' ranker: a TensorFlow.js network from the per-day processed features to one
 * score, trained on the per-day rank of the next session's return (mean squared error), for a
 * fixed number of epochs that the walk-forward recipe choice set. Seed ensembling trains one
 * branch per seed and averages their scores in one model, so the ensemble saves and loads as
 * a single tfjs layers model.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../core/random.js";
import { SeededDropout } from "./networks.js";
import { permutation } from "./train.js";
import type { RankerRecipe } from "./recipe.js";

const SCORE_OUTPUT = "score";
const RANKER_INPUT = "ranker_features";

/** One branch: inputs -> [dense relu -> dropout]* -> linear score (no hidden layers: linear). */
function buildBranch(recipe: RankerRecipe, inputSize: number, seed: number, tag: string) {
  const input = tf.input({ shape: [inputSize], name: `${RANKER_INPUT}_${tag}` });
  const l2 = recipe.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: recipe.l2 }) } : {};
  let h: tf.SymbolicTensor = input;
  recipe.hidden.forEach((units, i) => {
    h = tf.layers
      .dense({
        units,
        activation: "relu",
        name: `${tag}_hidden_${i + 1}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 * i }),
        ...l2,
      })
      .apply(h) as tf.SymbolicTensor;
    if (recipe.dropout > 0) {
      h = new SeededDropout({
        rate: recipe.dropout,
        seed: seed + 2 * i + 1,
        name: `${tag}_dropout_${i + 1}`,
      }).apply(h) as tf.SymbolicTensor;
    }
  });
  const out = tf.layers
    .dense({
      units: 1,
      name: `${tag}_score`,
      // the signal is small (a daily rank IC of a few per cent): a random start of glorot's
      // size would take most of the training budget to unlearn
      kernelInitializer: "zeros",
      ...l2,
    })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: `branch_${tag}` });
}

async function fitBranch(
  model: tf.LayersModel,
  x: Float32Array,
  y: Float32Array,
  k: number,
  recipe: RankerRecipe,
  seed: number,
): Promise<void> {
  const n = y.length;
  const optimizer = tf.train.adam(recipe.learningRate);
  model.compile({ optimizer, loss: "meanSquaredError" });
  try {
    for (let epoch = 0; epoch < recipe.epochs; epoch++) {
      const order = permutation(
        n,
        createRng((seed ^ 0x5bd1e995 ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0),
      );
      const xs = new Float32Array(n * k);
      const ys = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = order[i]!;
        xs.set(x.subarray(r * k, (r + 1) * k), i * k);
        ys[i] = y[r]!;
      }
      const xt = tf.tensor2d(xs, [n, k]);
      const yt = tf.tensor2d(ys, [n, 1]);
      try {
        const h = await model.fit(xt, yt, {
          epochs: 1,
          batchSize: recipe.batchSize,
          shuffle: false,
          verbose: 0,
          yieldEvery: "never",
        });
        const loss = Number(h.history["loss"]![0]);
        if (!Number.isFinite(loss)) throw new Error(`ranker epoch ${epoch + 1}: loss ${loss}`);
      } finally {
        tf.dispose([xt, yt]);
      }
    }
  } finally {
    optimizer.dispose();
  }
}

interface TrainedRanker {
  model: tf.LayersModel;
  rows: number;
  durationMs: number;
}

/** One trained branch's weights, plain arrays, so a worker thread can hand them over. */
export interface BranchWeights {
  branch: number;
  weights: { shape: number[]; values: Float32Array }[];
}

/** The labelled rows of a row-major input matrix, gathered. */
function labelledRows(x: Float32Array, label: Float32Array) {
  const n = label.length;
  if (n === 0 || x.length % n !== 0) throw new Error(`ranker fit: ${x.length} values, ${n} rows`);
  const k = x.length / n;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(label[i]!)) keep.push(i);
  if (keep.length === 0) throw new Error("ranker fit: no labelled rows");
  const xs = new Float32Array(keep.length * k);
  keep.forEach((r, i) => xs.set(x.subarray(r * k, (r + 1) * k), i * k));
  return { xs, ys: Float32Array.from(keep, (r) => label[r]!), k };
}

const branchSeed = (seed: number, branch: number) => seed + 1000 * branch;

/**
 * Trains some of the recipe's branches (by index) on the rows with a finite label. A branch
 * depends only on its index and the seed, so branches fitted on different threads join into
 * the same model as branches fitted one after another.
 */
export async function fitRankerBranches(
  x: Float32Array,
  label: Float32Array,
  recipe: RankerRecipe,
  seed: number,
  branches: readonly number[],
): Promise<BranchWeights[]> {
  const { xs, ys, k } = labelledRows(x, label);
  const out: BranchWeights[] = [];
  for (const b of branches) {
    if (!Number.isInteger(b) || b < 0 || b >= recipe.ensemble) {
      throw new Error(`fitRankerBranches: no branch ${b} in a ${recipe.ensemble}-seed recipe`);
    }
    const model = buildBranch(recipe, k, branchSeed(seed, b), `m${b}`);
    try {
      await fitBranch(model, xs, ys, k, recipe, branchSeed(seed, b));
      out.push({
        branch: b,
        weights: model
          .getWeights()
          .map((w) => ({ shape: [...w.shape], values: w.dataSync() as Float32Array })),
      });
    } finally {
      model.dispose();
    }
  }
  return out;
}

/**
 * The ranker from every branch's weights: the score is the mean of the branches' scores. The
 * seed must be the fit's, as the saved layer config records it.
 */
export function joinRankerBranches(
  recipe: RankerRecipe,
  inputSize: number,
  seed: number,
  fitted: readonly BranchWeights[],
): tf.LayersModel {
  const byBranch = new Map(fitted.map((f) => [f.branch, f]));
  const branches: tf.LayersModel[] = [];
  for (let b = 0; b < recipe.ensemble; b++) {
    const weights = byBranch.get(b);
    if (!weights) throw new Error(`joinRankerBranches: branch ${b} was not fitted`);
    const branch = buildBranch(recipe, inputSize, branchSeed(seed, b), `m${b}`);
    const tensors = weights.weights.map((w) => tf.tensor(w.values, w.shape));
    branch.setWeights(tensors);
    tf.dispose(tensors);
    branches.push(branch);
  }
  const input = tf.input({ shape: [inputSize], name: RANKER_INPUT });
  const outs = branches.map((b) => b.apply(input) as tf.SymbolicTensor);
  const joined =
    outs.length === 1
      ? (tf.layers
          .reshape({ targetShape: [1], name: SCORE_OUTPUT })
          .apply(outs[0]!) as tf.SymbolicTensor)
      : (tf.layers.average({ name: SCORE_OUTPUT }).apply(outs) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: joined, name: "ranker" });
}

/** Counts the rows a ranker fit trains on (those with a finite label). */
export function labelledCount(label: Float32Array): number {
  let n = 0;
  for (const v of label) if (Number.isFinite(v)) n++;
  return n;
}

/**
 * Trains every branch of the recipe on rows with a finite label and joins them. The same seed
 * on the same backend gives bit-identical weights.
 */
export async function trainRanker(
  x: Float32Array,
  label: Float32Array,
  recipe: RankerRecipe,
  seed: number,
): Promise<TrainedRanker> {
  const started = performance.now();
  const all = Array.from({ length: recipe.ensemble }, (_, b) => b);
  const fitted = await fitRankerBranches(x, label, recipe, seed, all);
  const model = joinRankerBranches(recipe, x.length / label.length, seed, fitted);
  return { model, rows: labelledCount(label), durationMs: performance.now() - started };
}
