/**
 * `npm run bench:serve`: the real server as `npm run serve` runs it (the precompiled
 * build/server/main.cjs under node with SERVE_NODE_FLAGS, a child process; built first with
 * `npm run build:server`, before any timing) on the real bundle (ARTIFACTS_DIR, artifacts/ by
 * default) under autocannon, beside two identical bare Fastify routes that return the same
 * forecast JSON (two more child processes) as the ceiling; the ratio rounds start their own. Prints
 * requests/s, p50/p99 latency, errors and non-2xx per route, the ratio to the ceiling, the
 * server's resident memory after the load and the time from spawn to /readyz 200.
 *
 * Targets on this machine (2 cores, shared with autocannon):
 *   GET /api/forecast   >= 60% of the ceiling's requests/s, p99 < 10 ms
 *   POST /api/predict   >= 500 requests/s, p99 < 25 ms (633 bars of ^BSESN as JSON)
 *   every route         0 errors, 0 non-2xx
 *   the server          peak RSS (VmHWM) < 256 MB under the load, /readyz 200 within 2 s of the spawn
 *
 *   npm run bench:serve -- [--gate] [--margin=<percent>] [--duration=<s>] [--connections=<n>]
 *
 *   --gate           exit 1 when a target is missed by more than the margin
 *   --margin=P       how far past a target the gate tolerates, in percent (default 20): the
 *                    machine is shared and noisy, and a miss inside the margin is printed as
 *                    such. Errors and non-2xx get no margin: any is a failure.
 *   --duration=S     seconds of load per route, after 2 s of warm-up (default 10)
 *   --connections=N  concurrent connections (default 10)
 *   --rounds=N       rounds of the ratio (default 5). Each starts three new processes, two
 *                    identical ceilings and the server, and loads GET /api/forecast and the
 *                    two ceilings in turn, --slice seconds at a time (A, forecast, B; then B,
 *                    forecast, A), --round-duration seconds each in all, comparing it with the
 *                    mean of the two: the host's drift moves all three. The round with the
 *                    median ratio is reported and gated. B against A is an A/A test: its spread
 *                    is how finely this machine can tell two servers apart, and it is printed.
 *   --round-duration=S  seconds of load per server in a round, after 5 s of warm-up (default 5)
 *   --slice=S        seconds of one slice of a round's load (default 1)
 *
 * Started with --ceiling <port> <file> it is the ceiling server itself.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Fastify from "fastify";
import { loadConfig } from "../../core/config.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { PREDICTOR_WINDOW_BARS } from "../../dashboard/server/bundle/load-bundle.js";
import { symbolFileName } from "../../core/artifact-layout.js";
import { benchCommand, formatTable } from "./bench-utils.js";
import { currentLoad, writePerformanceSection } from "./performance-section.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
/** What `npm run serve` and the serving image run (keep the three in step). */
const SERVER_ENTRY = "build/server/main.cjs";
const SERVE_NODE_FLAGS: string[] = [];
/** warm-up of each server in a ratio round, seconds: they are new processes */
const ROUND_WARM_UP_SECONDS = 5;
const SELF = fileURLToPath(import.meta.url);
const PREDICT_SYMBOL = "^BSESN";

