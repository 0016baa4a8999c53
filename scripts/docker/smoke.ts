/**
 * Replays the serving image without a Docker engine: in a temporary folder, lays out what the
 * runtime stage of Dockerfile.serving copies (the deps stage's commands run as written, so
 * `npm ci --omit=dev` installs production dependencies only; the serving bundle is extracted
 * as the build stage does; sources and the built dashboard come from the checkout), applies
 * the stage's ENV, starts its CMD with PORT set to a free port, probes /readyz and
 * /api/forecast, and stops it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { copyServingBundle } from "../deploy/serving-bundle.js";
import { instructionsOf, parseCopy, type Stage } from "./dockerfile.js";
import { freePort, get, waitFor200 } from "./http-probe.js";
import { servingPlan, stageNamed } from "./serving-plan.js";

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
      const copy = parseCopy(instruction.args);
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
