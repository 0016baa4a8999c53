/**
 * Builds the dashboard: `observable build` in dashboard/ into dashboard/dist, with the loader
 * cache cleared first so every page is built from the artifacts as they are now. The build
 * goes to a temporary folder that replaces dist only when it succeeded, so a failed build
 * (a missing or invalid artifact: the loader's message names it) leaves the previous one whole.
 * `npm run dashboard:build` runs this file; `npm start` calls buildDashboard().
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DASHBOARD_ROOT = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(DASHBOARD_ROOT, "dist");
export const CACHE_DIR = join(DASHBOARD_ROOT, "src", ".observablehq", "cache");
/** Framework's cache of npm version look-ups: kept, so a rebuild asks the registry nothing */
const KEPT_CACHE_ENTRIES = new Set(["_npm"]);

export class DashboardBuildError extends Error {
  override name = "DashboardBuildError";
}

function observableCli(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@observablehq/framework/package.json");
  return join(dirname(pkg), "dist", "bin", "observable.js");
}

/** The environment of the build: Framework's telemetry off, tsx (the .ts loaders' runner) on PATH. */
export function buildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const bin = resolve(DASHBOARD_ROOT, "..", "node_modules", ".bin");
  return {
    ...env,
    OBSERVABLE_TELEMETRY_DISABLE: "true",
    PATH: [bin, env.PATH ?? ""].join(delimiter),
  };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [observableCli(), ...args], {
      cwd: DASHBOARD_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (env.DASHBOARD_BUILD_QUIET !== "true") process.stderr.write(chunk);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

/** What a failed build says about why: the data loaders' own messages, else Framework's errors. */
export function failureSummary(output: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const loaders = [...plain.matchAll(/dashboard data loader \S+ failed: .*/g)].map((m) => m[0]);
  if (loaders.length > 0) return [...new Set(loaders)].join("\n");
  const lines = plain.split(/\r?\n/).map((l) => l.trim());
  const errors = lines.filter((l) => /error/i.test(l));
  return (errors.length > 0 ? errors.slice(-12) : lines.slice(-20)).join("\n");
}

/** Empties Framework's cache (the data loaders' outputs and bundled modules), but for KEPT_CACHE_ENTRIES. */
export async function clearLoaderCache(): Promise<void> {
  if (!existsSync(CACHE_DIR)) return;
  for (const entry of await readdir(CACHE_DIR)) {
    if (!KEPT_CACHE_ENTRIES.has(entry))
      await rm(join(CACHE_DIR, entry), { recursive: true, force: true });
  }
}

async function newestMtime(dir: string, skip: (name: string) => boolean): Promise<number> {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(path, skip) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/** Whether dist is missing or older than the artifacts or the pages' sources. */
export async function dashboardIsStale(artifactsDir: string, distDir = DIST_DIR): Promise<boolean> {
  const index = join(distDir, "index.html");
  if (!existsSync(index)) return true;
  const built = (await stat(index)).mtimeMs;
  const hidden = (name: string) => name.startsWith(".");
  const sources = Math.max(
    await newestMtime(join(DASHBOARD_ROOT, "src"), hidden),
    await newestMtime(join(DASHBOARD_ROOT, "loaders"), hidden),
  );
  // a run report alone (every start writes one) is not worth a rebuild, nor are screenshots
  const artifacts = await newestMtime(
    artifactsDir,
    (n) => hidden(n) || n === "screenshots" || n === "runs",
  );
  return Math.max(sources, artifacts) > built;
}

export async function buildDashboard(): Promise<void> {
  const tmpName = `.dist-building-${process.pid}`;
  const tmpDir = join(DASHBOARD_ROOT, tmpName);
  await clearLoaderCache();
  await rm(tmpDir, { recursive: true, force: true });
  const env = { ...buildEnv(), DASHBOARD_OUTPUT_DIR: tmpName };
  const { code, output } = await run(["build"], env);
  // Framework reports a failed data loader and carries on; the build must not
  const loaderFailed = /dashboard data loader .+ failed/.test(output);
  if (code !== 0 || loaderFailed || !existsSync(join(tmpDir, "index.html"))) {
    await rm(tmpDir, { recursive: true, force: true });
    throw new DashboardBuildError(`the dashboard build failed:\n${failureSummary(output)}`);
  }
  await rm(DIST_DIR, { recursive: true, force: true });
  await rename(tmpDir, DIST_DIR);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDashboard().then(
    () => console.log(`dashboard built into ${DIST_DIR}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
