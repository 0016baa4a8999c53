/**
 * `npm run docker:smoke [-- --artifacts DIR --dashboard DIR --keep]`: replays the serving image
 * without a Docker engine. In a temporary folder it lays out what the runtime stage of
 * Dockerfile.serving copies (the deps stage's commands run as written, so `npm ci --omit=dev`
 * installs production dependencies only; the serving bundle is extracted as the build stage
 * does; sources and the built dashboard come from the checkout), applies the stage's ENV,
 * starts its CMD with PORT set to a free port, probes /readyz and /api/forecast, and stops it.
 * Needs a pipeline run (the champion model) and a built dashboard, as `docker build` does.
 * The Dockerfile is read with dockerfile-ast; the invariant test reads it through the same
 * `servingPlan`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DockerfileParser, Env, type Instruction as AstInstruction } from "dockerfile-ast";
import { copyServingBundle } from "./deploy/serving-bundle.js";

export interface Instruction {
  keyword: string;
  /** the arguments as one line (continuations joined, comments dropped), without flags */
  args: string;
  /** 1-based line of the keyword */
  line: number;
  flags: ReadonlyMap<string, string | null>;
  env: Readonly<Record<string, string>>;
}

export interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

interface CopyInstruction {
  from: string | null;
  chown: string | null;
  sources: string[];
  dest: string;
}

function toInstruction(i: AstInstruction): Instruction {
  const flags = new Map<string, string | null>();
  if ("getFlags" in i && typeof i.getFlags === "function") {
    for (const flag of (
      i as { getFlags(): { getName(): string; getValue(): string | null }[] }
    ).getFlags())
      flags.set(flag.getName(), flag.getValue());
  }
  const env: Record<string, string> = {};
  if (i instanceof Env) {
    for (const p of i.getProperties()) env[p.getName()] = p.getValue() ?? "";
  }
  return {
    keyword: i.getKeyword().toUpperCase(),
    args: i.getArgumentsContent() ?? "",
    line: i.getRange().start.line + 1,
    flags,
    env,
  };
}

/** The stages of a Dockerfile, each with its instructions after FROM. */
export function readStages(path: string): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(path, "utf8"));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === "FROM") {
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
      stages.push({
        image: from.getImage() ?? "",
        name: from.getBuildStage() ?? null,
        instructions: [],
      });
    } else {
      const stage = stages.at(-1);
      const line = instruction.getRange().start.line + 1;
      if (!stage) throw new Error(`${path}:${line}: ${keyword} before FROM`);
      stage.instructions.push(toInstruction(instruction));
    }
  }
  return stages;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

export function parseCopy(copy: Instruction): CopyInstruction {
  const words = copy.args.startsWith("[")
    ? (JSON.parse(copy.args) as string[])
    : copy.args.split(/\s+/).filter(Boolean);
  if (words.length < 2) throw new Error(`line ${copy.line}: COPY needs a source and a destination`);
  return {
    from: copy.flags.get("from") ?? null,
    chown: copy.flags.get("chown") ?? null,
    sources: words.slice(0, -1),
    dest: words.at(-1)!,
  };
}

/** The exec (JSON array) form of CMD, ENTRYPOINT or the command of a HEALTHCHECK. */
function execForm(args: string): string[] {
  const start = args.indexOf("[");
  if (start < 0) throw new Error(`expected the exec form ["cmd", "arg"]: ${args}`);
  const parsed: unknown = JSON.parse(args.slice(start));
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`expected a JSON array of strings: ${args}`);
  }
  return parsed;
}

interface ServingPlan {
  stages: Stage[];
  runtime: Stage;
  copies: CopyInstruction[];
  env: Record<string, string>;
  cmd: string[];
  workdir: string;
  user: string | null;
  exposed: string[];
  healthcheck: string[];
}

