/**
 * Lineage of a model: which data, feature set, configuration and code produced it.
 */
import { execFileSync } from "node:child_process";
import type { Config } from "../../core/config.js";
import { sha256 } from "../../core/store.js";
import type { ModelCard } from "../../core/contracts.js";
import { FEATURE_NAMES } from "../indicators/registry.js";
import { championRecipe, recipeHash } from "./recipe.js";
import type { TrainOptions, TrainedNetwork } from "./train.js";

/** The configuration keys that change what a training run produces. */
export function trainOptions(config: Config): Omit<TrainOptions, "seed" | "onEpochEnd"> {
  return {
    maxEpochs: config.TRAIN_MAX_EPOCHS,
    batchSize: config.TRAIN_BATCH_SIZE,
    learningRate: config.TRAIN_LEARNING_RATE,
    patience: config.TRAIN_PATIENCE,
    validationFraction: config.TRAIN_VALIDATION_FRACTION,
    gapDays: config.TRAIN_GAP_DAYS,
  };
}

export function modelConfigHash(config: Config): string {
  return sha256(
    JSON.stringify({
      seed: config.MODEL_SEED,
      train: trainOptions(config),
      ranker: recipeHash(championRecipe()),
      walkForward: [
        config.WALK_FORWARD_FIRST_TEST_DATE,
        config.WALK_FORWARD_REFIT_EVERY,
        config.WALK_FORWARD_EMBARGO_DAYS,
      ],
    }),
  );
}

/** The commit being run: GitHub's, else git's, else "unknown" (a tarball without .git). */
export function codeCommit(): string {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

/** The parts of a model card that describe the trained network itself. */
export function trainedNetworkCard(
  trained: TrainedNetwork,
  seed: number,
): Pick<ModelCard, "signature" | "scaler" | "returnScale" | "training"> {
  return {
    signature: {
      featureNames: [...FEATURE_NAMES],
      inputShape: [null, FEATURE_NAMES.length],
      outputs: [
        { name: "ret", shape: [null, 1] },
        { name: "up", shape: [null, 1] },
      ],
    },
    scaler: { mean: [...trained.scaler.mean], std: [...trained.scaler.std] },
    returnScale: trained.returnScale,
    training: {
      rows: trained.rows,
      firstDate: trained.firstDate,
      lastDate: trained.lastDate,
      epochs: trained.epochs,
      bestEpoch: trained.bestEpoch,
      validationLoss: trained.validationLoss,
      seed,
      durationMs: trained.durationMs,
    },
  };
}
