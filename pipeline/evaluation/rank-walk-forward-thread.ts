/**
 * The ranking walk-forward on a worker thread when the machine has a second core (the
 * absolute models' walk-forward keeps the first busy), else on the calling thread. Both run
 * the same function on the same rows, so the scores are the same.
 */
import { availableParallelism } from "node:os";
import type { LabelledRows } from "../model/dataset.js";
import type { RankerRecipe } from "../model/recipe.js";
import { startTypescriptWorker } from "../typescript-worker.js";
import {
  runRankWalkForward,
  type RankWalkForwardConfig,
  type RankWalkForwardResult,
} from "./rank-walk-forward.js";

export interface RankWorkerInit {
  workDir: string;
  indexSymbol: string;
  recipes: RankerRecipe[];
  config: RankWalkForwardConfig;
  /** only the rows dated before this are evaluated */
  before: string;
}

type WorkerMessage =
  { type: "result"; result: RankWalkForwardResult } | { type: "fatal"; error: string };

function inWorker(init: RankWorkerInit): Promise<RankWalkForwardResult> {
  const worker = startTypescriptWorker(
    new URL("./rank-walk-forward-worker.ts", import.meta.url),
    init,
  );
  return new Promise<RankWalkForwardResult>((resolve, reject) => {
    worker.once("message", (message: WorkerMessage) => {
      if (message.type === "result") resolve(message.result);
      else reject(new Error(`ranking walk-forward worker: ${message.error}`));
    });
    worker.once("error", (error) =>
      reject(new Error(`ranking walk-forward worker: ${error.message}`)),
    );
    worker.once("exit", (code) =>
      reject(new Error(`ranking walk-forward worker exited with code ${code}`)),
    );
  }).finally(() => void worker.terminate());
}

/**
 * Starts the ranking walk-forward; `data` must be the labelled rows read from `init.workDir`
 * (used when no second core is there).
 */
export function startRankWalkForward(
  init: RankWorkerInit,
  data: LabelledRows,
  threads = availableParallelism(),
): Promise<RankWalkForwardResult> {
  if (threads > 1) return inWorker(init);
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  return runRankWalkForward(data, (s) => s !== indexSymbol, init.recipes, init.config);
}
