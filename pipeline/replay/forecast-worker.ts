/**
 * Worker thread of the replay: loads the price files once, then answers day tasks one after
 * the other with `forecastDay` (see forecasters.ts for the protocol).
 */
import { parentPort, workerData } from "node:worker_threads";
import { PredictorCache, forecastDay, type DayTask } from "./forecast-day.js";
import { loadHistories } from "./history.js";
import type { WorkerInit, WorkerMessage } from "./forecasters.js";

const port = parentPort;
if (!port) throw new Error("forecast-worker.ts runs as a worker thread only");
const post = (message: WorkerMessage) => port.postMessage(message);
const init = workerData as WorkerInit;
const errorText = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

try {
  const histories = new Map(
    (await loadHistories(init.dir, init.symbols)).map((h) => [h.info.symbol, h]),
  );
  const cache = new PredictorCache();
  let chain = Promise.resolve();
  port.on("message", (task: DayTask) => {
    chain = chain.then(async () => {
      try {
        const predictor = await cache.get(task.model);
        const results = forecastDay(predictor, histories, task.day, task.symbols, init.validate);
        post({ type: "result", id: task.id, results });
      } catch (error) {
        post({ type: "error", id: task.id, error: errorText(error) });
      }
    });
  });
  post({ type: "ready" });
} catch (error) {
  post({ type: "fatal", error: errorText(error) });
}
