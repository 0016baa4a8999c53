/**
 * `npm run bench:train`: the model half on the real snapshot, measured in one process because
 * the machine is noisy. Prints figures; it is not a test.
 *
 *   5. `npm start` from a fresh clone, first run: runPipeline(ALL_STAGES) in process into a fresh
 *      temp folder, plus the start-up of a process (node + tsx, and node + tsx + the pipeline's
 *      modules), target < 3 min. Runs FIRST, so the backend initialisation and the code hash
 *      are paid inside it as in a real first run. The first run stops one session short; the
 *      daily run that appends the last session follows (target < 30 s). Skipped with --quick.
 *   1. the champion recipe (trainOptions(config), MODEL_SEED) on the full snapshot, after the
 *      data stages into their own temp folder (timed separately)
 *   2. the whole walk-forward evaluation (runWalkForward with walkForwardConfig(config))
 *   4. one forecast through the predictor (bars -> last-row features -> network -> interval) on the real
 *      ^BSESN bars, p50/p99 after warm-up, beside the network call alone (predictRows, one row)
 *      and the last-row features alone, and the full feature table of the same bars that the
 *      last row replaces; target p99 < 5 ms
 *   3. wasm against plain cpu on the same training step: the same seeded model and the same
 *      fixed batches, interleaved wasm, cpu, wasm (, cpu, wasm ...); runs last as it switches
 *      the global backend (and switches back to wasm)
 *
 *   npm run bench:train -- [--gate] [--quick] [--no-walk-forward] [--margin=<percent>]
 *                          [--rounds=<n>] [--epochs=<n>] [--rows=<n>] [--calls=<n>] [--keep]
 *
 *   --gate             exit 1 if a target is missed
 *   --quick            skip part 5 (the full pipeline and the process start-ups)
 *   --no-walk-forward  skip part 2
 *   --margin=P         let the gate allow P percent over each target (default 0)
 *   --rounds=N         cpu rounds of part 3, each followed by a wasm round (default 1: W C W)
 *   --epochs=N         timed epochs over the fixed subset per round of part 3 (default 2)
 *   --rows=N           rows of the fixed subset of part 3 (default 20480)
 *   --calls=N          measured calls of part 4 (default 1000, after 100 warm-up calls)
 *   --keep             keep the temp artifacts folders
 */
import { readFile, rm } from "node:fs/promises";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import type { Config } from "../../core/config.js";
import {
  RISK_HISTORY_BARS,
  type Bar,
  type ModelCard,
  type RunReport,
} from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import type { PipelineContext } from "../../pipeline/context.js";
import { runWalkForward } from "../../pipeline/evaluation/walk-forward.js";
import { computeFeatures } from "../../pipeline/indicators/compute.js";
import { computeLastFeatureRow } from "../../pipeline/indicators/last-row.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS } from "../../pipeline/indicators/registry.js";
import { initBackend, type BackendName } from "../../pipeline/model/backend.js";
import type { LabelledRows } from "../../pipeline/model/dataset.js";
import { predictRows } from "../../pipeline/model/infer.js";
import { loadModelInputs } from "../../pipeline/model/inputs.js";
import { trainOptions } from "../../pipeline/model/lineage.js";
import { RETURN_OUTPUT, UP_OUTPUT, buildMlp } from "../../pipeline/model/networks.js";
import { createPredictor, loadPredictor } from "../../pipeline/model/predictor.js";
import { fitScaler, transform } from "../../pipeline/model/scaler.js";
import { loadModelArtifacts } from "../../pipeline/model/serialize.js";
import { trainNetwork, type TrainedNetwork } from "../../pipeline/model/train.js";
import { readAliases, readVersion } from "../../core/registry-store.js";
import { ALL_STAGES, DATA_STAGES, runPipeline } from "../../pipeline/run.js";
import { walkForwardConfig } from "../../pipeline/stages/evaluate.js";
import { readCandidate } from "../../pipeline/stages/train.js";
import { tempArtifactsDir, testContext } from "../helpers/pipeline-context.js";
import {
  benchCommand,
  formatTable,
  median,
  seconds,
  summariseRows,
  timeProcess,
  type BenchRow,
} from "./bench-utils.js";
import { currentLoad, writePerformanceSection } from "./performance-section.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TARGET_FIRST_RUN_MS = 180_000;
const TARGET_DAILY_RUN_MS = 30_000;
/** the session before the snapshot's last (2023-06-29 was a holiday): where the first run stops */
const DAY_BEFORE_LAST = "2023-06-28";
const TARGET_FORECAST_P99_MS = 5;
const PROCESS_RUNS = 3;
const WARMUP_CALLS = 100;

