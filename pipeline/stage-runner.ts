/**
 * Runs one stage with the stage cache: a stage whose input hash and intact outputs match its
 * last record is skipped and says so, as `dvc repro` does; `--force` reruns it.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { StageRecord } from "../core/contracts.js";
import { combineHashes, hashFiles, writeJsonAtomic } from "../core/store.js";
import type { PipelineContext } from "./context.js";
import type { StageProgress } from "./progress.js";
import { REPOSITORY_ROOT, installedVersion, stageGraph } from "./source-graph.js";
import { paths } from "../core/artifact-layout.js";

export interface StageOutcome {
  message: string;
  details?: Record<string, unknown>;
  /**
   * Something that must fail the run loudly without stopping the stages after it (a leakage
   * gate: the candidate is not promoted, yet the champion still publishes today's forecasts).
   */
  alarm?: string;
}

export interface StageDefinition {
  name: string;
  /** false for stages whose input lives outside (a live fetch): they always run */
  cacheable: boolean;
  /** the stage's module; every source it reaches counts in the cache key (source-graph.ts) */
  entry: string;
  /** hash of everything the stage reads: files, options, parameters */
  inputHash(ctx: PipelineContext): Promise<string>;
  /** hash of what the stage wrote, so a skipped stage is known to have intact outputs */
  outputHash(ctx: PipelineContext): Promise<string>;
  run(ctx: PipelineContext, progress: StageProgress): Promise<StageOutcome>;
}

const cacheRecordSchema = z.object({ inputHash: z.string(), outputHash: z.string() });

const codeHashes = new Map<string, Promise<string>>();

/**
 * Hash of every source file the stage's module reaches and of the installed version of every
 * package those files import, so a code change or a package upgrade reruns the stage.
 */
export async function computeCodeHash(entry: string, root = REPOSITORY_ROOT): Promise<string> {
  const { files, packages } = await stageGraph(entry, root);
  const parts: Record<string, string> = {};
  for (const file of files) parts[file] = await hashFiles([join(root, file)]);
  for (const name of packages) parts[`package:${name}`] = await installedVersion(name, root);
  return combineHashes(parts);
}

/** computeCodeHash of the repository, once per stage and process. */
export function codeHash(entry: string): Promise<string> {
  let hash = codeHashes.get(entry);
  if (!hash) {
    hash = computeCodeHash(entry);
    codeHashes.set(entry, hash);
  }
  return hash;
}

async function readCacheRecord(path: string) {
  if (!existsSync(path)) return undefined;
  const parsed = cacheRecordSchema.safeParse(
    JSON.parse(await readFile(path, "utf8").catch(() => "{}")),
  );
  return parsed.success ? parsed.data : undefined;
}

export async function runStage(stage: StageDefinition, ctx: PipelineContext): Promise<StageRecord> {
  const started = performance.now();
  const progress = ctx.progress.stage(stage.name);
  let inputHash = "";
  try {
    inputHash = combineHashes({
      input: await stage.inputHash(ctx),
      code: await codeHash(stage.entry),
    });
    const recordPath = paths.cacheRecord(ctx.workDir, stage.name);
    const record = await readCacheRecord(recordPath);

    if (stage.cacheable && !ctx.options.force && record?.inputHash === inputHash) {
      const outputHash = await stage.outputHash(ctx);
      if (outputHash === record.outputHash) {
        progress.log("skipped: inputs unchanged (use --force to rerun)");
        return {
          stage: stage.name,
          status: "skipped",
          durationMs: performance.now() - started,
          inputHash,
          outputHash,
          message: "inputs unchanged, outputs intact",
        };
      }
    }

    const outcome = await stage.run(ctx, progress);
    progress.stop();
    const outputHash = await stage.outputHash(ctx);
    await writeJsonAtomic(recordPath, { inputHash, outputHash });
    progress.log(outcome.message);
    return {
      stage: stage.name,
      status: "ran",
      durationMs: performance.now() - started,
      inputHash,
      outputHash,
      message: outcome.message,
      ...(outcome.details || outcome.alarm
        ? { details: { ...outcome.details, ...(outcome.alarm ? { alarm: outcome.alarm } : {}) } }
        : {}),
    };
  } catch (error) {
    progress.stop();
    const message = error instanceof Error ? error.message : String(error);
    progress.log(`failed: ${message}`);
    return {
      stage: stage.name,
      status: "failed",
      durationMs: performance.now() - started,
      inputHash,
      outputHash: null,
      message,
    };
  }
}
