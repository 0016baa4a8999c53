/**
 * data/features.json (the 45-feature registry and the symbols) and data/symbols.zip (one
 * data/symbols/<slug>.json per symbol: its last bars and its 45 features, columnar).
 */
import JSZip from "jszip";
import { RISK_HISTORY_BARS, featureManifestSchema } from "../../core/contracts.js";
import { ArtifactError } from "../../core/store.js";
import { readFeatureTable } from "../../core/feature-table.js";
import type { FeatureRegistryData, SymbolSeries } from "../src/components/types.js";
import {
  readArtifact,
  readManifest,
  readPrices,
  round,
  symbolRef,
  type LoaderContext,
} from "./artifacts.js";
import { paths } from "../../core/artifact-layout.js";

/** bars per symbol file: about four years, enough for the predictor's window and a long chart */
const SERIES_BARS = 1000;

async function readFeatureManifest(ctx: LoaderContext) {
  return readArtifact(paths.featureManifest(ctx.artifactsDir), featureManifestSchema);
}

async function seriesSymbols(ctx: LoaderContext) {
  const [manifest, features] = await Promise.all([readManifest(ctx), readFeatureManifest(ctx)]);
  const withFeatures = new Set(features.symbols.map((s) => s.symbol));
  const symbols = manifest.symbols
    .filter((s) => withFeatures.has(s.symbol))
    .filter((s) => s.isIndex || s.currentMember)
    .map(symbolRef);
  return { symbols, features };
}

export async function loadFeatureRegistry(ctx: LoaderContext): Promise<FeatureRegistryData> {
  const { symbols, features } = await seriesSymbols(ctx);
  return {
    featureSetHash: features.featureSetHash,
    features: features.features,
    symbols,
    seriesBars: SERIES_BARS,
  };
}

async function loadSymbolSeries(ctx: LoaderContext): Promise<SymbolSeries[]> {
  const { symbols, features } = await seriesSymbols(ctx);
  const names = features.features.map((f) => f.name);
  const table = await readFeatureTable(paths.featureTable(ctx.artifactsDir), names);
  const bySymbol = new Map(table.map((part) => [part.symbol, part]));
  const predictorBars = Math.max(...features.features.map((f) => f.warmupBars)) + RISK_HISTORY_BARS;
  const out: SymbolSeries[] = [];
  for (const ref of symbols) {
    const bars = (await readPrices(ctx, ref.symbol)).slice(-SERIES_BARS);
    const part = bySymbol.get(ref.symbol);
    if (!part) throw new ArtifactError(`features/features.arrow has no rows for ${ref.symbol}`);
    const row = new Map(part.dates.map((d, i) => [d, i]));
    const columns: Record<string, (number | null)[]> = {};
    names.forEach((name, k) => {
      const col = part.columns[k]!;
      columns[name] = bars.map((b) => {
        const i = row.get(b.date);
        return i === undefined ? null : round(col[i]!, 5);
      });
    });
    out.push({
      ...ref,
      dates: bars.map((b) => b.date),
      // prices at full precision: the what-if form sends them back to the predictor
      open: bars.map((b) => b.open),
      high: bars.map((b) => b.high),
      low: bars.map((b) => b.low),
      close: bars.map((b) => b.close),
      adjClose: bars.map((b) => b.adjClose),
      volume: bars.map((b) => b.volume),
      features: columns,
      predictorBars,
    });
  }
  return out;
}

/** The symbol files as one zip archive (Framework serves its members as data/symbols/<slug>.json). */
export async function symbolsZip(ctx: LoaderContext): Promise<Uint8Array> {
  const zip = new JSZip();
  const date = new Date("2000-01-01T00:00:00Z");
  for (const series of await loadSymbolSeries(ctx)) {
    zip.file(`${series.slug}.json`, JSON.stringify(series), { date });
  }
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}
