/**
 * Worker threads that run the project's TypeScript: tsx's loader is not inherited by a worker
 * thread, so the worker's source registers it before importing the entry module.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

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
