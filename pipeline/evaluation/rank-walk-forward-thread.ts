/**
 * The ranking walk-forward on two worker threads when the machine has a second core, each
 * taking about half of the folds' training work (the absolute models' walk-forward runs beside
 * them on the calling thread), else on the calling thread. Every fold runs the same function
 * on the same rows with its own seed, so the joined scores are the same either way.
 */
import { availableParallelism } from "node:os";
import type { LabelledRows } from "../model/dataset.js";
import type { RankerRecipe } from "../model/recipe.js";
import { runWorkerOnce } from "../typescript-worker.js";
import { tradingCalendar } from "./walk-forward.js";
import {
  mergeRankResults,
  runRankWalkForward,
  splitFolds,
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

function inWorker(init: RankWorkerInit): Promise<RankWalkForwardResult> {
  return runWorkerOnce(
    new URL("./rank-walk-forward-worker.ts", import.meta.url),
    init,
    "ranking walk-forward worker",
  );
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
  if (threads > 1) {
    const shares = splitFolds(tradingCalendar(data.dates), init.config, 2);
    return Promise.all(
      shares.map((onlyFolds) => inWorker({ ...init, config: { ...init.config, onlyFolds } })),
    ).then(mergeRankResults);
  }
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  return runRankWalkForward(data, (s) => s !== indexSymbol, init.recipes, init.config);
}
