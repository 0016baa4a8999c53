import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../pipeline/model/backend.js";
import { SeededDropout, buildLogistic, buildMlp } from "../../pipeline/model/networks.js";

beforeAll(async () => {
  await initBackend("wasm");
});

function mask(layer: SeededDropout, training: boolean): number[] {
  return tf.tidy(() => Array.from(layer.call(tf.ones([4, 16]), { training }).dataSync()));
}

describe("networks", () => {
  it("builds the MLP with a return head and a probability head", () => {
    const model = buildMlp({ seed: 1 });
    try {
      expect(model.inputs[0]!.shape).toEqual([null, 45]);
      expect(model.outputNames).toEqual(["ret", "up"]);
      expect(model.outputs.map((o) => o.shape)).toEqual([
        [null, 1],
        [null, 1],
      ]);
      const [ret, up] = tf.tidy(() =>
        (model.predict(tf.randomNormal([64, 45], 0, 3, "float32", 1)) as tf.Tensor[]).map((t) =>
          Array.from(t.dataSync()),
        ),
      ) as [number[], number[]];
      expect(up.every((p) => p > 0 && p < 1)).toBe(true);
      expect(ret.some((r) => r < 0) && ret.some((r) => r > 0)).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it("builds the logistic baseline as one sigmoid unit", () => {
    const model = buildLogistic({ seed: 1, inputSize: 7 });
    try {
      expect(model.outputNames).toEqual(["up"]);
      expect(model.countParams()).toBe(8);
    } finally {
      model.dispose();
    }
  });

  it("seeds the initial weights", () => {
    const weights = (seed: number) => {
      const model = buildMlp({ seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it("draws a new dropout mask on every training call, reproducibly, and none at inference", () => {
    const a = new SeededDropout({ rate: 0.5, seed: 7 });
    const b = new SeededDropout({ rate: 0.5, seed: 7 });
    const a1 = mask(a, true);
    const a2 = mask(a, true);
    expect(a1).not.toEqual(a2);
    expect(a1.filter((v) => v === 0).length).toBeGreaterThan(10);
    expect(new Set(a1)).toEqual(new Set([0, 2]));
    expect([mask(b, true), mask(b, true)]).toEqual([a1, a2]);
    expect(mask(a, false).every((v) => v === 1)).toBe(true);
  });
});
