/**
 * The sources each model stage depends on, kept apart from the stages so the lazy wrappers in
 * run.ts can name them without importing TensorFlow.js.
 */
export const CODE_PATHS = {
  train: [
    "pipeline/stages/train.ts",
    "pipeline/model",
    "pipeline/recipes",
    "pipeline/evaluation/random.ts",
    "pipeline/typescript-worker.ts",
    "pipeline/registry/store.ts",
    "pipeline/indicators/registry.ts",
  ],
  evaluate: [
    "pipeline/stages/evaluate.ts",
    "pipeline/evaluation",
    "pipeline/model",
    "pipeline/recipes",
    "pipeline/typescript-worker.ts",
    "pipeline/indicators",
  ],
  register: ["pipeline/stages/register.ts", "pipeline/registry"],
  forecast: [
    "pipeline/stages/forecast.ts",
    "pipeline/forecast",
    "pipeline/model",
    "pipeline/evaluation",
    "pipeline/indicators",
  ],
} as const;