interface Args {
  gate: boolean;
  quick: boolean;
  walkForward: boolean;
  marginPct: number;
  rounds: number;
  epochs: number;
  rows: number;
  calls: number;
  keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    gate: false,
    quick: false,
    walkForward: true,
    marginPct: 0,
    rounds: 1,
    epochs: 2,
    rows: 20_480,
    calls: 1000,
    keep: false,
  };
  const positiveInt = (v: string | undefined) =>
    v !== undefined && Number.isInteger(Number(v)) && Number(v) >= 1 ? Number(v) : null;
  for (const arg of argv) {
    const [key, value] = arg.split("=", 2);
    const n = positiveInt(value);
    if (key === "--gate" && value === undefined) args.gate = true;
    else if (key === "--quick" && value === undefined) args.quick = true;
    else if (key === "--no-walk-forward" && value === undefined) args.walkForward = false;
    else if (key === "--keep" && value === undefined) args.keep = true;
    else if (key === "--margin" && value !== undefined && Number(value) >= 0)
      args.marginPct = Number(value);
    else if (key === "--rounds" && n !== null) args.rounds = n;
    else if (key === "--epochs" && n !== null) args.epochs = n;
    else if (key === "--rows" && n !== null) args.rows = n;
    else if (key === "--calls" && n !== null) args.calls = n;
    else {
      console.error(
        `unknown or invalid argument ${arg}; see the header of tests/bench/train.bench.ts`,
      );
      process.exit(2);
    }
  }
  return args;
}

function machineLine(label: string): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `${label}: ${cpu.length} cpu(s) (${cpu[0]?.model.trim() ?? "unknown"}), ${platform()} ${release()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${load} (1/5/15 min), node ${process.version}`;
}

async function backendLine(): Promise<string> {
  const name = tf.getBackend();
  if (name !== "wasm") return `backend ${name} (tfjs ${tf.version.tfjs})`;
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return `backend wasm (tfjs ${tf.version.tfjs}; SIMD ${simd ? "yes" : "no"}, multithread ${threads ? "yes" : "no"}, ${getThreadsCount()} thread(s))`;
}

function stageLines(report: RunReport): string[] {
  return report.stages.map(
    (s) =>
      `    ${s.stage.padEnd(9)} ${s.status.padEnd(8)} ${seconds(s.durationMs, 2).padStart(8)}  ${s.message}`,
  );
}

function requireSucceeded(report: RunReport, what: string): void {
  if (report.status !== "succeeded") {
    console.error(`${what} failed: ${report.error ?? "unknown error"}`);
    process.exit(1);
  }
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** Calls f `calls` times after `WARMUP_CALLS` unmeasured calls; per-call wall times. */
function latency(f: (i: number) => void, calls: number): Latency {
  for (let i = 0; i < WARMUP_CALLS; i++) f(i);
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    f(i);
    times[i] = performance.now() - t0;
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1)! };
}

const ms = (x: number, digits = 3) => `${x.toFixed(digits)} ms`;

async function medianProcessMs(args: readonly string[]): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < PROCESS_RUNS; i++) {
    const r = await timeProcess(args[0]!, args.slice(1), { cwd: ROOT, env: process.env });
    if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
    walls.push(r.wallMs);
  }
  return median(walls);
}

// ---------------------------------------------------------------------------------------------
// 5. npm start, first run

