import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pinTickObjectMap } from "../../dashboard/server/startup/pin-tick-object-map.js";

describe("pinTickObjectMap", () => {
  it("keeps one of process.nextTick's objects, the same one on every call", () => {
    const pinned = pinTickObjectMap() as { callback?: unknown };
    expect(typeof pinned.callback).toBe("function");
    expect(Object.getOwnPropertySymbols(pinned).map(String)).toEqual([
      "Symbol(async_id_symbol)",
      "Symbol(trigger_async_id_symbol)",
    ]);
    expect(pinTickObjectMap()).toBe(pinned);
  });

  // the point of the pin, in a child with V8's test functions: full GCs with no tick object in
  // flight leave the tick objects' map alone, so V8's inline cache for them stays monomorphic
  it("tick objects made after full GCs still have the pinned object's map", () => {
    const script = `
      import { createHook } from "node:async_hooks";
      import { pinTickObjectMap } from "./dashboard/server/startup/pin-tick-object-map.ts";
      const pinned = pinTickObjectMap();
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 3; i++) globalThis.gc();
      let later;
      const hook = createHook({ init(_id, type, _trigger, resource) { if (type === "TickObject") later = resource; } });
      hook.enable();
      process.nextTick(() => {});
      hook.disable();
      console.log(JSON.stringify({ sameMap: eval("%HaveSameMap(pinned, later)") }));
    `;
    const child = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--allow-natives-syntax",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ sameMap: true });
  });
});
