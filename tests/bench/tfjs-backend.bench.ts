/**
 * `npx tsx tests/bench/tfjs-backend.bench.ts [--rounds=<n>] [--rows=<n>]`: the floor under the
 * training-time targets. In one run, side by side:
 * - the ranker's first dense layer, a 1024x90 by 90x64 product (forward) and its weight gradient
 *   (90x1024 by 1024x64), on the wasm and cpu backends and as a plain JavaScript triple loop;
 * - one epoch of one branch of the champion recipe on `--rows` random rows (default 150,000,
 *   about the members' labelled rows of the snapshot) on the backend the pipeline picks, and
 *   the champion's full fit that this implies (epochs x ensemble).
 * Medians of n rounds (default 20) after one unmeasured warm-up; prints a table.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../core/random.js";
import { initBackend, type BackendName } from "../../pipeline/model/backend.js";
import { championRecipe } from "../../pipeline/model/recipe.js";
import { trainRanker } from "../../pipeline/model/ranker.js";
import { formatTable, median } from "./bench-utils.js";

function intArg(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

const rounds = intArg("rounds", 20);
const rows = intArg("rows", 150_000);
const BATCH = 1024;
const RAW_INPUTS = 90;
const FIRST_HIDDEN = 64;

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

function timeMedian(run: () => void): number {
  run();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    run();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

const gflops = (m: number, k: number, n: number, ms: number) => (2 * m * k * n) / ms / 1e6;

/** [label, forward ms, gradient ms] for one backend. */
async function backendProducts(name: BackendName): Promise<string[]> {
  const backend = await initBackend(name);
  const x = tf.tensor2d(randomArray(BATCH * RAW_INPUTS, 1), [BATCH, RAW_INPUTS]);
  const w = tf.tensor2d(randomArray(RAW_INPUTS * FIRST_HIDDEN, 2), [RAW_INPUTS, FIRST_HIDDEN]);
  const g = tf.tensor2d(randomArray(BATCH * FIRST_HIDDEN, 3), [BATCH, FIRST_HIDDEN]);
  const forward = timeMedian(() => tf.tidy(() => tf.matMul(x, w).dataSync()));
  const gradient = timeMedian(() => tf.tidy(() => tf.matMul(x, g, true, false).dataSync()));
  tf.dispose([x, w, g]);
  return row(`tfjs ${backend}`, forward, gradient);
}

function plainProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      for (let j = 0; j < n; j++) c[i * n + j]! += av * b[p * n + j]!;
    }
  }
  return c;
}

function plainProducts(): string[] {
  const x = randomArray(BATCH * RAW_INPUTS, 1);
  const w = randomArray(RAW_INPUTS * FIRST_HIDDEN, 2);
  const g = randomArray(BATCH * FIRST_HIDDEN, 3);
  const xT = new Float32Array(RAW_INPUTS * BATCH);
  for (let i = 0; i < BATCH; i++) {
    for (let p = 0; p < RAW_INPUTS; p++) xT[p * BATCH + i] = x[i * RAW_INPUTS + p]!;
  }
  const forward = timeMedian(() => plainProduct(x, w, BATCH, RAW_INPUTS, FIRST_HIDDEN));
  const gradient = timeMedian(() => plainProduct(xT, g, RAW_INPUTS, BATCH, FIRST_HIDDEN));
  return row("plain JavaScript loop", forward, gradient);
}

function row(label: string, forwardMs: number, gradientMs: number): string[] {
  const rate = gflops(BATCH, RAW_INPUTS, FIRST_HIDDEN, forwardMs);
  return [label, `${forwardMs.toFixed(2)} ms`, `${gradientMs.toFixed(2)} ms`, rate.toFixed(2)];
}

// the pipeline's own backend choice first: initBackend(name) below switches backend
const backend = await initBackend();
const recipe = championRecipe();
const k = recipe.inputs === "cross-section+raw" ? RAW_INPUTS : RAW_INPUTS / 2;
const x = randomArray(rows * k, 4);
const label = randomArray(rows, 5);
const oneEpoch = await trainRanker(x, label, { ...recipe, epochs: 1, ensemble: 1 }, 7);
oneEpoch.model.dispose();
const fullFitMs = oneEpoch.durationMs * recipe.epochs * recipe.ensemble;
console.log(
  `champion recipe ${recipe.name} on ${backend}: one epoch of one branch on ${rows.toLocaleString("en")} rows ${(oneEpoch.durationMs / 1000).toFixed(1)} s; its full fit (${recipe.epochs} epochs x ${recipe.ensemble} seeds) about ${(fullFitMs / 1000).toFixed(0)} s`,
);

const products = [await backendProducts("wasm"), await backendProducts("cpu"), plainProducts()];
console.log(
  `dense layer ${BATCH}x${RAW_INPUTS} by ${RAW_INPUTS}x${FIRST_HIDDEN}, median of ${rounds} rounds:`,
);
for (const line of formatTable(["", "forward", "weight gradient", "forward GFLOP/s"], products)) {
  console.log(`  ${line}`);
}
