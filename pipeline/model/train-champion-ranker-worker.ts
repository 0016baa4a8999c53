/**
 * Worker thread of the train stage: fits the champion ranker on its own copy of the model
 * inputs (read from the same files) while the stage fits the absolute network. Answers once.
 */
import { answerOnce } from "../typescript-worker.js";
import { initBackend } from "./backend.js";
import { loadModelInputs } from "./inputs.js";
import { championRecipe } from "./recipe.js";
import type { RankerFitInit } from "./train-champion-ranker-thread.js";
import { trainChampionRanker } from "./train-champion-ranker.js";

await answerOnce(async (init: RankerFitInit) => {
  await initBackend();
  const data = (await loadModelInputs(init.workDir)).dataset.labelled;
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  return trainChampionRanker(data, (s) => s !== indexSymbol, championRecipe(), init.seed);
});
