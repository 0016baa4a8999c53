/**
 * The published serving bundle: the few artifact files the server reads (the champion model,
 * its evaluation metrics, the forecasts and ledger, the newest run report), checked against
 * their contracts in core/contracts.ts before they are copied anywhere.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  aliasesSchema,
  evaluationMetricsSchema,
  forecastBundleSchema,
  modelCardSchema,
  runReportSchema,
} from "../../core/contracts.js";
import { paths } from "../../core/artifact-layout.js";
import { readJson } from "../../core/store.js";
import type { z } from "zod";

export class BundleCheckError extends Error {
  override name = "BundleCheckError";
}

/** Paths of the serving bundle, relative to the artifacts folder, after checking each file. */
export async function servingBundleFiles(artifactsDir: string): Promise<string[]> {
  const need = (rel: string) => {
    if (!existsSync(join(artifactsDir, rel))) {
      throw new BundleCheckError(
        `${join(artifactsDir, rel)} is missing: run the pipeline first (npm start)`,
      );
    }
    return rel;
  };
  const check = async <S extends z.ZodType>(rel: string, schema: S): Promise<z.infer<S>> => {
    try {
      return await readJson(join(artifactsDir, need(rel)), schema);
    } catch (error) {
      if (error instanceof BundleCheckError) throw error;
      throw new BundleCheckError(`${rel} breaks its contract: ${(error as Error).message}`);
    }
  };
  const aliases = await check("registry/aliases.json", aliasesSchema);
  if (aliases.champion === null) {
    throw new BundleCheckError("the registry has no champion yet: nothing to serve");
  }
  const version = `registry/models/${aliases.champion}`;
  const card = await check(`${version}/card.json`, modelCardSchema);
  if (card.version !== aliases.champion) {
    throw new BundleCheckError(`${version}/card.json describes version ${card.version}`);
  }
  const forecasts = await check("forecasts/latest.json", forecastBundleSchema);
  if (forecasts.modelVersion !== aliases.champion) {
    throw new BundleCheckError(
      `forecasts/latest.json was made by version ${forecasts.modelVersion}, the champion is ${aliases.champion}`,
    );
  }
  const files = [
    "registry/aliases.json",
    `${version}/card.json`,
    need(`${version}/model.json`),
    need(`${version}/weights.bin`),
    ...(card.ranker ? [need(`${version}/ranker.json`), need(`${version}/ranker.bin`)] : []),
    "forecasts/latest.json",
    need("forecasts/ledger.csv"),
  ];
  const metrics = `evaluation/${aliases.champion}/metrics.json`;
  if (existsSync(join(artifactsDir, metrics))) {
    await check(metrics, evaluationMetricsSchema);
    files.push(metrics);
  }
  const runs = existsSync(paths.runsDir(artifactsDir))
    ? (await readdir(paths.runsDir(artifactsDir))).filter((f) => f.endsWith(".json")).sort()
    : [];
  const newest = runs.at(-1);
  if (newest !== undefined) {
    await check(`runs/${newest}`, runReportSchema);
    files.push(`runs/${newest}`);
  }
  return files;
}

/** Copies the checked serving bundle into `to` (same layout as the artifacts folder). */
export async function copyServingBundle(artifactsDir: string, to: string): Promise<string[]> {
  const files = await servingBundleFiles(artifactsDir);
  for (const rel of files) {
    await mkdir(dirname(join(to, rel)), { recursive: true });
    await copyFile(join(artifactsDir, rel), join(to, rel));
  }
  return files;
}
