/**
 * Who computes a replayed day's forecasts: a pool of worker threads (the default; the
 * indicators on a ~630-bar window per symbol per day dominate the replay's time, and the
 * workers compute them while the main thread validates and trains), or the main thread itself.
 * Both run `forecastDay` with the one predictor, so they give the same numbers.
 *
 * Protocol: the worker gets `WorkerInit` as workerData, loads the price files and posts
 * `ready`; then it answers each `DayTask` message, in order, with `result` or `error`.
 */
import type { Worker } from "node:worker_threads";
import type { SymbolInfo } from "../../core/contracts.js";
import type { ValidateOptions } from "../quality/rules.js";
import { PredictorCache, forecastDay, type DayResult, type DayTask } from "./forecast-day.js";
import type { SymbolHistory } from "./history.js";
import { startTypescriptWorker } from "../typescript-worker.js";

export interface WorkerInit {
  dir: string;
  symbols: SymbolInfo[];
  validate: ValidateOptions;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "fatal"; error: string }
  | { type: "result"; id: number; results: DayResult[] }
  | { type: "error"; id: number; error: string };

export interface Forecaster {
  /** "in-process" or "N worker thread(s)" */
  readonly mode: string;
  /** true when tasks run beside the main thread (so it may train meanwhile) */
  readonly concurrent: boolean;
  submit(task: DayTask): Promise<DayResult[]>;
  close(): Promise<void>;
}

/** The main thread forecasts, one task after the other. */
export function inProcessForecaster(
  histories: ReadonlyMap<string, SymbolHistory>,
  validate: ValidateOptions,
): Forecaster {
  const cache = new PredictorCache();
  let chain: Promise<unknown> = Promise.resolve();
  return {
    mode: "in-process",
    concurrent: false,
    submit(task) {
      const result = chain.then(async () =>
        forecastDay(await cache.get(task.model), histories, task.day, task.symbols, validate),
      );
      chain = result.catch(() => undefined);
      return result;
    },
    async close() {
      await chain;
      cache.dispose();
    },
  };
}

const STARTUP_TIMEOUT_MS = 120_000;

function startWorker(init: WorkerInit): Promise<Worker> {
  const worker = startTypescriptWorker(new URL("./forecast-worker.ts", import.meta.url), init);
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      void worker.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS,
    );
    worker.once("error", fail);
    worker.once("message", (message: WorkerMessage) => {
      if (message.type !== "ready") {
        fail(new Error(message.type === "fatal" ? message.error : `sent ${message.type} first`));
        return;
      }
      clearTimeout(timer);
      worker.off("error", fail);
      resolve(worker);
    });
  });
}

interface Pending {
  resolve: (results: DayResult[]) => void;
  reject: (error: Error) => void;
}

/**
 * `count` worker threads; task i goes to worker i mod count (the tasks of a replay are days of
 * the same size), and each worker keeps its own queue, so no worker waits for the main thread.
 */
export async function workerPoolForecaster(count: number, init: WorkerInit): Promise<Forecaster> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(init)));
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  const pending = workers.map(() => new Map<number, Pending>());
  let broken: Error | null = null;
  let closing = false;
  const breakAll = (error: Error) => {
    broken ??= error;
    for (const jobs of pending) {
      for (const job of jobs.values()) job.reject(error);
      jobs.clear();
    }
  };
  workers.forEach((worker, w) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type !== "result" && message.type !== "error") return;
      const job = pending[w]!.get(message.id);
      pending[w]!.delete(message.id);
      if (message.type === "result") job?.resolve(message.results);
      else job?.reject(new Error(message.error));
    });
    worker.on("error", (error) => breakAll(new Error(`forecast worker failed: ${error.message}`)));
    worker.on("exit", (code) => {
      if (!closing) breakAll(new Error(`forecast worker exited with code ${code}`));
    });
  });
  let next = 0;
  return {
    mode: `${workers.length} worker thread(s)`,
    concurrent: true,
    submit(task) {
      if (broken) return Promise.reject(broken);
      const w = next++ % workers.length;
      return new Promise<DayResult[]>((resolve, reject) => {
        pending[w]!.set(task.id, { resolve, reject });
        workers[w]!.postMessage(task);
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