async function benchFirstRun(rows: BenchRow[], keep: boolean): Promise<PipelineContext> {
  const dir = tempArtifactsDir("bench-train-full-");
  // the first run stops one session short; the daily run then appends the last session
  const ctx = await testContext(dir, { to: DAY_BEFORE_LAST });
  console.log("");
  console.log(
    `5. npm start from a fresh clone, first run to ${DAY_BEFORE_LAST} (runs first, so it is the coldest), then the daily run that appends the last session`,
  );
  console.log(`    artifacts folder: ${dir}${keep ? " (kept)" : ""}`);
  const started = performance.now();
  const report = await runPipeline(ctx, "run", ALL_STAGES);
  const wallMs = performance.now() - started;
  requireSucceeded(report, "full pipeline");
  console.log(`    runPipeline(ALL_STAGES), in process, fresh folder: wall ${seconds(wallMs, 2)}`);
  for (const line of stageLines(report)) console.log(line);

  const nodeTsx = await medianProcessMs([process.execPath, "--import", "tsx", "-e", ""]);
  const withModules = await medianProcessMs([
    process.execPath,
    "--import",
    "tsx",
    "--input-type=module",
    "-e",
    "await import('./pipeline/run.ts');",
  ]);
  const tsxCli = await medianProcessMs([
    process.execPath,
    join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
    "-e",
    // not "": tsx takes an empty -e as no script and opens its REPL, which waits on stdin
    "0",
  ]);
  const moduleLoadMs = Math.max(0, withModules - nodeTsx);
  const startupMs = tsxCli + moduleLoadMs;
  console.log(`    process start-up, median of ${PROCESS_RUNS} spawns each:`);
  console.log(`      a. node --import tsx -e ""                      ${seconds(nodeTsx, 3)}`);
  console.log(
    `      b. a + import pipeline/run.ts (every stage, tfjs) ${seconds(withModules, 3)}  (module loading ${seconds(moduleLoadMs, 3)})`,
  );
  console.log(
    `      c. tsx CLI -e "" (npm start's tsx, which re-spawns node) ${seconds(tsxCli, 3)}  (npm's own start-up not included)`,
  );
  const briefMs = wallMs + nodeTsx;
  const firstRunMs = wallMs + startupMs;
  console.log(`    first run, in-process pipeline + a: ${seconds(briefMs, 2)}`);
  console.log(
    `    first run, in-process pipeline + c + module loading: ${seconds(firstRunMs, 2)}  <- judged against the target`,
  );
  rows.push({
    measure: "5. npm start, first run (pipeline + start-up)",
    value: seconds(firstRunMs, 1),
    target: `< ${seconds(TARGET_FIRST_RUN_MS, 0)}`,
    gated: { value: firstRunMs, target: TARGET_FIRST_RUN_MS },
  });
  for (const s of report.stages) {
    rows.push({ measure: `   ${s.stage}`, value: seconds(s.durationMs, 1), target: "" });
  }
  rows.push({
    measure: "   process start-up (tsx CLI + module loading)",
    value: seconds(startupMs, 2),
    target: "",
  });

  const daily = await testContext(dir);
  const dailyStarted = performance.now();
  const dailyReport = await runPipeline(daily, "run", ALL_STAGES);
  const dailyMs = performance.now() - dailyStarted + startupMs;
  requireSucceeded(dailyReport, "daily run");
  console.log(
    `    daily run (one new session; the stage cache warm, the week's walk-forward reused): ${seconds(dailyMs, 2)} with start-up`,
  );
  for (const line of stageLines(dailyReport)) console.log(line);
  rows.push({
    measure: "5b. daily run, one new session (pipeline + start-up)",
    value: seconds(dailyMs, 1),
    target: `< ${seconds(TARGET_DAILY_RUN_MS, 0)}`,
    gated: { value: dailyMs, target: TARGET_DAILY_RUN_MS },
  });
  for (const s of dailyReport.stages) {
    rows.push({ measure: `   ${s.stage}`, value: seconds(s.durationMs, 1), target: "" });
  }
  return daily;
}

// ---------------------------------------------------------------------------------------------
// 1. the champion recipe on the full snapshot

