/**
 * Worker threads that run the project's TypeScript: tsx's loader is not inherited by a worker
 * thread, so the worker's source registers it before importing the entry module.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, parentPort, workerData } from "node:worker_threads";

export function typescriptWorkerSource(entry: URL): string {
  // the ESM build of tsx's API (its CommonJS build cannot be loaded from an eval'd worker)
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  return [
    `import(${JSON.stringify(tsxApi)})`,
    `  .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`,
    `  .catch((error) => {`,
    `    require("node:worker_threads").parentPort.postMessage({ type: "fatal", error: String((error && error.stack) || error) });`,
    `  });`,
  ].join("\n");
}

export function startTypescriptWorker(entry: URL, workerData: unknown): Worker {
  return new Worker(typescriptWorkerSource(entry), { eval: true, workerData });
}

type OneShotMessage<T> = { type: "result"; result: T } | { type: "fatal"; error: string };

/**
 * Runs one job on a worker thread: the entry module answers once through `answerOnce`. The
 * promise rejects with `label` in the message if the job fails or the thread dies.
 */
export function runWorkerOnce<T>(entry: URL, workerData: unknown, label: string): Promise<T> {
  const worker = startTypescriptWorker(entry, workerData);
  return new Promise<T>((resolve, reject) => {
    worker.once("message", (message: OneShotMessage<T>) => {
      if (message.type === "result") resolve(message.result);
      else reject(new Error(`${label}: ${message.error}`));
    });
    worker.once("error", (error) => reject(new Error(`${label}: ${error.message}`)));
    worker.once("exit", (code) => reject(new Error(`${label} exited with code ${code}`)));
  }).finally(() => void worker.terminate());
}

/** The worker side of `runWorkerOnce`: runs the job on the thread's workerData, posts once. */
export async function answerOnce<I, T>(job: (init: I) => Promise<T>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("answerOnce: not on a worker thread");
  try {
    const result = await job(workerData as I);
    port.postMessage({ type: "result", result } satisfies OneShotMessage<T>);
  } catch (error) {
    port.postMessage({
      type: "fatal",
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies OneShotMessage<T>);
  }
}
