import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../core/random.js";
import { initBackend } from "../../pipeline/model/backend.js";
import { predictRows } from "../../pipeline/model/infer.js";
import { fitScaler } from "../../pipeline/model/scaler.js";
import { splitByDate } from "../../pipeline/model/split.js";
import {
  trainNetwork,
  type TrainedNetwork,
  type TrainingData,
} from "../../pipeline/model/train.js";

interface Synthetic extends TrainingData {
  n: number;
  x: Float32Array;
  ret: Float64Array;
  up: Uint8Array;
  dates: string[];
}

const K = 45;

/**
 * `symbols` rows per date. With a signal, the outcome is feature 0 plus noise (about 85% of the
 * signs follow feature 0); without, it is independent of every feature.
 */
function synthetic(nDates: number, symbols: number, seed: number, signal: boolean): Synthetic {
  const rng = createRng(seed);
  const n = nDates * symbols;
  const x = new Float32Array(n * K);
  const ret = new Float64Array(n);
  const up = new Uint8Array(n);
  const dates: string[] = [];
  const start = Date.UTC(2001, 0, 1);
  for (let d = 0; d < nDates; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (let s = 0; s < symbols; s++) {
      const i = d * symbols + s;
      // features off-centre and off-scale, so the scaler matters
      for (let j = 0; j < K; j++) x[i * K + j] = 2 + 3 * rng.normal();
      const z = signal ? (x[i * K]! - 2) / 3 + rng.normal(0, 0.5) : rng.normal();
      ret[i] = 0.015 * z;
      up[i] = z > 0 ? 1 : 0;
      dates.push(date);
    }
  }
  return { n, x, ret, up, dates };
}

function accuracy(net: TrainedNetwork, data: Synthetic): number {
  const p = predictRows(net.model, net.scaler, net.returnScale, data.x, data.n);
  let hits = 0;
  for (let i = 0; i < data.n; i++) hits += Number(p.probabilityUp[i]! > 0.5) === data.up[i] ? 1 : 0;
  return hits / data.n;
}

function weightBytes(model: tf.LayersModel): Uint8Array[] {
  return model.getWeights().map((w) => new Uint8Array(w.dataSync().slice().buffer));
}

beforeAll(async () => {
  expect(await initBackend("wasm")).toBe("wasm");
});

describe("splitByDate", () => {
  it("validates on the latest dates, after a gap of dropped dates", () => {
    const data = synthetic(100, 3, 1, false);
    // shuffle the row order: the split must follow dates, not positions
    const order = Array.from({ length: data.n }, (_, i) => i).reverse();
    const dates = order.map((i) => data.dates[i]!);
    const split = splitByDate(dates, 0.15, 5);
    const trainDates = Array.from(split.train, (r) => dates[r]!);
    const valDates = Array.from(split.validation, (r) => dates[r]!);
    const maxTrain = trainDates.reduce((a, b) => (a > b ? a : b));
    const minVal = valDates.reduce((a, b) => (a < b ? a : b));
    expect(maxTrain < minVal).toBe(true);
    const between = new Set(dates.filter((d) => d > maxTrain && d < minVal));
    expect(between.size).toBeGreaterThanOrEqual(5);
    expect(split.gapDates).toEqual([...between].sort());
    expect(new Set(valDates).size).toBe(15);
    expect(new Set(trainDates).size).toBe(80);
    expect(split.train.length + split.validation.length).toBe(data.n - 5 * 3);
    expect(split.lastTrainDate).toBe(maxTrain);
    expect(split.firstValidationDate).toBe(minVal);
  });

  it("refuses a period too short for train, gap and validation", () => {
    expect(() => splitByDate(["2024-01-01", "2024-01-02", "2024-01-03"], 0.3, 2)).toThrow(
      /cannot hold/,
    );
    expect(() => splitByDate(["2024-01-01"], 0, 0)).toThrow(RangeError);
  });
});