const TARGETS = {
  forecastRatio: 0.6,
  forecastP99Ms: 10,
  predictRps: 500,
  predictP99Ms: 25,
  rssMb: 256,
  readyMs: 2_000,
};

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.split("=")[1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

/** The ceiling: a bare Fastify route sending the same bytes, no logging, no plugins. */
async function runCeiling(port: number, file: string): Promise<void> {
  const json = readFileSync(file, "utf8");
  const app = Fastify({ logger: false });
  app.get("/api/forecast", (_request, reply) => {
    reply.type("application/json; charset=utf-8").send(json);
  });
  app.get("/readyz", async () => ({ status: "ready" }));
  await app.listen({ port, host: "127.0.0.1" });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface Child {
  process: ChildProcess;
  url: string;
  readyMs: number;
  /** the tail of its log file */
  output: () => string;
  logFile: string;
}

/** Spawns a server and waits for /readyz 200; the time counts from the spawn. */
async function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<Child> {
  const started = performance.now();
  // the logs go to a file, as to a log collector in another process: drained here, they would
  // take the load generator's own thread (autocannon runs in this process)
  const logFile = join(tmpdir(), `bench-serve-${process.pid}-${port}.log`);
  const log = openSync(logFile, "w");
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", log, log] });
  closeSync(log);
  const output = () => {
    const text = readFileSync(logFile, "utf8");
    return text.slice(-8_000);
  };
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${args.join(" ")} exited (${child.exitCode}):\n${output()}`);
    }
    const status = await fetch(`${url}/readyz`).then(
      (res) => res.arrayBuffer().then(() => res.status),
      () => 0,
    );
    if (status === 200)
      return { process: child, url, readyMs: performance.now() - started, output, logFile };
    if (performance.now() - started > 60_000) {
      child.kill();
      throw new Error(`${args.join(" ")} not ready after 60 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(child: Child): Promise<void> {
  await new Promise<void>((resolveStop) => {
    if (child.process.exitCode !== null) return resolveStop();
    child.process.once("exit", () => resolveStop());
    child.process.kill("SIGTERM");
  });
  rmSync(child.logFile, { force: true });
}

/** Lines in a child's log file so far. */
function logLines(child: Child): number {
  const text = readFileSync(child.logFile, "utf8");
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

/** The node process serving: node itself, or the child tsx runs the script in. */
function serverPid(wrapperPid: number): number {
  const children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return children[0] ?? wrapperPid;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return kb / 1024;
}

interface Load {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

interface LoadRequest {
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  /** a new body for every request */
  nextBody?: () => string;
}

async function load(
  name: string,
  url: string,
  request: LoadRequest,
  duration: number,
  connections: number,
  warmUpSeconds = 2,
): Promise<Load> {
  const { nextBody, ...fixed } = request;
  const options: autocannon.Options = {
    url,
    connections,
    method: fixed.method ?? "GET",
    ...fixed,
    ...(nextBody ? { requests: [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }] } : {}),
  };
  // warm-up: JIT, connections, caches
  if (warmUpSeconds > 0) await autocannon({ ...options, duration: warmUpSeconds });
  const result = await autocannon({ ...options, duration });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

interface RatioRound {
  a: Load;
  b: Load;
  forecast: Load;
  /** the two ceilings as one: the rate the forecast route is compared with */
  ceiling: Load;
  /** GET /api/forecast against the mean of the two ceilings */
  ratio: number;
  /** ceiling B against ceiling A: two identical servers, so any distance from 1 is noise */
  aa: number;
}

/** Loads of equal length as one: the mean rate and p50, the worst p99, the sums. */
function combined(name: string, parts: readonly Load[]): Load {
  const mean = (of: (l: Load) => number) => parts.reduce((sum, l) => sum + of(l), 0) / parts.length;
  const sum = (of: (l: Load) => number) => parts.reduce((total, l) => total + of(l), 0);
  return {
    name,
    rps: mean((l) => l.rps),
    p50: mean((l) => l.p50),
    p99: Math.max(...parts.map((l) => l.p99)),
    errors: sum((l) => l.errors),
    non2xx: sum((l) => l.non2xx),
    requests: sum((l) => l.requests),
  };
}

/** One round's three servers: two identical ceilings and the real server, each a new process. */
interface Trio {
  ceilingUrls: readonly [string, string];
  serverUrl: string;
  stop: () => Promise<void>;
}

/**
 * The forecast route against two identical ceilings, round after round. Every round starts
 * three new processes, so that one process's state (what V8 compiled, when its GCs ran) weighs
 * in one round only, and warms each up. Then it loads them in turn, a short slice each (A,
 * server, B; the next slice B, server, A), and adds each one's slices up: whatever else the
 * machine does comes and goes over seconds, so it falls on all three alike instead of on
 * whichever server happened to be loaded then.
 */
async function ratioRounds(
  rounds: number,
  slices: number,
  startTrio: () => Promise<Trio>,
  warmUp: (url: string) => Promise<unknown>,
  slice: (name: string, url: string) => Promise<Load>,
): Promise<RatioRound[]> {
  const names = ["ceiling A", "GET /api/forecast", "ceiling B"] as const;
  const done: RatioRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const trio = await startTrio();
    try {
      const urls = [trio.ceilingUrls[0], `${trio.serverUrl}/api/forecast`, trio.ceilingUrls[1]];
      for (const url of urls) await warmUp(url);
      const parts: Load[][] = [[], [], []];
      for (let s = 0; s < slices; s++) {
        const order = (round + s) % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
        for (const i of order) parts[i]!.push(await slice(names[i]!, urls[i]!));
      }
      const [a, forecast, b] = parts.map((p, i) => combined(names[i]!, p)) as [Load, Load, Load];
      const ceiling = combined("ceiling: bare Fastify GET /api/forecast (mean of A and B)", [a, b]);
      done.push({ a, b, forecast, ceiling, ratio: forecast.rps / ceiling.rps, aa: b.rps / a.rps });
    } finally {
      await trio.stop();
    }
  }
  return done;
}

/** The middle value of a sorted list (the lower one of an even count). */
function middle<T>(sorted: readonly T[]): T {
  return sorted[(sorted.length - 1) >> 1]!;
}

interface Check {
  what: string;
  value: string;
  target: string;
  /** 1 met, 0 missed within the margin, -1 missed by more */
  verdict: 1 | 0 | -1;
}

function atLeast(what: string, value: number, target: number, margin: number, unit: string): Check {
  const verdict = value >= target ? 1 : value >= target * (1 - margin) ? 0 : -1;
  const digits = unit === "" ? 2 : 0;
  return { what, value: `${value.toFixed(digits)}${unit}`, target: `>= ${target}${unit}`, verdict };
}

function below(what: string, value: number, target: number, margin: number, unit: string): Check {
  const verdict = value < target ? 1 : value < target * (1 + margin) ? 0 : -1;
  return { what, value: `${value.toFixed(1)} ${unit}`, target: `< ${target} ${unit}`, verdict };
}

function none(what: string, count: number): Check {
  return { what, value: String(count), target: "0", verdict: count === 0 ? 1 : -1 };
}

async function main(): Promise<void> {
  const startLoad = currentLoad();
  const gate = process.argv.includes("--gate");
  const margin = option("margin", 20) / 100;
  const duration = option("duration", 10);
  const connections = option("connections", 10);
  const rounds = Math.max(1, Math.round(option("rounds", 5)));
  const roundDuration = option("round-duration", 5);
  const slices = Math.max(1, Math.round(roundDuration / option("slice", 1)));
  const config = loadConfig();
  const artifactsDir = resolve(ROOT, config.ARTIFACTS_DIR);
  console.log(
    `bench:serve on ${cpus().length} core(s), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        " ",
      )}; bundle ${artifactsDir}; ${duration} s per route, ${connections} connections, ${rounds} rounds of ceiling A, forecast, ceiling B on new processes (${roundDuration} s each, in ${slices} interleaved slices, after ${ROUND_WARM_UP_SECONDS} s of warm-up)`,
  );

  const forecastJson = await readFile(join(artifactsDir, "forecasts", "latest.json"), "utf8");
  const ceilingFile = join(tmpdir(), `bench-serve-ceiling-${process.pid}.json`);
  // the same bytes the server sends: its answer is the bundle serialised once, compactly
  await writeFile(ceilingFile, JSON.stringify(JSON.parse(forecastJson)));
  const csv = await readFile(join(artifactsDir, "prices", symbolFileName(PREDICT_SYMBOL)), "utf8");
  const bars = parsePriceCsv(csv).bars.slice(-PREDICTOR_WINDOW_BARS);
  const predictBody = JSON.stringify({ symbol: PREDICT_SYMBOL, bars });

  // the build is not part of the start-up time (the serving image builds it once)
  const build = spawnSync("npm", ["run", "--silent", "build:server"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("npm run build:server failed");
  const startServer = async () => {
    const port = await freePort();
    return startChild(
      process.execPath,
      [...SERVE_NODE_FLAGS, SERVER_ENTRY],
      {
        ...process.env,
        ARTIFACTS_DIR: artifactsDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        // the bench measures serving, not the rate limiter: without this most answers are 429
        PREDICT_RATE_LIMIT: "1000000000",
      },
      port,
    );
  };
  const startCeiling = async () => {
    const port = await freePort();
    return startChild(TSX, [SELF, "--ceiling", String(port), ceilingFile], process.env, port);
  };
  const startTrio = async (): Promise<Trio> => {
    const started = await Promise.allSettled([startCeiling(), startCeiling(), startServer()]);
    const children = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r) => r.status === "rejected");
    if (failed !== undefined) {
      // none of the round's processes outlives a failed start
      await Promise.all(children.map(stop));
      throw failed.reason;
    }
    const [a, b, roundServer] = children as [Child, Child, Child];
    return {
      ceilingUrls: [`${a.url}/api/forecast`, `${b.url}/api/forecast`],
      serverUrl: roundServer.url,
      stop: async () => {
        await Promise.all([a, b, roundServer].map(stop));
      },
    };
  };
  // the server of the other routes, the memory figure and the start-up time, started alone
  const server = await startServer();

  try {
    const check = await fetch(`${server.url}/api/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: predictBody,
    });
    if (check.status !== 200)
      throw new Error(`POST /api/predict: ${check.status} ${await check.text()}`);
    const served = await (await fetch(`${server.url}/api/forecast`)).text();
    const sameJson = served === (await readFile(ceilingFile, "utf8"));

    const run = (name: string, url: string, request: LoadRequest = {}) =>
      load(name, url, request, duration, connections);
    // the round's processes are new: a longer warm-up lets V8 finish compiling the hot paths
    const ratioRuns = await ratioRounds(
      rounds,
      slices,
      startTrio,
      (url) => autocannon({ url, connections, duration: ROUND_WARM_UP_SECONDS }),
      (name, url) => load(name, url, {}, roundDuration / slices, connections, 0),
    );
    const byRatio = [...ratioRuns].sort((x, y) => x.ratio - y.ratio);
    const { ceiling: ceilingLoad, forecast } = middle(byRatio);
    const aaRatios = ratioRuns.map((r) => r.aa).sort((x, y) => x - y);
    const aaMedian = middle(aaRatios);
    const predict = await run("POST /api/predict", `${server.url}/api/predict`, {
      method: "POST",
      body: predictBody,
      headers: { "content-type": "application/json" },
    });
    // every body different (the newest bar's volume counts up), so no forecast comes from the
    // cache: the cost of computing one
    let counter = 0;
    const [head, last] = [bars.slice(0, -1), bars.at(-1)!];
    const prefix = JSON.stringify({ symbol: PREDICT_SYMBOL, bars: head }).slice(0, -2);
    const uncached = await run("POST /api/predict, new bars each", `${server.url}/api/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      nextBody: () => `${prefix},${JSON.stringify({ ...last, volume: last.volume + ++counter })}]}`,
    });
    const model = await run("GET /api/model", `${server.url}/api/model`);
    const health = await run("GET /healthz", `${server.url}/healthz`);
    const rss = rssMb(serverPid(server.process.pid!));
    // the peak too: VmRSS alone depends on whether V8 has just run a full GC
    const peakRss = rssMb(serverPid(server.process.pid!), "VmHWM");
    // the server's log is flushed every 500 ms; wait for the last batch
    await new Promise((r) => setTimeout(r, 700));
    const loggedLines = logLines(server);

    const loads = [ceilingLoad, forecast, predict, uncached, model, health];
    const ratio = forecast.rps / ceilingLoad.rps;
    const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
    const everyRound = ratioRuns.map(
      (r) =>
        `${r.forecast.rps.toFixed(0)}/${r.ceiling.rps.toFixed(0)} = ${percent(r.ratio)} (A ${r.a.rps.toFixed(0)}, B ${r.b.rps.toFixed(0)})`,
    );
    console.log("");
    for (const line of formatTable(
      ["route", "req/s", "p50 ms", "p99 ms", "errors", "non-2xx", "requests", "vs ceiling"],
      loads.map((l) => [
        l.name,
        l.rps.toFixed(0),
        l.p50.toFixed(1),
        l.p99.toFixed(1),
        String(l.errors),
        String(l.non2xx),
        String(l.requests),
        l === ceilingLoad ? "" : `${((l.rps / ceilingLoad.rps) * 100).toFixed(0)}%`,
      ]),
    )) {
      console.log(line);
    }
    console.log("");
    console.log(
      `ready: /readyz 200 ${server.readyMs.toFixed(0)} ms after spawning node ${[...SERVE_NODE_FLAGS, SERVER_ENTRY].join(" ")}`,
    );
    console.log(
      `memory: server RSS ${rss.toFixed(0)} MB after the load (VmRSS of the node process), peak ${peakRss.toFixed(0)} MB (VmHWM)`,
    );
    console.log(
      `predict body: ${bars.length} bars of ${PREDICT_SYMBOL}, ${predictBody.length} bytes of JSON`,
    );
    console.log(
      "POST /api/predict sends one body again and again: after the first, its forecast comes from the cache (a deterministic model); the 'new bars each' row changes the newest bar every time, so every forecast is computed",
    );
    console.log(`ceiling sends the same bytes as GET /api/forecast: ${sameJson ? "yes" : "NO"}`);
    console.log(
      `server log: ${loggedLines} JSON lines at LOG_LEVEL=${config.LOG_LEVEL} (${["debug", "info"].includes(config.LOG_LEVEL) ? "one per request" : "request lines are logged at info"}), written to a file as for a log collector in another process`,
    );
    console.log(
      `GET /api/forecast against the mean of ceilings A and B, round by round (${roundDuration} s each in ${slices} slices): ${everyRound.join(", ")}; the table shows the median round`,
    );
    console.log(
      `A/A: ceiling B against the identical ceiling A, round by round: ${ratioRuns.map((r) => percent(r.aa)).join(", ")}; median ${percent(aaMedian)}, range ${percent(aaRatios[0]!)} to ${percent(aaRatios.at(-1)!)}: two servers closer than that cannot be told apart on this machine in one round`,
    );

    const checks: Check[] = [
      atLeast("GET /api/forecast / ceiling", ratio, TARGETS.forecastRatio, margin, ""),
      below("GET /api/forecast p99", forecast.p99, TARGETS.forecastP99Ms, margin, "ms"),
      atLeast("POST /api/predict req/s", predict.rps, TARGETS.predictRps, margin, ""),
      below("POST /api/predict p99", predict.p99, TARGETS.predictP99Ms, margin, "ms"),
      none(
        "errors (all routes)",
        loads.reduce((n, l) => n + l.errors, 0),
      ),
      none(
        "non-2xx (all routes)",
        loads.reduce((n, l) => n + l.non2xx, 0),
      ),
      below("server peak RSS under load (VmHWM)", peakRss, TARGETS.rssMb, margin, "MB"),
      below("spawn to /readyz 200", server.readyMs, TARGETS.readyMs, margin, "ms"),
    ];
    const verdicts = { 1: "met", 0: `missed, within the ${margin * 100}% margin`, [-1]: "MISSED" };
    console.log("");
    for (const line of formatTable(
      ["target", "measured", "target", "verdict"],
      checks.map((c) => [c.what, c.value, c.target, verdicts[c.verdict]]),
    )) {
      console.log(line);
    }
    const failed = checks.filter((c) => c.verdict === -1);
    await writePerformanceSection(
      "serve",
      benchCommand("bench:serve"),
      checks.map((c) => ({
        figure: c.what,
        measured: c.value,
        target: c.target,
        met: c.verdict === 1,
      })),
      startLoad,
    );
    if (gate && failed.length > 0) {
      console.error(`\ngate: ${failed.length} target(s) missed by more than the margin`);
      process.exitCode = 1;
    }
  } finally {
    await stop(server);
  }
}

if (process.argv[2] === "--ceiling") {
  await runCeiling(Number(process.argv[3]), process.argv[4]!);
} else {
  await main();
}
