/**
 * A real serving bundle for the server tests: the pipeline run on the snapshot with a tiny
 * configuration (the index and two stocks, two epochs, a short walk-forward), built once into
 * a shared folder under a lock so test files running in parallel share it; the stage cache
 * makes every later call a quick no-op. Tests that change a bundle work on a copy.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadConfig, type Config } from "../../core/config.js";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { ALL_STAGES, runPipeline } from "../../pipeline/run.js";
import { symbolFileName } from "../../core/artifact-layout.js";
import { tempArtifactsDir, testContext } from "./pipeline-context.js";

export const SERVER_TEST_SYMBOLS = ["^BSESN", "INFY.NS", "TCS.NS"];
// the canary gate trains with these options, so on 3 symbols they must give it enough steps
const PIPELINE_ENV = {
  WALK_FORWARD_FIRST_TEST_DATE: "2021-01-01",
  TRAIN_MAX_EPOCHS: "3",
  TRAIN_BATCH_SIZE: "1024",
  TRAIN_LEARNING_RATE: "0.01",
};
const SHARED_DIR = join(tmpdir(), "sensex-mlops-server-test-bundle");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const pidFile = join(lockDir, "pid");
      const holder = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
      // a holder that died (a killed test run) must not block every later run
      if (holder > 0 && !alive(holder)) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  writeFileSync(join(lockDir, "pid"), String(process.pid));
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** The shared bundle's artifacts folder, built (or brought up to date) first. Read only. */
export async function sharedServerBundle(): Promise<string> {
  await withLock(`${SHARED_DIR}.lock`, async () => {
    const ctx = await testContext(SHARED_DIR, { symbols: SERVER_TEST_SYMBOLS }, PIPELINE_ENV);
    const report = await runPipeline(ctx, "run", ALL_STAGES);
    if (report.status !== "succeeded") throw new Error(`test bundle: ${report.error}`);
  });
  return SHARED_DIR;
}

/** A private copy of a bundle, to change or republish. */
export async function copyOfBundle(artifactsDir: string): Promise<string> {
  const copy = tempArtifactsDir("server-bundle-");
  await cp(artifactsDir, copy, { recursive: true });
  return copy;
}

/** Server configuration for tests: silent, no dashboard build, no .env. */
export function serverConfig(artifactsDir: string, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      ARTIFACTS_DIR: artifactsDir,
      LOG_LEVEL: "silent",
      DASHBOARD_DIR: join(artifactsDir, "no-dashboard-build"),
      ...env,
    },
    join(artifactsDir, "no-dotenv"),
  );
}

/** A symbol's validated bars, as the forecast stage read them. */
export async function validatedBars(artifactsDir: string, symbol: string): Promise<Bar[]> {
  const text = await readFile(join(artifactsDir, "prices", symbolFileName(symbol)), "utf8");
  return parsePriceCsv(text).bars;
}

export async function validatedCsv(artifactsDir: string, symbol: string): Promise<string> {
  return readFile(join(artifactsDir, "prices", symbolFileName(symbol)), "utf8");
}

/** Starts `app` on a free local port; returns its base URL. */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

/** Overwrites the champion's weights with NaNs, same size: it loads, but forecasts nonsense. */
export async function damageChampionWeights(artifactsDir: string): Promise<void> {
  const { champion } = JSON.parse(
    await readFile(join(artifactsDir, "registry", "aliases.json"), "utf8"),
  ) as { champion: number };
  const path = join(artifactsDir, "registry", "models", String(champion), "weights.bin");
  const size = (await readFile(path)).length;
  await writeFile(path, Buffer.from(new Float32Array(size / 4).fill(Number.NaN).buffer));
}
