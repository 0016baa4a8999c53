/**
 * Holds the bundle being served and swaps in a new one. A request reads `current` once and
 * uses that bundle to the end, and a prediction runs synchronously, so swapping the reference
 * never fails a request in flight. A bundle that fails to load is refused and the old one
 * keeps serving.
 */
import { EventEmitter } from "node:events";
import type { FastifyBaseLogger } from "fastify";
import type { ServingBundle } from "./serving-bundle.js";

type ReadinessStatus = "starting" | "loading" | "ready" | "failed";

interface Readiness {
  status: ReadinessStatus;
  /** why the server is not ready, or null when it is */
  reason: string | null;
  modelVersion: number | null;
  loadedAt: string | null;
}

interface SwapResult {
  previousModelVersion: number | null;
  bundle: ServingBundle;
  durationMs: number;
}

export class ReloadInProgressError extends Error {
  constructor() {
    super("a bundle load is already in progress; try again when it has finished");
    this.name = "ReloadInProgressError";
  }
}

export type BundleLoader = (artifactsDir: string) => Promise<ServingBundle>;

// imported on first use: loading TensorFlow.js must not delay the server's start
const loadLazily: BundleLoader = async (artifactsDir) =>
  (await import("./load-bundle.js")).loadServingBundle(artifactsDir);

interface BundleEvents {
  loaded: [bundle: ServingBundle];
  refused: [reason: string];
}

export class BundleHolder extends EventEmitter<BundleEvents> {
  #current: ServingBundle | null = null;
  #status: ReadinessStatus = "starting";
  #reason: string | null = "the model bundle has not been loaded yet";
  #busy = false;

  constructor(
    readonly artifactsDir: string,
    private readonly log: FastifyBaseLogger,
    private readonly loader: BundleLoader = loadLazily,
  ) {
    super();
  }

  get current(): ServingBundle | null {
    return this.#current;
  }

  readiness(): Readiness {
    const bundle = this.#current;
    return {
      status: this.#status,
      reason: this.#reason,
      modelVersion: bundle?.modelVersion ?? null,
      loadedAt: bundle?.loadedAt ?? null,
    };
  }

  /** The first load at start-up: never throws; the outcome shows in readiness(). */
  async load(): Promise<boolean> {
    try {
      await this.swap();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Loads the bundle published in the artifacts folder now and swaps it in. Throws the reason
   * when it is refused (the previous bundle keeps serving) or when a load is under way.
   */
  async swap(): Promise<SwapResult> {
    if (this.#busy) throw new ReloadInProgressError();
    this.#busy = true;
    const started = performance.now();
    if (this.#current === null) {
      this.#status = "loading";
      this.#reason = `loading the model bundle from ${this.artifactsDir}`;
    }
    try {
      const next = await this.loader(this.artifactsDir);
      const previous = this.#current;
      this.#current = next;
      this.#status = "ready";
      this.#reason = null;
      previous?.predictor.dispose();
      const durationMs = Math.round(performance.now() - started);
      this.log.info(
        {
          modelVersion: next.modelVersion,
          previousModelVersion: previous?.modelVersion ?? null,
          durationMs,
        },
        "model bundle loaded",
      );
      this.emit("loaded", next);
      return { previousModelVersion: previous?.modelVersion ?? null, bundle: next, durationMs };
    } catch (error) {
      const reason = (error as Error).message;
      if (this.#current === null) {
        this.#status = "failed";
        this.#reason = reason;
      }
      this.log.error(
        { reason, keptModelVersion: this.#current?.modelVersion ?? null },
        "model bundle refused",
      );
      this.emit("refused", reason);
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /** Releases the model (at shutdown). */
  close(): void {
    this.#current?.predictor.dispose();
    this.#current = null;
    this.#status = "starting";
    this.#reason = "the server is shutting down";
  }
}
