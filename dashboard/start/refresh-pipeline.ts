/**
 * `npm start`'s first step: every pipeline stage through the stage cache, which reruns a stage
 * only when its inputs, code or outputs changed, so outputs that are missing or stale are
 * rebuilt and a start with nothing new takes seconds.
 */
import type { Config } from "../../core/config.js";
import type { RunReport } from "../../core/contracts.js";
import { workDirFor, type PipelineOptions } from "../../pipeline/context.js";
import { createProgress } from "../../pipeline/progress.js";
import { ALL_STAGES, runPipeline } from "../../pipeline/run.js";
import { loadUniverse } from "../../pipeline/universe.js";
import { StartupError } from "../server/entry-point.js";

export type Say = (line: string) => void;

function summarizeRun(report: RunReport): string {
  const ran = report.stages.filter((s) => s.status === "ran").map((s) => s.stage);
  const failed = report.stages.find((s) => s.status === "failed")?.stage;
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  const work =
    failed !== undefined
      ? `${failed} failed`
      : ran.length === 0
        ? "every stage up to date"
        : `ran ${ran.join(", ")}`;
  return `pipeline run ${report.runId}: ${report.status} in ${seconds.toFixed(1)} s (${work})`;
}

/** Runs the pipeline; a failed run throws a StartupError naming the stage and what to do. */
export async function refreshPipeline(
  config: Config,
  say: Say,
  options: Partial<PipelineOptions> = {},
): Promise<RunReport> {
  say(`pipeline: bringing ${config.ARTIFACTS_DIR} up to date (source: ${config.DATA_SOURCE})`);
  const report = await runPipeline(
    {
      config,
      options: { source: config.DATA_SOURCE, force: false, ...options },
      universe: await loadUniverse(config.SNAPSHOT_DIR),
      artifactsDir: config.ARTIFACTS_DIR,
      workDir: workDirFor(config.ARTIFACTS_DIR, undefined),
      progress: createProgress("auto"),
    },
    "run",
    ALL_STAGES,
  );
  say(summarizeRun(report));
  if (report.status === "failed") {
    throw new StartupError(
      `the pipeline failed, so the server was not started: ${report.error}\n` +
        `  see ${config.ARTIFACTS_DIR}/runs/${report.runId}.json; fix the cause and run npm start again,\n` +
        `  or serve the bundle published before with npm run serve`,
    );
  }
  return report;
}
