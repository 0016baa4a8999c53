import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../core/config.js";
import { workDirFor, type PipelineContext, type PipelineOptions } from "../../pipeline/context.js";
import { createProgress } from "../../pipeline/progress.js";
import { loadUniverse } from "../../pipeline/universe.js";

export function tempArtifactsDir(prefix = "artifacts-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A pipeline context on the real snapshot writing into `artifactsDir`, silent. */
export async function testContext(
  artifactsDir: string,
  options: Partial<PipelineOptions> = {},
  env: Record<string, string> = {},
): Promise<PipelineContext> {
  const config = loadConfig(
    { ARTIFACTS_DIR: artifactsDir, ...env },
    join(artifactsDir, "no-dotenv"),
  );
  const full: PipelineOptions = { source: "snapshot", force: false, ...options };
  return {
    config,
    options: full,
    universe: await loadUniverse(config.SNAPSHOT_DIR),
    artifactsDir,
    workDir: workDirFor(artifactsDir, full.shard),
    progress: createProgress("silent"),
  };
}
