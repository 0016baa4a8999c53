import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../core/random.js";
import { initBackend } from "../../pipeline/model/backend.js";
import { predictRows, predictScaled } from "../../pipeline/model/infer.js";
import { transform } from "../../pipeline/model/scaler.js";
import { loadModelArtifacts, saveModelArtifacts } from "../../pipeline/model/serialize.js";
import { trainNetwork, type TrainedNetwork } from "../../pipeline/model/train.js";

const K = 45;
const N = 600;
const rng = createRng(99);
const x = Float32Array.from({ length: N * K }, () => rng.normal(1, 2));
const ret = Float64Array.from(
  { length: N },
  (_, i) => 0.01 * (x[i * K]! - 1) + rng.normal(0, 0.01),
);
const data = {
  x,
  ret,
  up: Uint8Array.from(ret, (r) => (r > 0 ? 1 : 0)),
  dates: Array.from({ length: N }, (_, i) =>
    new Date(Date.UTC(2020, 0, 1) + Math.floor(i / 4) * 86_400_000).toISOString().slice(0, 10),
  ),
};

let mlp: TrainedNetwork;
let logistic: TrainedNetwork;

beforeAll(async () => {
  await initBackend("wasm");
  mlp = await trainNetwork("mlp", data, { seed: 1, maxEpochs: 2, batchSize: 64 });
  logistic = await trainNetwork("logistic", data, { seed: 1, maxEpochs: 2, batchSize: 64 });
});

afterAll(() => {
  mlp.model.dispose();
  logistic.model.dispose();
});

describe("saveModelArtifacts / loadModelArtifacts", () => {
  it("round-trips to bit-identical predictions and identical bytes", async () => {
    for (const net of [mlp, logistic]) {
      const saved = await saveModelArtifacts(net.model);
      const loaded = await loadModelArtifacts(saved.modelJson, saved.weights);
      try {
        const before = predictRows(net.model, net.scaler, net.returnScale, x, N);
        const after = predictRows(loaded, net.scaler, net.returnScale, x, N);
        expect(after).toEqual(before);
        const again = await saveModelArtifacts(loaded);
        expect(again.modelJson).toBe(saved.modelJson);
        expect(Buffer.from(again.weights).equals(Buffer.from(saved.weights))).toBe(true);
      } finally {
        loaded.dispose();
      }
    }
  });

  it("writes the tfjs layers format with a manifest pointing at weights.bin", async () => {
    const saved = await saveModelArtifacts(mlp.model);
    const json = JSON.parse(saved.modelJson);
    expect(json.format).toBe("layers-model");
    expect(json.modelTopology.class_name).toBe("Model");
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(["weights.bin"]);
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names).toEqual([
      "hidden_1/kernel",
      "hidden_1/bias",
      "hidden_2/kernel",
      "hidden_2/bias",
      "ret/kernel",
      "ret/bias",
      "up/kernel",
      "up/bias",
    ]);
    // 45*32+32 + 32*16+16 + 2*(16+1) float32 values
    expect(saved.weights.byteLength).toBe(4 * (45 * 32 + 32 + 32 * 16 + 16 + 34));
  });

  it("refuses weights that do not match the manifest", async () => {
    const saved = await saveModelArtifacts(logistic.model);
    await expect(loadModelArtifacts(saved.modelJson, saved.weights.subarray(4))).rejects.toThrow(
      /weight bytes/,
    );
    await expect(loadModelArtifacts("{}", saved.weights)).rejects.toThrow(/modelTopology/);
  });
});

describe("predictRows", () => {
  it("unscales the return head and gives the same numbers in any batch size", () => {
    const whole = predictRows(mlp.model, mlp.scaler, mlp.returnScale, x, N);
    const small = predictRows(mlp.model, mlp.scaler, mlp.returnScale, x, N, 7);
    expect(small).toEqual(whole);
    expect(whole.probabilityUp.every((p) => p > 0 && p < 1)).toBe(true);
    const row = x.subarray(0, K);
    const before = tf.memory().numTensors;
    const raw = predictScaled(mlp.model, transform(mlp.scaler, row), 1);
    expect(tf.memory().numTensors).toBe(before);
    const one = predictRows(mlp.model, mlp.scaler, mlp.returnScale, row, 1);
    expect(one.expectedReturn![0]).toBe(raw.ret![0]! * mlp.returnScale);
    expect(one.probabilityUp[0]).toBe(raw.up[0]);
  });

  it("rejects a feature array of the wrong size", () => {
    expect(() => predictRows(mlp.model, mlp.scaler, mlp.returnScale, x, N - 1)).toThrow(
      /values for/,
    );
  });
});
