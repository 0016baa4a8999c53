/**
 * Worker thread of the train stage: fits its share of the champion ranker's branches on its
 * own copy of the model inputs (read from the same files) while the stage fits the absolute
 * network. Answers once, with the branches' weights.
 */
import { answerOnce } from "../typescript-worker.js";
import { initBackend } from "./backend.js";
import { loadModelInputs } from "./inputs.js";
import { championRecipe } from "./recipe.js";
import type { RankerBranchesTask } from "./train-champion-ranker-thread.js";
import { fitRankerBranches } from "./ranker.js";
import { championRankerRows } from "./train-champion-ranker.js";

await answerOnce(async (task: RankerBranchesTask) => {
  await initBackend();
  const data = (await loadModelInputs(task.workDir)).dataset.labelled;
  const indexSymbol = data.symbols.indexOf(task.indexSymbol);
  const recipe = championRecipe();
  const rows = championRankerRows(data, (s) => s !== indexSymbol, recipe);
  return fitRankerBranches(rows.inputs, rows.label, recipe, task.seed, task.branches);
});
