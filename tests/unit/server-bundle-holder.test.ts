/**
 * The bundle holder's states with a stand-in loader: starting, loading, ready, failed; a
 * refused bundle keeps the old one serving; one load at a time; the replaced model released.
 */
import Fastify from "fastify";
import { describe, expect, it, vi } from "vitest";
import {
  BundleHolder,
  ReloadInProgressError,
} from "../../dashboard/server/bundle/bundle-holder.js";
import { BundleError } from "../../dashboard/server/bundle/bundle-error.js";
import type { ServingBundle } from "../../dashboard/server/bundle/serving-bundle.js";

const log = Fastify({ logger: false }).log;

function fakeBundle(modelVersion: number): ServingBundle {
  return {
    modelVersion,
    loadedAt: new Date().toISOString(),
    predictor: { dispose: vi.fn() },
  } as unknown as ServingBundle;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("BundleHolder", () => {
  it("says why it is not ready until a load succeeds", async () => {
    const pending = deferred<ServingBundle>();
    const holder = new BundleHolder("/artifacts", log, () => pending.promise);
    expect(holder.readiness()).toMatchObject({ status: "starting", modelVersion: null });
    expect(holder.readiness().reason).toMatch(/not been loaded/);

    const loading = holder.load();
    expect(holder.readiness().status).toBe("loading");
    expect(holder.readiness().reason).toContain("/artifacts");
    await expect(holder.swap()).rejects.toBeInstanceOf(ReloadInProgressError);

    pending.resolve(fakeBundle(3));
    expect(await loading).toBe(true);
    expect(holder.readiness()).toMatchObject({ status: "ready", reason: null, modelVersion: 3 });
  });

  it("reports a failed first load with its reason", async () => {
    const holder = new BundleHolder("/artifacts", log, async () => {
      throw new BundleError("no champion model yet");
    });
    expect(await holder.load()).toBe(false);
    expect(holder.readiness()).toEqual({
      status: "failed",
      reason: "no champion model yet",
      modelVersion: null,
      loadedAt: null,
    });
    expect(holder.current).toBeNull();
  });

  it("keeps serving the old bundle when a new one is refused, and releases a replaced one", async () => {
    const first = fakeBundle(1);
    const second = fakeBundle(2);
    const results: (ServingBundle | Error)[] = [first, new BundleError("weights damaged"), second];
    const holder = new BundleHolder("/artifacts", log, async () => {
      const next = results.shift()!;
      if (next instanceof Error) throw next;
      return next;
    });
    const refused = vi.fn();
    holder.on("refused", refused);
    await holder.swap();

    await expect(holder.swap()).rejects.toThrow("weights damaged");
    expect(refused).toHaveBeenCalledWith("weights damaged");
    expect(holder.current).toBe(first);
    expect(holder.readiness()).toMatchObject({ status: "ready", reason: null, modelVersion: 1 });
    expect(first.predictor.dispose).not.toHaveBeenCalled();

    const swapped = await holder.swap();
    expect(swapped.previousModelVersion).toBe(1);
    expect(holder.current).toBe(second);
    expect(first.predictor.dispose).toHaveBeenCalledTimes(1);

    holder.close();
    expect(second.predictor.dispose).toHaveBeenCalledTimes(1);
    expect(holder.readiness().status).toBe("starting");
  });
});
