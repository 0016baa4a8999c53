/**
 * Keeps one of node's `process.nextTick` objects alive for the life of the process, so the V8
 * map (hidden class) those objects share is never collected.
 *
 * Why: node builds each tick object as a literal with symbol keys (`{[async_id_symbol]: id, ...}`).
 * V8 optimises that literal with a monomorphic inline cache that holds the map weakly. When a
 * full GC runs while no tick object happens to be alive, the map dies, the next tick object gets
 * a new one, the cache turns megamorphic for good, and from then on every `nextTick` (several per
 * HTTP request: in `onwrite`, `endReadable`, `resume`) goes through V8's generic runtime call.
 * Under the 160 MB old-space cap full GCs are frequent enough that the server always ended up
 * there: `scripts/profile-forecast-route.sh` found 4-6% of the server's CPU samples in
 * `Runtime_DefineKeyedOwnPropertyInLiteral` with the cap and none without it, or with the cap and
 * this pin (README, "Serving").
 *
 * The object is caught with an async hook that is enabled only around one `nextTick` call.
 */
import { createHook } from "node:async_hooks";

let pinned: object | undefined;

/** Catches one tick object and keeps it; returns it (the same one on every call). */
export function pinTickObjectMap(): object {
  if (pinned !== undefined) return pinned;
  let caught: object | undefined;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === "TickObject" && caught === undefined) caught = resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(keepNothing);
  } finally {
    hook.disable();
  }
  if (caught === undefined) throw new Error("process.nextTick made no TickObject to pin");
  pinned = caught;
  return pinned;
}

function keepNothing(): void {}
