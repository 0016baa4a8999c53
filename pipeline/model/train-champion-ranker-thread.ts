/**
 * The champion ranker's fit on a worker thread when the machine has a second core (the train
 * stage fits the absolute network on the first meanwhile), else on the calling thread. Both
 * run trainChampionRanker on the same rows with the same seed, so the weights are the same.
 */
import { availableParallelism } from "node:os";
import { runWorkerOnce } from "../typescript-worker.js";
import type { LabelledRows } from "./dataset.js";
import { championRecipe } from "./recipe.js";
import { trainChampionRanker } from "./train-champion-ranker.js";

export interface RankerFitInit {
  /** the work folder whose model inputs `data` was read from */
  workDir: string;
  indexSymbol: string;
  seed: number;
}

type ChampionRankerFit = Awaited<ReturnType<typeof trainChampionRanker>>;

/** Starts the fit; `data` must be the labelled rows of `init.workDir`'s model inputs. */
export function startChampionRankerFit(
  init: RankerFitInit,
  data: LabelledRows,
  threads = availableParallelism(),
): Promise<ChampionRankerFit> {
  if (threads > 1) {
    return runWorkerOnce(
      new URL("./train-champion-ranker-worker.ts", import.meta.url),
      init,
      "ranker fit worker",
    );
  }
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  return trainChampionRanker(data, (s) => s !== indexSymbol, championRecipe(), init.seed);
}
