/**
 * Stage 3, features: `prices/<symbol>.csv` -> `features/features.arrow` (45 indicators per
 * symbol per day, from that day and earlier only) and `features/features.json` (the registry
 * and content hashes).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FeatureManifest, SymbolInfo } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import {
  combineHashes,
  hashFiles,
  sha256,
  writeFileAtomic,
  writeJsonAtomic,
} from "../../core/store.js";
import {
  buildFeatureTable,
  serializeFeatureTable,
  type SymbolFeatures,
} from "../../core/feature-table.js";
import { computeFeatures } from "../indicators/compute.js";
import { FEATURES, FEATURE_NAMES, featureSetHash } from "../indicators/registry.js";
import type { StageDefinition } from "../stage-runner.js";
import { sortSymbols } from "../universe.js";
import { ingestedSymbols } from "./validate.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

function priceFiles(workDir: string, symbols: readonly SymbolInfo[]): string[] {
  return symbols.map((s) => join(paths.pricesDir(workDir), symbolFileName(s.symbol)));
}

/** Writes the table and its manifest; shared by the features stage and merge so both give the same bytes. */
export async function writeFeatureArtifacts(
  workDir: string,
  parts: readonly SymbolFeatures[],
  dataHash: string,
): Promise<FeatureManifest> {
  const bytes = serializeFeatureTable(buildFeatureTable(FEATURE_NAMES, parts));
  await writeFileAtomic(paths.featureTable(workDir), bytes);
  const manifest: FeatureManifest = {
    schemaVersion: 1,
    featureCount: 45,
    features: [...FEATURES],
    featureSetHash: featureSetHash(),
    dataHash,
    tableHash: sha256(bytes),
    table: "features.arrow",
    rows: parts.reduce((n, p) => n + p.dates.length, 0),
    symbols: parts.map((p) => ({
      symbol: p.symbol,
      rows: p.dates.length,
      firstDate: p.dates[0] ?? null,
      lastDate: p.dates.at(-1) ?? null,
    })),
  };
  await writeJsonAtomic(paths.featureManifest(workDir), manifest);
  return manifest;
}

export const featuresStage: StageDefinition = {
  name: "features",
  cacheable: true,
  entry: "pipeline/stages/features.ts",
  async inputHash(ctx) {
    const symbols = await ingestedSymbols(ctx.workDir);
    return combineHashes({
      prices: await hashFiles(priceFiles(ctx.workDir, symbols)),
      featureSet: featureSetHash(),
    });
  },
  async outputHash(ctx) {
    return hashFiles([paths.featureTable(ctx.workDir), paths.featureManifest(ctx.workDir)]);
  },
  async run(ctx, progress) {
    const symbols = sortSymbols(await ingestedSymbols(ctx.workDir));
    progress.start(symbols.length);
    const parts: SymbolFeatures[] = [];
    for (const s of symbols) {
      const file = join(paths.pricesDir(ctx.workDir), symbolFileName(s.symbol));
      const { bars } = parsePriceCsv(await readFile(file, "utf8"), file);
      const { dates, columns } = computeFeatures(bars);
      if (dates.length === 0)
        progress.log(`${s.symbol}: too few bars for the indicators' warm-up, no rows`);
      parts.push({ symbol: s.symbol, dates, columns });
      progress.tick(s.symbol);
    }
    const manifest = await writeFeatureArtifacts(
      ctx.workDir,
      parts,
      await hashFiles(priceFiles(ctx.workDir, symbols)),
    );
    return {
      message: `${manifest.rows} row(s) x ${manifest.featureCount} features for ${symbols.length} symbol(s)`,
      details: {
        rows: manifest.rows,
        symbols: symbols.length,
        featureSetHash: manifest.featureSetHash,
      },
    };
  },
};