async function benchTrain(rows: BenchRow[], keep: boolean) {
  const dir = tempArtifactsDir("bench-train-");
  const ctx = await testContext(dir, { force: true });
  console.log("");
  console.log("1. the champion recipe on the full snapshot");
  console.log(`    artifacts folder: ${dir}${keep ? " (kept)" : ""}`);
  const dataStart = performance.now();
  const report = await runPipeline(ctx, "bench", DATA_STAGES);
  const dataMs = performance.now() - dataStart;
  requireSucceeded(report, "data stages");
  console.log(`    data stages (ingest + validate + features), forced: wall ${seconds(dataMs, 2)}`);
  for (const line of stageLines(report)) console.log(line);
  const loadStart = performance.now();
  const inputs = await loadModelInputs(ctx.workDir);
  const loadMs = performance.now() - loadStart;
  const data = inputs.dataset.labelled;
  console.log(
    `    loadModelInputs: ${seconds(loadMs, 2)}; ${data.symbols.length} symbols, ${data.n} labelled rows x ${data.featureCount} features, ${inputs.dataset.forecast.n} forecast rows`,
  );

  const backend = await initBackend();
  const options = trainOptions(ctx.config);
  const epochTimes: number[] = [];
  let last = performance.now();
  const trained = await trainNetwork("mlp", data, {
    ...options,
    seed: ctx.config.MODEL_SEED,
    onEpochEnd: () => {
      const now = performance.now();
      epochTimes.push(now - last);
      last = now;
    },
  });
  console.log(
    `    trainNetwork("mlp"), backend ${backend}, seed ${ctx.config.MODEL_SEED}, options ${JSON.stringify(options)}`,
  );
  console.log(
    `    ${trained.rows} training rows (${trained.firstDate}..${trained.lastDate}), ${trained.validationRows} validation rows from ${trained.firstValidationDate}`,
  );
  console.log(
    `    ${trained.epochs} epochs (best ${trained.bestEpoch}, val loss ${trained.validationLoss.toFixed(5)}) in ${seconds(trained.durationMs, 2)}; ${seconds(trained.durationMs / trained.epochs, 2)}/epoch (fit + validation pass), ${Math.ceil(trained.rows / (options.batchSize ?? 512))} steps/epoch`,
  );
  console.log(`    epoch wall times: ${epochTimes.map((t) => (t / 1000).toFixed(2)).join(" ")} s`);
  rows.push({ measure: "1. data stages, forced", value: seconds(dataMs, 2), target: "info" });
  rows.push({
    measure: `1. train champion recipe (${trained.rows} rows, ${trained.epochs} ep, ${backend})`,
    value: seconds(trained.durationMs, 2),
    target: "info",
  });
  return { ctx, dir, data, trained, forecastRows: inputs.dataset.forecast };
}

// ---------------------------------------------------------------------------------------------
// 2. walk-forward

async function benchWalkForward(
  rows: BenchRow[],
  config: Config,
  data: LabelledRows,
): Promise<void> {
  const wf = walkForwardConfig(config);
  console.log("");
  console.log(
    `2. walk-forward evaluation: refit every ${wf.refitEvery} dates from ${wf.firstTestDate}, embargo ${wf.embargoDays}, mlp + logistic per fold`,
  );
  const started = performance.now();
  const result = await runWalkForward(data, wf, (fold, total) =>
    console.log(
      `    fold ${fold.index + 1}/${total} ${fold.firstTestDate}..${fold.lastTestDate}: ${fold.trainRows} train rows, ${fold.testRows} test rows, mlp ${fold.mlpEpochs} epochs (best ${fold.mlpBestEpoch}), ${seconds(fold.durationMs, 2)}`,
    ),
  );
  const wallMs = performance.now() - started;
  const indexSymbol = data.symbols.indexOf(config.INDEX_SYMBOL);
  const indexDays = result.test.symbolIndex.filter((s) => s === indexSymbol).length;
  console.log(
    `    ${result.folds.length} folds, ${result.test.n} test rows, ${indexDays} index (${config.INDEX_SYMBOL}) test days: wall ${seconds(wallMs, 2)}`,
  );
  console.log(
    "    (the evaluate stage adds to this the three leakage gates: 2-fold quick runs, 4 epochs max)",
  );
  rows.push({
    measure: `2. walk-forward (${result.folds.length} folds, ${indexDays} index days)`,
    value: seconds(wallMs, 2),
    target: "info",
  });
}

// ---------------------------------------------------------------------------------------------
// 4. inference latency

