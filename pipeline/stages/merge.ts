/**
 * merge: joins the outputs of `--shard i/n` runs (`shards/<i>-of-<n>/`) into the main
 * artifacts folder. The result is byte-identical to an unsharded run.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  featureManifestSchema,
  qualityReportSchema,
  rawManifestSchema,
  type QualityReport,
  type RawManifest,
} from "../../core/contracts.js";
import {
  combineHashes,
  hashFiles,
  listFiles,
  readJson,
  writeJsonAtomic,
} from "../../core/store.js";
import { readFeatureTable, type SymbolFeatures } from "../../core/feature-table.js";
import { FEATURE_NAMES } from "../indicators/registry.js";
import type { StageDefinition } from "../stage-runner.js";
import { UsageError, sortSymbols } from "../universe.js";
import { writeFeatureArtifacts } from "./features.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

/** The shard folders of one complete split, in shard order; a clear error if any is missing. */
async function shardDirs(artifactsDir: string): Promise<string[]> {
  const root = paths.shardsDir(artifactsDir);
  const names = existsSync(root) ? await readdir(root) : [];
  const found = names
    .map((n) => /^(\d+)-of-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ index: Number(m[1]), count: Number(m[2]), dir: join(root, m[0]) }));
  if (found.length === 0) {
    throw new UsageError(
      `no shard outputs under ${root}; run the data stages with --shard i/n first`,
    );
  }
  const counts = [...new Set(found.map((f) => f.count))];
  if (counts.length > 1) {
    throw new UsageError(
      `${root} mixes shard splits (${counts.map((c) => `of-${c}`).join(", ")}); remove the stale ones`,
    );
  }
  const count = counts[0]!;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter(
    (i) => !found.some((f) => f.index === i),
  );
  if (missing.length > 0) {
    throw new UsageError(
      `shard(s) ${missing.map((i) => `${i}/${count}`).join(", ")} missing under ${root}`,
    );
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.dir);
}

async function allShardFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const d of dirs) {
    files.push(...(await listFiles(paths.rawDir(d), ".csv")), paths.rawManifest(d));
    files.push(...(await listFiles(paths.pricesDir(d), ".csv")), paths.quality(d));
    files.push(paths.featureTable(d), paths.featureManifest(d));
  }
  return files;
}

export const mergeStage: StageDefinition = {
  name: "merge",
  cacheable: true,
  entry: "pipeline/stages/merge.ts",
  async inputHash(ctx) {
    const dirs = await shardDirs(ctx.artifactsDir);
    // shard folders hold files of the same names, so hash each folder on its own
    const parts: Record<string, string> = {};
    for (const d of dirs) parts[basename(d)] = await hashFiles(await allShardFiles([d]));
    return combineHashes(parts);
  },
  async outputHash(ctx) {
    const root = ctx.artifactsDir;
    return hashFiles([
      ...(await listFiles(paths.rawDir(root), ".csv")),
      paths.rawManifest(root),
      ...(await listFiles(paths.pricesDir(root), ".csv")),
      paths.quality(root),
      paths.featureTable(root),
      paths.featureManifest(root),
    ]);
  },
  async run(ctx, progress) {
    const dirs = await shardDirs(ctx.artifactsDir);
    const root = ctx.artifactsDir;
    progress.start(dirs.length);
    const manifests: RawManifest[] = [];
    const quality: QualityReport = { schemaVersion: 1, symbols: [] };
    const parts: SymbolFeatures[] = [];
    await mkdir(paths.rawDir(root), { recursive: true });
    await mkdir(paths.pricesDir(root), { recursive: true });
    for (const d of dirs) {
      const manifest = await readJson(paths.rawManifest(d), rawManifestSchema);
      await readJson(paths.featureManifest(d), featureManifestSchema);
      manifests.push(manifest);
      quality.symbols.push(...(await readJson(paths.quality(d), qualityReportSchema)).symbols);
      parts.push(...(await readFeatureTable(paths.featureTable(d), FEATURE_NAMES)));
      for (const s of manifest.symbols) {
        const name = symbolFileName(s.symbol);
        await copyFile(join(paths.rawDir(d), name), join(paths.rawDir(root), name));
        await copyFile(join(paths.pricesDir(d), name), join(paths.pricesDir(root), name));
      }
      progress.tick(basename(d));
    }
    const sources = [...new Set(manifests.map((m) => m.source))];
    if (sources.length > 1)
      throw new UsageError(`shards come from different sources: ${sources.join(", ")}`);
    const symbols = sortSymbols(manifests.flatMap((m) => m.symbols));
    const order = new Map(symbols.map((s, i) => [s.symbol, i]));
    const rank = (symbol: string) => order.get(symbol) ?? Number.MAX_SAFE_INTEGER;
    const merged: RawManifest = {
      schemaVersion: 1,
      source: sources[0]!,
      from: manifests[0]!.from,
      to: manifests[0]!.to,
      symbols,
      stale: manifests.flatMap((m) => m.stale).sort((a, b) => rank(a.symbol) - rank(b.symbol)),
    };
    await writeJsonAtomic(paths.rawManifest(root), merged);
    quality.symbols.sort((a, b) => rank(a.symbol) - rank(b.symbol));
    await writeJsonAtomic(paths.quality(root), quality);
    parts.sort((a, b) => rank(a.symbol) - rank(b.symbol));
    const dataHash = await hashFiles(
      symbols.map((s) => join(paths.pricesDir(root), symbolFileName(s.symbol))),
    );
    const features = await writeFeatureArtifacts(root, parts, dataHash);
    return {
      message: `merged ${dirs.length} shard(s): ${symbols.length} symbol(s), ${features.rows} feature row(s)`,
      details: { shards: dirs.length, symbols: symbols.length, rows: features.rows },
    };
  },
};