function stageNamed(stages: readonly Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage named "${name}" in the Dockerfile`);
  return stage;
}

/**
 * What the serving image holds: the runtime stage's COPY instructions, its environment,
 * command, exposed port, user and health check, and the stages it copies from.
 */
export function servingPlan(dockerfile: string): ServingPlan {
  const stages = readStages(dockerfile);
  const runtime = stages.at(-1);
  if (!runtime) throw new Error(`${dockerfile} has no stage`);
  const last = (keyword: string) => instructionsOf(runtime, keyword).at(-1)?.args;
  const env: Record<string, string> = {};
  for (const i of instructionsOf(runtime, "ENV")) Object.assign(env, i.env);
  const cmd = last("CMD");
  if (!cmd) throw new Error(`${dockerfile}: the runtime stage has no CMD`);
  const health = last("HEALTHCHECK");
  return {
    stages,
    runtime,
    copies: instructionsOf(runtime, "COPY").map(parseCopy),
    env,
    cmd: execForm(cmd),
    workdir: last("WORKDIR") ?? "/",
    user: last("USER") ?? null,
    exposed: instructionsOf(runtime, "EXPOSE").flatMap((i) => i.args.split(/\s+/)),
    healthcheck: health ? execForm(health.slice(health.indexOf("CMD") + 3)) : [],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Probe {
  status: number;
  body: string;
}

async function get(url: string, timeoutMs = 5_000): Promise<Probe> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** Polls `url` until it answers 200; throws with the last answer when `deadlineMs` passes. */
async function waitFor200(url: string, deadlineMs: number, alive: () => boolean): Promise<Probe> {
  const until = Date.now() + deadlineMs;
  let last = "no answer yet";
  while (Date.now() < until) {
    if (!alive()) throw new Error(`the server exited before ${url} answered 200 (${last})`);
    try {
      const probe = await get(url);
      if (probe.status === 200) return probe;
      last = `${probe.status} ${probe.body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${last})`);
}

interface SmokeOptions {
  repoDir: string;
  dockerfile?: string;
  /** the artifacts the build stage would extract the bundle from */
  artifactsDir?: string;
  /** the built dashboard (the build stage's dashboard/dist) */
  dashboardDir?: string;
  readyTimeoutMs?: number;
  keep?: boolean;
  log?: (line: string) => void;
}

interface SmokeResult {
  dir: string;
  port: number;
  readyz: string;
  forecastSymbols: number;
}

function run(command: string, cwd: string, log: (l: string) => void): Promise<void> {
  log(`$ ${command}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn("sh", ["-c", command], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        npm_config_prefer_offline: "true",
        npm_config_update_notifier: "false",
      },
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`\`${command}\` exited with ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

/** Replays a stage that only copies from the build context and runs commands, into `dir`. */
async function replayStage(stage: Stage, repoDir: string, dir: string, log: (l: string) => void) {
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "COPY") {
      const copy = parseCopy(instruction);
      if (copy.from) throw new Error(`stage ${stage.name}: COPY --from cannot be replayed here`);
      for (const source of copy.sources) {
        await cp(
          join(repoDir, source),
          join(dir, copy.dest, copy.sources.length > 1 ? source : ""),
          {
            recursive: true,
          },
        );
      }
    } else if (instruction.keyword === "RUN") {
      await run(instruction.args, dir, log);
    }
  }
}

function within(path: string, root: string): string | null {
  const rel = posix.relative(root, path);
  return rel.startsWith("..") || posix.isAbsolute(rel) ? null : rel;
}

async function layOut(opts: Required<Omit<SmokeOptions, "keep" | "readyTimeoutMs">>, dir: string) {
  const plan = servingPlan(opts.dockerfile);
  const build = stageNamed(plan.stages, "build");
  const buildWorkdir = instructionsOf(build, "WORKDIR").at(-1)?.args ?? "/";
  for (const copy of plan.copies) {
    if (!copy.from) throw new Error("the runtime stage copies from the build context directly");
    const stage = stageNamed(plan.stages, copy.from);
    for (const source of copy.sources) {
      const target =
        copy.sources.length > 1 || copy.dest.endsWith("/")
          ? join(dir, copy.dest, posix.basename(source))
          : join(dir, copy.dest);
      if (copy.from === "deps") {
        const stageDir = await mkdtemp(join(tmpdir(), "serving-deps-"));
        await replayStage(stage, opts.repoDir, stageDir, opts.log);
        const inStage = within(source, instructionsOf(stage, "WORKDIR").at(-1)?.args ?? "/");
        if (inStage === null) throw new Error(`deps: cannot map ${source}`);
        await mkdir(dirname(target), { recursive: true });
        await cp(join(stageDir, inStage), target, { recursive: true, verbatimSymlinks: true });
        await rm(stageDir, { recursive: true, force: true });
      } else if (source === "/bundle") {
        const files = await copyServingBundle(opts.artifactsDir, target);
        opts.log(`serving bundle: ${files.length} file(s) from ${opts.artifactsDir}`);
      } else {
        const rel = within(source, buildWorkdir);
        if (rel === null) throw new Error(`${copy.from}: cannot map ${source} to the checkout`);
        // the build stage compiles the server; do the same here so the copy is of this checkout
        if (rel === "build/server") {
          opts.log("$ npm run build:server");
          execFileSync("npm", ["run", "--silent", "build:server"], {
            cwd: opts.repoDir,
            stdio: "ignore",
          });
        }
        const from = rel === "dashboard/dist" ? opts.dashboardDir : join(opts.repoDir, rel);
        if (!existsSync(from)) {
          throw new Error(
            `${from} is missing (the image copies ${source}); ${rel === "dashboard/dist" ? "build the dashboard first (npm run dashboard:build)" : "is the checkout complete?"}`,
          );
        }
        await mkdir(dirname(target), { recursive: true });
        await cp(from, target, { recursive: true });
      }
    }
  }
  return plan;
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
    child.kill("SIGTERM");
  });
}

export async function runServingSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const repoDir = resolve(options.repoDir);
  const opts = {
    repoDir,
    dockerfile: options.dockerfile ?? join(repoDir, "Dockerfile.serving"),
    artifactsDir: options.artifactsDir ?? join(repoDir, "artifacts"),
    dashboardDir: options.dashboardDir ?? join(repoDir, "dashboard", "dist"),
    log: options.log ?? (() => {}),
  };
  const dir = await mkdtemp(join(tmpdir(), "serving-smoke-"));
  let child: ChildProcess | undefined;
  let output = "";
  try {
    const plan = await layOut(opts, dir);
    const port = await freePort();
    const [command, ...args] = plan.cmd;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...plan.env,
      PORT: String(port),
      HOST: "127.0.0.1",
    };
    delete env.NODE_OPTIONS; // the test runner's loaders must not leak into the replayed CMD
    opts.log(`$ PORT=${port} ${plan.cmd.join(" ")}   (in ${relative(repoDir, dir) || dir})`);
    child = spawn(command === "node" ? process.execPath : command!, args, {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const base = `http://127.0.0.1:${port}`;
    const isAlive = () => child?.exitCode === null && child.signalCode === null;
    let readyz;
    try {
      readyz = await waitFor200(`${base}/readyz`, options.readyTimeoutMs ?? 120_000, isAlive);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nserver output:\n${output.slice(-3000)}`, {
        cause: error,
      });
    }
    const forecast = await get(`${base}/api/forecast`);
    if (forecast.status !== 200) {
      throw new Error(`/api/forecast answered ${forecast.status}: ${forecast.body.slice(0, 300)}`);
    }
    const body = JSON.parse(forecast.body) as { forecasts?: unknown[] };
    if (!Array.isArray(body.forecasts) || body.forecasts.length === 0) {
      throw new Error(`/api/forecast has no forecasts: ${forecast.body.slice(0, 300)}`);
    }
    return { dir, port, readyz: readyz.body, forecastSymbols: body.forecasts.length };
  } finally {
    if (child) await stop(child);
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      artifacts: { type: "string" },
      dashboard: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const started = Date.now();
  try {
    const result = await runServingSmoke({
      repoDir: process.cwd(),
      ...(values.artifacts ? { artifactsDir: values.artifacts } : {}),
      ...(values.dashboard ? { dashboardDir: values.dashboard } : {}),
      keep: values.keep,
      log: (line) => console.log(line),
    });
    console.log(`/readyz: ${result.readyz}`);
    console.log(`/api/forecast: ${result.forecastSymbols} forecast(s)`);
    console.log(`serving smoke passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (values.keep) console.log(`kept ${result.dir}`);
  } catch (error) {
    console.error(`serving smoke failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  await main();
}