/** A card for the network of part 1 when there is no registry (--quick). */
function syntheticCard(net: TrainedNetwork, data: LabelledRows, backend: string): ModelCard {
  // conformal scores as the evaluate stage keeps them: |actual - forecast| / vol, recent rows
  const k = data.featureCount;
  const vol = FEATURE_NAMES.indexOf("vol_20");
  const from = Math.max(0, data.n - 2000);
  const out = predictRows(
    net.model,
    net.scaler,
    net.returnScale,
    data.x.subarray(from * k),
    data.n - from,
  );
  const scores = Array.from(
    out.expectedReturn!,
    (f, i) => Math.abs(data.ret[from + i]! - f) / Math.max(data.x[(from + i) * k + vol]!, 1e-4),
  );
  return {
    schemaVersion: 1,
    name: "bench",
    version: 1,
    createdAt: new Date().toISOString(),
    kind: "mlp",
    backend,
    lineage: { dataHash: "", featureSetHash: "", configHash: "", codeCommit: "" },
    signature: { featureNames: [...FEATURE_NAMES], inputShape: [null, k], outputs: [] },
    scaler: { mean: [...net.scaler.mean], std: [...net.scaler.std] },
    returnScale: net.returnScale,
    training: {
      rows: net.rows,
      firstDate: net.firstDate,
      lastDate: net.lastDate,
      epochs: net.epochs,
      bestEpoch: net.bestEpoch,
      validationLoss: net.validationLoss,
      seed: 0,
      durationMs: net.durationMs,
    },
    conformal: { scores, alphas: { "0.8": 0.2, "0.9": 0.1, "0.95": 0.05 } },
    calibration: { a: 0, b: 1 },
    metrics: null,
    gates: [],
    decision: null,
  };
}

interface ServedModel {
  card: ModelCard;
  model: tf.LayersModel;
  source: string;
  /** owned here (disposed after part 4), not the network of part 1 */
  owned: boolean;
}

/** The champion (else the candidate) of the full run's registry, loaded as the server would. */
async function registryModel(artifactsDir: string): Promise<ServedModel> {
  const { champion } = await readAliases(artifactsDir);
  const version = champion ?? (await readCandidate(artifactsDir)).version;
  const stored = await readVersion(artifactsDir, version);
  const t0 = performance.now();
  const loaded = await loadPredictor(stored);
  const loadMs = performance.now() - t0;
  loaded.dispose();
  const model = await loadModelArtifacts(stored.modelJson, stored.weights);
  return {
    card: stored.card,
    model,
    source: `registry version ${version} (${champion === null ? "candidate, no champion" : "champion"}) of part 5, loadPredictor ${ms(loadMs, 1)}`,
    owned: true,
  };
}

async function benchLatency(
  rows: BenchRow[],
  calls: number,
  workDir: string,
  config: Config,
  served: ServedModel,
): Promise<void> {
  const file = join(paths.pricesDir(workDir), symbolFileName(config.INDEX_SYMBOL));
  const { bars } = parsePriceCsv(await readFile(file, "utf8"), file);
  const about = { symbol: config.INDEX_SYMBOL, name: "SENSEX", sector: "Index", isIndex: true };
  const predictor = createPredictor(served.card, served.model, tf.getBackend());
  console.log("");
  console.log(
    `4. one forecast in process: ${config.INDEX_SYMBOL}, ${bars.length} validated bars to ${bars.at(-1)!.date}, ${calls} calls after ${WARMUP_CALLS} warm-up, backend ${predictor.backend}`,
  );
  console.log(`    model: ${served.source}`);
  let sink = 0;
  const forecast = latency(() => {
    sink += predictor.forecast(bars, about).probabilityUp;
  }, calls);
  // the parts: the last row's features, the network on that row, and for comparison the whole
  // feature table of the same bars that the predictor used to build (technicalindicators)
  const lastRow = latency(() => {
    sink += computeLastFeatureRow(bars, RISK_HISTORY_BARS).values[0]!;
  }, calls);
  const window: Bar[] = bars.slice(-(MAX_WARMUP_BARS + RISK_HISTORY_BARS));
  const table = latency(() => {
    sink += computeFeatures(window).dates.length;
  }, calls);
  const x = Float32Array.from(computeLastFeatureRow(bars).values);
  const { scaler, returnScale } = served.card;
  const network = latency(() => {
    sink += predictRows(served.model, scaler, returnScale, x, 1).probabilityUp[0]!;
  }, calls);
  const tensorsBefore = tf.memory().numTensors;
  predictor.forecast(bars, about);
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (!Number.isFinite(sink)) console.log("    WARNING: non-finite output");

  const line = (label: string, l: Latency) =>
    console.log(`    ${label.padEnd(44)} p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`);
  line("predictor.forecast (bars -> forecast)", forecast);
  line("  computeLastFeatureRow (its features)", lastRow);
  line("  predictRows, one row (the network alone)", network);
  line(`  for comparison: computeFeatures, ${window.length} bars`, table);
  console.log(
    `    the last row reads ${MAX_WARMUP_BARS + 1} bars (+ ${RISK_HISTORY_BARS - 1} for the risk history), ${(table.p50 / lastRow.p50).toFixed(0)}x faster at p50 than the feature table of the same bars; tensors left behind per forecast: ${leaked}`,
  );
  rows.push({
    measure: "4. one forecast, p99",
    value: ms(forecast.p99),
    target: `< ${ms(TARGET_FORECAST_P99_MS, 0)}`,
    gated: { value: forecast.p99, target: TARGET_FORECAST_P99_MS },
  });
  rows.push({ measure: "   one forecast, p50", value: ms(forecast.p50), target: "" });
  rows.push({
    measure: "   last-row features alone, p50 / p99",
    value: `${ms(lastRow.p50)} / ${ms(lastRow.p99)}`,
    target: "",
  });
  rows.push({
    measure: "   network alone (predictRows 1 row), p50 / p99",
    value: `${ms(network.p50)} / ${ms(network.p99)}`,
    target: "",
  });
}

