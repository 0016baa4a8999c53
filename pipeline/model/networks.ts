/**
 * The networks: a small two-headed MLP (next-day log return and probability of a rise) and the
 * logistic-regression baseline on the same features. Every initialiser and dropout mask is
 * seeded, so a seed fixes the trained weights.
 */
import * as tf from "./tf.js";

export type NetworkKind = "mlp" | "logistic";

/** Output layer names; the trainer and `predictRows` find the heads by these. */
export const RETURN_OUTPUT = "ret";
export const UP_OUTPUT = "up";

interface SeededDropoutConfig {
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Dropout whose mask changes on every training call yet is reproducible. The stock layer,
 * given a seed, draws the SAME mask on every call (tf.dropout re-seeds its generator each
 * time), so each batch position would always lose the same units; here call k uses seed+k.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = "SeededDropout";
  private readonly rate: number;
  private readonly seed: number;
  private calls = 0;

  constructor(config: SeededDropoutConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    this.rate = config.rate;
    this.seed = config.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs["training"] !== true || this.rate === 0) return x;
    const seed = (this.seed + Math.imul(this.calls++, 0x9e3779b1)) >>> 0;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

interface MlpOptions {
  seed: number;
  inputSize?: number;
  hidden?: number[];
  dropout?: number;
  l2?: number;
}

interface LogisticOptions {
  seed: number;
  inputSize?: number;
  l2?: number;
}

function dense(
  units: number,
  seed: number,
  l2: number,
  extra: { activation?: "relu" | "sigmoid" | "linear"; name?: string },
): tf.layers.Layer {
  return tf.layers.dense({
    units,
    ...extra,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
    ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}),
  });
}

/** inputs -> [dense relu -> dropout]* -> { ret: linear, up: sigmoid } */
export function buildMlp(options: MlpOptions): tf.LayersModel {
  const { seed, inputSize = 45, hidden = [32, 16], dropout = 0.1, l2 = 1e-4 } = options;
  const input = tf.input({ shape: [inputSize], name: "features" });
  let h: tf.SymbolicTensor = input;
  hidden.forEach((units, i) => {
    h = dense(units, seed + 2 * i, l2, { activation: "relu", name: `hidden_${i + 1}` }).apply(
      h,
    ) as tf.SymbolicTensor;
    if (dropout > 0) {
      const layer = new SeededDropout({
        rate: dropout,
        seed: seed + 2 * i + 1,
        name: `dropout_${i + 1}`,
      });
      h = layer.apply(h) as tf.SymbolicTensor;
    }
  });
  const headSeed = seed + 2 * hidden.length;
  const ret = dense(1, headSeed, l2, { name: RETURN_OUTPUT }).apply(h) as tf.SymbolicTensor;
  const up = dense(1, headSeed + 1, l2, { activation: "sigmoid", name: UP_OUTPUT }).apply(
    h,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [ret, up], name: "mlp" });
}

/** One sigmoid unit on the same inputs: logistic regression, the baseline. */
export function buildLogistic(options: LogisticOptions): tf.LayersModel {
  const { seed, inputSize = 45, l2 = 1e-4 } = options;
  const input = tf.input({ shape: [inputSize], name: "features" });
  const up = dense(1, seed, l2, { activation: "sigmoid", name: UP_OUTPUT }).apply(
    input,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: up, name: "logistic" });
}
