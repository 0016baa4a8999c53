/**
 * Runs a list of stages in order with the stage cache, stops at the first failure, and writes
 * the run report `runs/<run-id>.json` (stage, status, duration, hashes).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { RunReport, StageRecord } from "../core/contracts.js";
import { writeJsonAtomic } from "../core/store.js";
import type { PipelineContext } from "./context.js";
import { runStage, type StageDefinition } from "./stage-runner.js";
import { featuresStage } from "./stages/features.js";
import { ingestStage } from "./stages/ingest.js";
import { mergeStage } from "./stages/merge.js";
import { validateStage } from "./stages/validate.js";
import { paths } from "../core/artifact-layout.js";

/** The data stages, which work per symbol and so run per shard. */
export const DATA_STAGES: readonly StageDefinition[] = [ingestStage, validateStage, featuresStage];
/**
 * A stage whose module is loaded on first use: the model stages pull in TensorFlow.js, which
 * takes seconds to import, and the data stages should not wait for it.
 */
function lazyStage(name: string, load: () => Promise<StageDefinition>): StageDefinition {
  let loaded: Promise<StageDefinition> | undefined;
  const get = () => (loaded ??= load());
  return {
    name,
    cacheable: true,
    entry: `pipeline/stages/${name}.ts`,
    inputHash: async (ctx) => (await get()).inputHash(ctx),
    outputHash: async (ctx) => (await get()).outputHash(ctx),
    run: async (ctx, progress) => (await get()).run(ctx, progress),
  };
}

/** The model stages, which work on the merged data. */
const MODEL_STAGES: readonly StageDefinition[] = [
  lazyStage("train", async () => (await import("./stages/train.js")).trainStage),
  lazyStage("evaluate", async () => (await import("./stages/evaluate.js")).evaluateStage),
  lazyStage("register", async () => (await import("./stages/register.js")).registerStage),
  lazyStage("forecast", async () => (await import("./stages/forecast.js")).forecastStage),
];
/** Every stage of `pipeline run`, in order. */
export const ALL_STAGES: readonly StageDefinition[] = [...DATA_STAGES, ...MODEL_STAGES];
export const STAGES_BY_COMMAND: Record<string, StageDefinition> = Object.fromEntries(
  [...ALL_STAGES, mergeStage].map((s) => [s.name, s]),
);

function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
}

export async function runPipeline(
  ctx: PipelineContext,
  command: string,
  stages: readonly StageDefinition[],
): Promise<RunReport> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const records: StageRecord[] = [];
  let error: string | null = null;
  const alarms: string[] = [];
  for (const stage of stages) {
    const record = await runStage(stage, ctx);
    records.push(record);
    if (record.status === "failed") {
      error = `${stage.name} failed: ${record.message}`;
      break;
    }
    const alarm = record.details?.alarm;
    if (typeof alarm === "string") alarms.push(`${stage.name}: ${alarm}`);
  }
  if (!error && alarms.length > 0) error = alarms.join("; ");
  ctx.progress.close();
  const report: RunReport = {
    schemaVersion: 1,
    runId,
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    status: error ? "failed" : "succeeded",
    options: {
      source: ctx.options.source,
      dataDir: ctx.options.dataDir ?? null,
      symbols: ctx.options.symbols ?? null,
      from: ctx.options.from ?? null,
      to: ctx.options.to ?? null,
      shard: ctx.options.shard ? `${ctx.options.shard.index}/${ctx.options.shard.count}` : null,
      force: ctx.options.force,
    },
    stages: records,
    error,
  };
  await writeJsonAtomic(join(paths.runsDir(ctx.artifactsDir), `${runId}.json`), report);
  return report;
}
