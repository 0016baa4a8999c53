import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend } from "../../pipeline/model/backend.js";

function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

describe("initBackend", () => {
  it("prefers the native backend, falls back to wasm, and repeated calls share one set-up", async () => {
    const first = initBackend();
    expect(initBackend()).toBe(first);
    const name = await first;
    expect(name).toBe(nativeInstalled() ? "tensorflow" : "wasm");
    expect(tf.getBackend()).toBe(name);
  });

  it("switches only on an explicit, different preference", async () => {
    expect(await initBackend("cpu")).toBe("cpu");
    expect(await initBackend()).toBe("cpu");
    expect(await initBackend("wasm")).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });
});