// ---------------------------------------------------------------------------------------------
// 3. wasm against cpu

interface Subset {
  x: Float32Array;
  ret: Float32Array;
  up: Float32Array;
  n: number;
  k: number;
}

/** `rows` rows spread evenly over the dataset, standardised, the return scaled by its std. */
function fixedSubset(data: LabelledRows, rows: number): Subset {
  const n = Math.min(rows, data.n);
  const k = data.featureCount;
  const picked = Int32Array.from({ length: n }, (_, i) => Math.floor((i * data.n) / n));
  const raw = new Float32Array(n * k);
  picked.forEach((r, i) => raw.set(data.x.subarray(r * k, (r + 1) * k), i * k));
  const scaler = fitScaler(raw, k);
  const ret = Float64Array.from(picked, (r) => data.ret[r]!);
  const mean = ret.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(ret.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  return {
    x: transform(scaler, raw),
    ret: Float32Array.from(ret, (r) => r / std),
    up: Float32Array.from(picked, (r) => data.up[r]!),
    n,
    k,
  };
}

/** Runs f with tfjs's "install tfjs-node" banner (printed on the cpu backend's first use) muted. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => {
    if (!parts.some((p) => typeof p === "string" && p.includes("tfjs-node"))) warn(...parts);
  };
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
}

interface RoundResult {
  backend: string;
  msPerStep: number[];
  /** training loss of the first (unmeasured) epoch: the same on both backends up to rounding */
  firstLoss: number;
}

/** A fresh seeded model on `name`, one unmeasured epoch, then `epochs` timed epochs. */
async function backendRound(
  name: BackendName,
  subset: Subset,
  epochs: number,
  seed: number,
  options: ReturnType<typeof trainOptions>,
): Promise<RoundResult> {
  const got = await initBackend(name);
  if (got !== name) throw new Error(`asked for the ${name} backend, got ${got}`);
  const batchSize = options.batchSize ?? 512;
  const steps = Math.ceil(subset.n / batchSize);
  const model = buildMlp({ seed, inputSize: subset.k });
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  model.compile({
    optimizer,
    loss: { [RETURN_OUTPUT]: "meanSquaredError", [UP_OUTPUT]: "binaryCrossentropy" },
  });
  const xs = tf.tensor2d(subset.x, [subset.n, subset.k]);
  const ys = {
    [RETURN_OUTPUT]: tf.tensor2d(subset.ret, [subset.n, 1]),
    [UP_OUTPUT]: tf.tensor2d(subset.up, [subset.n, 1]),
  };
  const fitArgs = {
    epochs: 1,
    batchSize,
    shuffle: false,
    verbose: 0,
    yieldEvery: "never",
  } as const;
  try {
    const first = await model.fit(xs, ys, fitArgs);
    const msPerStep: number[] = [];
    for (let e = 0; e < epochs; e++) {
      const t0 = performance.now();
      await model.fit(xs, ys, fitArgs);
      msPerStep.push((performance.now() - t0) / steps);
    }
    return { backend: got, msPerStep, firstLoss: Number(first.history["loss"]![0]) };
  } finally {
    tf.dispose([xs, ...Object.values(ys)]);
    model.dispose();
    optimizer.dispose();
  }
}

