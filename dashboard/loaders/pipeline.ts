/**
 * data/pipeline.json: the latest run reports (runs/*.json), data quality (prices/quality.json)
 * and the drift of each feature over the last days against the champion's training data.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  featureManifestSchema,
  qualityReportSchema,
  runReportSchema,
} from "../../core/contracts.js";
import { ArtifactError } from "../../core/store.js";
import { readFeatureTable } from "../../core/feature-table.js";
import { readAliases, readCard } from "../../core/registry-store.js";
import type { PipelineData } from "../src/components/types.js";
import { readArtifact, readManifest, round, type LoaderContext } from "./artifacts.js";
import { paths } from "../../core/artifact-layout.js";

const MAX_RUNS = 30;
const DRIFT_DAYS = 60;
const QUARANTINE_ROWS_PER_SYMBOL = 25;

async function readRuns(ctx: LoaderContext) {
  const dir = paths.runsDir(ctx.artifactsDir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (n) => n.endsWith(".json") && !n.startsWith("."),
  );
  if (names.length === 0) {
    throw new ArtifactError(`${dir} has no run reports; run the pipeline first (npm start)`);
  }
  const runs = await Promise.all(names.map((n) => readArtifact(join(dir, n), runReportSchema)));
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { runs: runs.slice(0, MAX_RUNS), runCount: runs.length };
}

async function readQuality(ctx: LoaderContext) {
  const report = await readArtifact(paths.quality(ctx.artifactsDir), qualityReportSchema);
  const quality: PipelineData["quality"] = report.symbols.map((s) => {
    const byReason: Record<string, number> = {};
    for (const q of s.quarantined) byReason[q.reason] = (byReason[q.reason] ?? 0) + 1;
    return {
      symbol: s.symbol,
      rowsRead: s.rowsRead,
      rowsKept: s.rowsKept,
      firstDate: s.firstDate,
      lastDate: s.lastDate,
      quarantined: s.quarantined.length,
      byReason,
      jumps: s.jumps.length,
    };
  });
  const quarantined = report.symbols.flatMap((s) =>
    s.quarantined.slice(-QUARANTINE_ROWS_PER_SYMBOL).map((q) => ({
      symbol: s.symbol,
      date: q.date,
      reason: q.reason,
      detail: q.detail,
      raw: q.raw.length > 160 ? `${q.raw.slice(0, 157)}...` : q.raw,
    })),
  );
  return { quality, quarantined };
}

/**
 * Standardized mean shift of each feature: its mean over the last DRIFT_DAYS dates of the index,
 * pooled over the index and the current members, against the scaler the champion fitted on its
 * training rows: (recent mean - training mean) / training std.
 */
async function readDrift(ctx: LoaderContext): Promise<PipelineData["drift"]> {
  const { champion } = await readAliases(ctx.artifactsDir);
  if (champion === null) throw new ArtifactError("registry/aliases.json names no champion");
  const card = await readCard(ctx.artifactsDir, champion);
  const names = card.signature.featureNames;
  const manifest = await readManifest(ctx);
  const current = new Set(
    manifest.symbols.filter((s) => s.isIndex || s.currentMember).map((s) => s.symbol),
  );
  const table = await readFeatureTable(paths.featureTable(ctx.artifactsDir), names);
  const index = table.find((p) => p.symbol === ctx.indexSymbol);
  if (!index || index.dates.length === 0) {
    throw new ArtifactError(`features/features.arrow has no rows for ${ctx.indexSymbol}`);
  }
  const recent = new Set(index.dates.slice(-DRIFT_DAYS));
  const sums = new Float64Array(names.length);
  const counts = new Float64Array(names.length);
  let rows = 0;
  for (const part of table) {
    if (!current.has(part.symbol)) continue;
    part.dates.forEach((d, i) => {
      if (!recent.has(d)) return;
      rows++;
      part.columns.forEach((col, k) => {
        const v = col[i]!;
        if (Number.isFinite(v)) {
          sums[k]! += v;
          counts[k]! += 1;
        }
      });
    });
  }
  const groups = new Map<string, string>();
  const featureManifest = await readArtifact(
    paths.featureManifest(ctx.artifactsDir),
    featureManifestSchema,
  );
  for (const f of featureManifest.features) groups.set(f.name, f.group);
  const recentDates = index.dates.slice(-DRIFT_DAYS);
  return {
    recentFrom: recentDates[0]!,
    recentTo: recentDates.at(-1)!,
    recentRows: rows,
    trainingFrom: card.training.firstDate,
    trainingTo: card.training.lastDate,
    modelVersion: card.version,
    features: names.map((name, k) => {
      const mean = card.scaler.mean[k]!;
      const std = card.scaler.std[k]!;
      const recentMean = counts[k]! > 0 ? sums[k]! / counts[k]! : NaN;
      const shift = std > 0 ? (recentMean - mean) / std : NaN;
      return {
        name,
        group: groups.get(name) ?? "",
        trainMean: round(mean) ?? 0,
        trainStd: round(std) ?? 0,
        recentMean: round(recentMean) ?? 0,
        shift: round(shift, 4) ?? 0,
      };
    }),
  };
}

export async function loadPipelineData(ctx: LoaderContext): Promise<PipelineData> {
  const { runs, runCount } = await readRuns(ctx);
  const { quality, quarantined } = await readQuality(ctx);
  return { runs, runCount, quality, quarantined, drift: await readDrift(ctx) };
}
