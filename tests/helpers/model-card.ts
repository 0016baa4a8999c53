import type { ModelCard } from "../../core/contracts.js";

/** A valid model card for registry tests; the fields that matter are overridden by the caller. */
export function makeCard(version: number, overrides: Partial<ModelCard> = {}): ModelCard {
  return {
    schemaVersion: 1,
    name: "sensex-next-day",
    version,
    createdAt: "2026-01-01T00:00:00.000Z",
    kind: "mlp",
    backend: "cpu",
    lineage: { dataHash: "d", featureSetHash: "f", configHash: "c", codeCommit: "abc" },
    signature: {
      featureNames: Array.from({ length: 45 }, (_, i) => `f${i}`),
      inputShape: [null, 45],
      outputs: [
        { name: "ret", shape: [null, 1] },
        { name: "up", shape: [null, 1] },
      ],
    },
    scaler: { mean: new Array(45).fill(0), std: new Array(45).fill(1) },
    returnScale: 0.01,
    training: {
      rows: 100,
      firstDate: "2000-01-03",
      lastDate: "2020-01-01",
      epochs: 3,
      bestEpoch: 2,
      validationLoss: 1,
      seed: 42,
      durationMs: 10,
    },
    conformal: { scores: [1, 2], alphas: { "0.8": 0.2 } },
    calibration: null,
    metrics: { brierSkill: 0.001, accuracy: 0.52 },
    gates: [{ name: "too-good", passed: true, detail: "ok" }],
    decision: null,
    ...overrides,
  };
}
