/**
 * `npm start`'s second step: builds the dashboard when its build is missing or older than the
 * artifacts it shows, with dashboard/build.ts when that module exists. Without it (or when the
 * build fails) the server still starts: the API works and / says how to build the pages.
 */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../../core/config.js";
import type { Say } from "./refresh-pipeline.js";
import { paths } from "../../core/artifact-layout.js";

interface DashboardBuilder {
  buildDashboard(): Promise<void>;
}

/** dashboard/build.ts, or null while it does not exist. */
async function importBuilder(): Promise<DashboardBuilder | null> {
  // a specifier in a variable: the module may not exist when this file is type-checked
  const url = new URL("../build.ts", import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const module = (await import(url.href)) as Partial<DashboardBuilder>;
  if (typeof module.buildDashboard !== "function") {
    throw new Error("dashboard/build.ts does not export buildDashboard()");
  }
  return { buildDashboard: module.buildDashboard };
}

/**
 * The artifacts the pages are built from. Run reports are left out: every start writes one,
 * and a new report alone does not make the pages worth rebuilding.
 */
export function dashboardInputs(artifactsDir: string): string[] {
  return [
    paths.latestForecast(artifactsDir),
    paths.ledger(artifactsDir),
    paths.aliases(artifactsDir),
    paths.rawManifest(artifactsDir),
    paths.quality(artifactsDir),
    paths.featureManifest(artifactsDir),
  ];
}

async function mtimeMs(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.mtimeMs,
    () => null,
  );
}

/** Why the build in `dashboardDir` needs redoing, or null when it is up to date. */
export async function staleReason(dashboardDir: string, inputs: readonly string[]) {
  const built = await mtimeMs(join(dashboardDir, "index.html"));
  if (built === null) return `no build in ${dashboardDir}`;
  for (const input of inputs) {
    const changed = await mtimeMs(input);
    if (changed !== null && changed > built) return `${input} is newer than the build`;
  }
  return null;
}

export async function refreshDashboard(
  config: Config,
  say: Say,
  loadBuilder: () => Promise<DashboardBuilder | null> = importBuilder,
): Promise<"built" | "up-to-date" | "not-built"> {
  const reason = await staleReason(config.DASHBOARD_DIR, dashboardInputs(config.ARTIFACTS_DIR));
  if (reason === null) {
    say(`dashboard: the build in ${config.DASHBOARD_DIR} is up to date`);
    return "up-to-date";
  }
  const builder = await loadBuilder().catch((error: unknown) => {
    say(`dashboard: cannot load dashboard/build.ts: ${(error as Error).message}`);
    return null;
  });
  if (builder === null) {
    say(
      `dashboard: not built (${reason}; dashboard/build.ts is not available); / shows how to build it`,
    );
    return "not-built";
  }
  say(`dashboard: building (${reason})`);
  const started = performance.now();
  try {
    await builder.buildDashboard();
  } catch (error) {
    say(
      `dashboard: the build failed, serving the API without fresh pages: ${(error as Error).message}`,
    );
    return "not-built";
  }
  say(`dashboard: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return "built";
}
