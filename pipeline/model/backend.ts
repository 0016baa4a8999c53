/**
 * Picks the TensorFlow.js backend once per process: the native `tensorflow` backend of
 * `@tensorflow/tfjs-node` when that optional package is installed (CI runners, Docker), else
 * WebAssembly, else plain JavaScript. Nothing is loaded until `initBackend` is called.
 */
import * as tf from "./tf.js";

export type BackendName = "tensorflow" | "wasm" | "cpu";

const FALLBACK_ORDER: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

// A variable, not a literal, so neither tsc nor the bundler insists the package exists.
const TFJS_NODE_MODULE = "@tensorflow/tfjs-node";
const TFJS_WASM_MODULE = "@tensorflow/tfjs-backend-wasm";

let pending: { preferred: BackendName | undefined; result: Promise<string> } | null = null;

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    // Importing a backend package registers it with tfjs-core.
    if (name === "tensorflow") await import(TFJS_NODE_MODULE);
    if (name === "wasm") await import(TFJS_WASM_MODULE);
    if (name === "cpu") await import("@tensorflow/tfjs-backend-cpu");
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function select(preferred: BackendName | undefined): Promise<string> {
  const order = preferred
    ? [preferred, ...FALLBACK_ORDER.filter((b) => b !== preferred)]
    : FALLBACK_ORDER;
  for (const name of order) {
    if (await tryBackend(name)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (tried ${order.join(", ")})`);
}

/**
 * Initialises the backend and returns its name (for logs and the model card). Repeated calls
 * share one initialisation; only an explicit, different preference switches backend.
 */
export function initBackend(preferred?: BackendName): Promise<string> {
  const reuse = pending !== null && (preferred === undefined || pending.preferred === preferred);
  if (!reuse || pending === null) {
    const result = select(preferred);
    pending = { preferred, result };
    // A failed attempt must not stick: the next call tries again.
    result.catch(() => {
      if (pending?.result === result) pending = null;
    });
  }
  return pending.result;
}
