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

/**
 * Trains the recipe's branches on rows with a finite label and joins them: the score is the
 * mean of the branches' scores. The same seed on the same backend gives bit-identical weights.
 */
export async function trainRanker(
  x: Float32Array,
  label: Float32Array,
  recipe: RankerRecipe,
  seed: number,
): Promise<TrainedRanker> {
  const started = performance.now();
  const n = label.length;
  if (n === 0 || x.length % n !== 0) throw new Error(`trainRanker: ${x.length} values, ${n} rows`);
  const k = x.length / n;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(label[i]!)) keep.push(i);
  if (keep.length === 0) throw new Error("trainRanker: no labelled rows");
  const xs = new Float32Array(keep.length * k);
  keep.forEach((r, i) => xs.set(x.subarray(r * k, (r + 1) * k), i * k));
  const ys = Float32Array.from(keep, (r) => label[r]!);

  const branches: tf.LayersModel[] = [];
  for (let b = 0; b < recipe.ensemble; b++) {
    const branchSeed = seed + 1000 * b;
    const branch = buildBranch(recipe, k, branchSeed, `m${b}`);
    await fitBranch(branch, xs, ys, k, recipe, branchSeed);
    branches.push(branch);
  }
  const input = tf.input({ shape: [k], name: RANKER_INPUT });
  const outs = branches.map((b) => b.apply(input) as tf.SymbolicTensor);
  const joined =
    outs.length === 1
      ? (tf.layers
          .reshape({ targetShape: [1], name: SCORE_OUTPUT })
          .apply(outs[0]!) as tf.SymbolicTensor)
      : (tf.layers.average({ name: SCORE_OUTPUT }).apply(outs) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: joined, name: "ranker" });
  return { model, rows: keep.length, durationMs: performance.now() - started };
}
