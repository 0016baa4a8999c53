/**
 * Worker thread of the evaluate stage: runs the members' ranking walk-forward on its own copy
 * of the model inputs (read from the same files), so it trains beside the absolute models on
 * the second core. Posts `{ type: "result", result }` or `{ type: "fatal", error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "../model/backend.js";
import { selectRows } from "../model/dataset.js";
import { loadModelInputs } from "../model/inputs.js";
import { runRankWalkForward } from "./rank-walk-forward.js";
import type { RankWorkerInit } from "./rank-walk-forward-thread.js";

const port = parentPort;
if (!port) throw new Error("rank-walk-forward-worker.ts runs as a worker thread only");
const init = workerData as RankWorkerInit;
try {
  await initBackend();
  const everyRow = (await loadModelInputs(init.workDir)).dataset.labelled;
  const data = selectRows(everyRow, (r) => everyRow.dates[r]! < init.before);
  const indexSymbol = data.symbols.indexOf(init.indexSymbol);
  const result = await runRankWalkForward(
    data,
    (s) => s !== indexSymbol,
    init.recipes,
    init.config,
  );
  port.postMessage({ type: "result", result });
} catch (error) {
  port.postMessage({
    type: "fatal",
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}
