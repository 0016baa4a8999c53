/**
 * What the model stages read: the feature table with its manifest, and each symbol's validated
 * closes (the targets). One loader so train, evaluate and forecast see the same rows.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { featureManifestSchema, type FeatureManifest } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { readJson } from "../../core/store.js";
import { readFeatureTable, type SymbolFeatures } from "../../core/feature-table.js";
import { FEATURE_NAMES } from "../indicators/registry.js";
import { buildDataset, type CloseSeries, type PooledDataset } from "./dataset.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

export interface ModelInputs {
  manifest: FeatureManifest;
  parts: SymbolFeatures[];
  closes: Map<string, CloseSeries>;
  /** each symbol's opens, aligned with `closes` (the tradable backtest enters at the open) */
  opens: Map<string, Float64Array>;
  dataset: PooledDataset;
}

export async function loadModelInputs(workDir: string): Promise<ModelInputs> {
  const manifest = await readJson(paths.featureManifest(workDir), featureManifestSchema);
  const parts = await readFeatureTable(paths.featureTable(workDir), FEATURE_NAMES);
  const closes = new Map<string, CloseSeries>();
  const opens = new Map<string, Float64Array>();
  for (const part of parts) {
    const file = join(paths.pricesDir(workDir), symbolFileName(part.symbol));
    const { bars } = parsePriceCsv(await readFile(file, "utf8"), file);
    closes.set(part.symbol, {
      dates: bars.map((b) => b.date),
      close: Float64Array.from(bars, (b) => b.close),
    });
    opens.set(
      part.symbol,
      Float64Array.from(bars, (b) => b.open),
    );
  }
  return { manifest, parts, closes, opens, dataset: buildDataset(parts, closes) };
}
