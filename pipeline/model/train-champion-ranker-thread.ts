/**
 * The champion ranker's fit across both cores. With a second core, a worker thread fits every
 * branch (seed) but the last while the train stage fits the absolute network on this thread;
 * `finish` then fits the last branch here, waits for the worker's and joins them. A branch
 * depends only on its seed and the rows, so the joined weights equal a fit on one thread.
 */
import { availableParallelism } from "node:os";
import { runWorkerOnce } from "../typescript-worker.js";
import type { LabelledRows } from "./dataset.js";
import { fitRankerBranches, type BranchWeights } from "./ranker.js";
import { championRecipe } from "./recipe.js";
import { championRanker, championRankerRows } from "./train-champion-ranker.js";

interface RankerFitInit {
  /** the work folder whose model inputs `data` was read from */
  workDir: string;
  indexSymbol: string;
  seed: number;
}

/** What the worker is asked for: the branches it fits. */
export interface RankerBranchesTask extends RankerFitInit {
  branches: number[];
}

type ChampionRankerFit = Awaited<ReturnType<typeof championRanker>>;

interface StartedRankerFit {
  /** fits this thread's share, waits for the worker's, and joins them */
  finish(): Promise<ChampionRankerFit>;
}

/** Starts the fit; `data` must be the labelled rows of `init.workDir`'s model inputs. */
export function startChampionRankerFit(
  init: RankerFitInit,
  data: LabelledRows,
  threads = availableParallelism(),
): StartedRankerFit {
  const started = performance.now();
  const recipe = championRecipe();
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  const all = Array.from({ length: recipe.ensemble }, (_, b) => b);
  // one branch stays here, to fit after the absolute network; a single branch goes to the worker
  const toWorker = threads <= 1 ? [] : recipe.ensemble > 1 ? all.slice(0, -1) : all;
  const here = all.filter((b) => !toWorker.includes(b));
  const theirs =
    toWorker.length > 0
      ? runWorkerOnce<BranchWeights[]>(
          new URL("./train-champion-ranker-worker.ts", import.meta.url),
          { ...init, branches: toWorker } satisfies RankerBranchesTask,
          "ranker fit worker",
        )
      : Promise.resolve([]);
  theirs.catch(() => undefined); // awaited in finish; an early failure must not go unhandled
  return {
    async finish() {
      const rows = championRankerRows(data, (s) => s !== indexSymbol, recipe);
      const ours = await fitRankerBranches(rows.inputs, rows.label, recipe, init.seed, here);
      const fitted = [...(await theirs), ...ours];
      return championRanker(rows, recipe, init.seed, fitted, performance.now() - started);
    },
  };
}