async function benchBackends(rows: BenchRow[], args: Args, config: Config, data: LabelledRows) {
  const options = trainOptions(config);
  const subset = fixedSubset(data, args.rows);
  const batchSize = options.batchSize ?? 512;
  const steps = Math.ceil(subset.n / batchSize);
  console.log("");
  console.log(
    `3. wasm against cpu: the champion MLP (seed ${config.MODEL_SEED}, fresh per round), ${subset.n} fixed rows, batch ${batchSize} = ${steps} steps/epoch, 1 unmeasured + ${args.epochs} timed epoch(s) per round`,
  );
  const order: BackendName[] = ["wasm"];
  for (let r = 0; r < args.rounds; r++) order.push("cpu", "wasm");
  const results: RoundResult[] = [];
  for (const name of order) {
    const r = await quietly(() =>
      backendRound(name, subset, args.epochs, config.MODEL_SEED, options),
    );
    results.push(r);
    console.log(
      `    ${name.padEnd(4)}: ${r.msPerStep.map((t) => t.toFixed(1)).join(" ")} ms/step  (first-epoch loss ${r.firstLoss.toFixed(6)}; load ${loadavg()[0]!.toFixed(2)})`,
    );
  }
  const per = (b: string) => results.filter((r) => r.backend === b).flatMap((r) => r.msPerStep);
  const wasm = median(per("wasm"));
  const cpu = median(per("cpu"));
  console.log(
    `    median ms/step: wasm ${wasm.toFixed(2)}, cpu ${cpu.toFixed(2)}; wasm is ${(cpu / wasm).toFixed(2)}x faster than cpu (min/min ${(Math.min(...per("cpu")) / Math.min(...per("wasm"))).toFixed(2)}x)`,
  );
  rows.push({ measure: "3. train step, wasm (median)", value: ms(wasm, 2), target: "info" });
  rows.push({ measure: "   train step, cpu (median)", value: ms(cpu, 2), target: "info" });
  rows.push({
    measure: "   speed-up wasm over cpu",
    value: `${(cpu / wasm).toFixed(2)}x`,
    target: "info",
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startLoad = currentLoad();
  const args = parseArgs(process.argv.slice(2));
  // the config's relative paths (data/snapshot) and the code hash read from the project root
  process.chdir(ROOT);
  console.log("bench:train — the model half on the real snapshot (figures, not a test)");
  console.log(machineLine("machine (start)"));
  const rows: BenchRow[] = [];
  const dirs: string[] = [];
  const started = performance.now();
  try {
    let full: PipelineContext | null = null;
    if (!args.quick) {
      full = await benchFirstRun(rows, args.keep);
      dirs.push(full.artifactsDir);
    } else {
      console.log("");
      console.log("5. skipped (--quick)");
    }
    await initBackend();
    console.log(await backendLine());

    const part1 = await benchTrain(rows, args.keep);
    dirs.push(part1.dir);
    const config = part1.ctx.config;
    if (args.walkForward) await benchWalkForward(rows, config, part1.data);
    else {
      console.log("");
      console.log("2. skipped (--no-walk-forward)");
    }

    const served: ServedModel = full
      ? await registryModel(full.artifactsDir)
      : {
          card: syntheticCard(part1.trained, part1.data, tf.getBackend()),
          model: part1.trained.model,
          source: "the network of part 1 with a card built here (--quick: no registry)",
          owned: false,
        };
    try {
      await benchLatency(rows, args.calls, part1.ctx.workDir, config, served);
    } finally {
      if (served.owned) served.model.dispose();
      part1.trained.model.dispose();
    }

    await benchBackends(rows, args, config, part1.data);
    await initBackend("wasm");
  } finally {
    if (!args.keep) for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }

  const { table, failed, figures } = summariseRows(rows, args.marginPct);
  if (args.quick) table.push(["5. npm start, first run", "not run", "< 180 s", "", "SKIPPED"]);
  console.log("");
  for (const line of formatTable(["measure", "value", "target", "margin", "result"], table)) {
    console.log(line);
  }
  console.log("");
  console.log(machineLine("machine (end)"));
  console.log(`bench wall ${seconds(performance.now() - started, 1)}`);
  console.log(
    `gate: ${args.gate ? "on" : "off (pass --gate to fail on a miss)"}, allowance ${args.marginPct}% over target${args.marginPct === 0 ? " (targets as stated)" : ""}; ${failed} target(s) missed`,
  );
  await writePerformanceSection("train", benchCommand("bench:train"), figures, startLoad);
  if (args.gate && failed > 0) process.exitCode = 1;
}

await main();
