/**
 * Worker thread of the evaluate stage: runs its share of the members' ranking walk-forward
 * folds on its own copy of the model inputs (read from the same files), beside the absolute
 * models. Answers once (see runWorkerOnce).
 */
import { initBackend } from "../model/backend.js";
import { selectRows } from "../model/dataset.js";
import { loadModelInputs } from "../model/inputs.js";
import { answerOnce } from "../typescript-worker.js";
import { runRankWalkForward } from "./rank-walk-forward.js";
import type { RankWorkerInit } from "./rank-walk-forward-thread.js";

await answerOnce(async (init: RankWorkerInit) => {
  await initBackend();
  const everyRow = (await loadModelInputs(init.workDir)).dataset.labelled;
  const data = selectRows(everyRow, (r) => everyRow.dates[r]! < init.before);
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  return runRankWalkForward(data, (s) => s !== indexSymbol, init.recipes, init.config);
});