describe("trainNetwork", () => {
  const small = synthetic(150, 8, 11, true);
  const fast = { maxEpochs: 3, batchSize: 128, learningRate: 3e-3 };

  it("is bit-identical for the same seed and differs for another seed", async () => {
    const a = await trainNetwork("mlp", small, { seed: 5, ...fast });
    const b = await trainNetwork("mlp", small, { seed: 5, ...fast });
    const c = await trainNetwork("mlp", small, { seed: 6, ...fast });
    try {
      expect(weightBytes(b.model)).toEqual(weightBytes(a.model));
      expect(b.history).toEqual(a.history);
      expect(weightBytes(c.model)).not.toEqual(weightBytes(a.model));
    } finally {
      [a, b, c].forEach((t) => t.model.dispose());
    }
  });

  it("fits the scaler and return scale on the training block only", async () => {
    const split = splitByDate(small.dates, 0.15, 5);
    const a = await trainNetwork("logistic", small, { seed: 1, ...fast, maxEpochs: 1 });
    const changed = { ...small, x: small.x.slice(), ret: small.ret.slice() };
    const trainRows = new Set(split.train);
    for (let i = 0; i < small.n; i++) {
      if (trainRows.has(i)) continue;
      for (let j = 0; j < K; j++) changed.x[i * K + j] = 1000 + i;
      changed.ret[i] = 0.5;
    }
    const b = await trainNetwork("logistic", changed, { seed: 1, ...fast, maxEpochs: 1 });
    try {
      expect(b.scaler).toEqual(a.scaler);
      expect(b.returnScale).toBe(a.returnScale);
      expect(a.scaler).toEqual(fitScaler(small.x, K, split.train));
      expect(a.rows).toBe(split.train.length);
      expect(a.lastDate).toBe(split.lastTrainDate);
      expect(a.firstValidationDate).toBe(split.firstValidationDate);
      expect(a.gapDates).toHaveLength(5);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });

  it("stops early and keeps the best epoch's weights", async () => {
    // pure noise and a high learning rate: the validation loss soon rises
    const noise = synthetic(120, 10, 3, false);
    const net = await trainNetwork("mlp", noise, {
      seed: 2,
      maxEpochs: 40,
      batchSize: 64,
      learningRate: 0.02,
      patience: 2,
      network: { hidden: [64, 32], dropout: 0, l2: 0 },
    });
    try {
      const losses = net.history.map((h) => h.valLoss);
      expect(net.epochs).toBeLessThan(40);
      expect(net.epochs).toBe(net.bestEpoch + 2);
      expect(net.validationLoss).toBe(Math.min(...losses));
      expect(losses[net.bestEpoch - 1]).toBe(net.validationLoss);
      // recompute the validation loss of the returned weights on the validation block
      const split = splitByDate(noise.dates, 0.15, 5);
      const rows = Array.from(split.validation);
      const x = new Float32Array(rows.length * K);
      rows.forEach((r, i) => x.set(noise.x.subarray(r * K, (r + 1) * K), i * K));
      const p = predictRows(net.model, net.scaler, net.returnScale, x, rows.length);
      let loss = 0;
      rows.forEach((r, i) => {
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p.probabilityUp[i]!));
        loss -= noise.up[r] ? Math.log(q) : Math.log(1 - q);
        loss += ((p.expectedReturn![i]! - noise.ret[r]!) / net.returnScale) ** 2;
      });
      expect(loss / rows.length).toBeCloseTo(net.validationLoss, 4);
    } finally {
      net.model.dispose();
    }
  });

  it("learns a real signal (> 0.7 held out) and stays near 0.5 on noise", async () => {
    const train = synthetic(500, 10, 21, true);
    const heldOut = synthetic(300, 20, 22, true);
    const options = { seed: 3, maxEpochs: 10, batchSize: 256, learningRate: 3e-3 };
    const net = await trainNetwork("mlp", train, options);
    const noiseTrain = synthetic(500, 10, 23, false);
    const noiseHeldOut = synthetic(300, 20, 24, false);
    const noiseNet = await trainNetwork("mlp", noiseTrain, options);
    try {
      expect(accuracy(net, heldOut)).toBeGreaterThan(0.7);
      const p = predictRows(net.model, net.scaler, net.returnScale, heldOut.x, heldOut.n);
      // the return head follows the signal too
      let agree = 0;
      for (let i = 0; i < heldOut.n; i++)
        agree += Number(p.expectedReturn![i]! > 0) === heldOut.up[i] ? 1 : 0;
      expect(agree / heldOut.n).toBeGreaterThan(0.7);
      expect(noiseHeldOut.n).toBeGreaterThanOrEqual(5000);
      const noiseAccuracy = accuracy(noiseNet, noiseHeldOut);
      expect(noiseAccuracy).toBeGreaterThan(0.45);
      expect(noiseAccuracy).toBeLessThan(0.55);
    } finally {
      net.model.dispose();
      noiseNet.model.dispose();
    }
  });

  it("trains the logistic baseline on the same data and learns the signal", async () => {
    const train = synthetic(500, 10, 31, true);
    const heldOut = synthetic(200, 10, 32, true);
    const net = await trainNetwork("logistic", train, {
      seed: 4,
      maxEpochs: 10,
      batchSize: 256,
      learningRate: 0.02,
    });
    try {
      expect(net.model.outputNames).toEqual(["up"]);
      expect(accuracy(net, heldOut)).toBeGreaterThan(0.7);
      const p = predictRows(
        net.model,
        net.scaler,
        net.returnScale,
        heldOut.x.subarray(0, 3 * K),
        3,
      );
      expect(p.expectedReturn).toBeNull();
    } finally {
      net.model.dispose();
    }
  });

  it("leaks no tensors: the count is flat across epochs and back to the start after dispose", async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const net = await trainNetwork("mlp", small, {
      seed: 9,
      ...fast,
      maxEpochs: 4,
      patience: 10,
      onEpochEnd: () => counts.push(tf.memory().numTensors),
    });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    // only the model's own weights remain
    expect(tf.memory().numTensors - start).toBe(net.model.getWeights().length);
    net.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
