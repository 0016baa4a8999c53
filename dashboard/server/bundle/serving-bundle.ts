/**
 * What the server serves: one published bundle (champion model, its forecasts, card, ledger,
 * latest run report), with every JSON answer serialised once when the bundle is loaded, so the
 * hot routes only write a string.
 */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import type {
  Aliases,
  EvaluationMetrics,
  ForecastBundle,
  LedgerRow,
  ModelCard,
  RunReport,
} from "../../../core/contracts.js";
import type { Predictor, SymbolDescription } from "../../../pipeline/model/predictor.js";
import { ForecastCache } from "../predict/forecast-cache.js";
import { createSymbolIndex, type SymbolIndex } from "./symbol-index.js";

interface BundleParts {
  artifactsDir: string;
  aliases: Aliases;
  card: ModelCard;
  evaluation: EvaluationMetrics | null;
  forecasts: ForecastBundle;
  ledger: readonly LedgerRow[];
  latestRun: RunReport | null;
  predictor: Predictor;
  /** the fewest bars the predictor accepts (MIN_BARS) */
  minBars: number;
  /** the newest bars the predictor reads; older ones cannot change a forecast */
  windowBars: number;
}

export interface LedgerSelection {
  count: number;
  json: string;
}

export interface ServingBundle {
  artifactsDir: string;
  modelVersion: number;
  loadedAt: string;
  /** forecasts/latest.json's generatedAt, in ms since the epoch */
  forecastsGeneratedAtMs: number;
  predictor: Predictor;
  /** forecasts this bundle's predictor has made for POST /api/predict */
  predictions: ForecastCache;
  minBars: number;
  windowBars: number;
  symbols: SymbolIndex;
  /** name, sector and kind of each published symbol, for predictions named by symbol */
  descriptions: ReadonlyMap<string, SymbolDescription>;
  forecastJson: string;
  /** forecastJson's bytes as sent: as is, and compressed once at load (best quality) */
  forecastBytes: EncodedBytes;
  forecastEtag: string;
  forecastJsonBySymbol: ReadonlyMap<string, string>;
  modelJson: string;
  latestRunJson: string | null;
  /** the newest `limit` ledger rows (of one symbol when given), as the /api/ledger answer */
  ledger(symbol: string | undefined, limit: number | undefined): LedgerSelection;
}

export interface EncodedBytes {
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

function encodedBytes(json: string): EncodedBytes {
  const identity = Buffer.from(json, "utf8");
  return {
    identity,
    br: brotliCompressSync(identity, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
    gzip: gzipSync(identity, { level: zlib.Z_BEST_COMPRESSION }),
  };
}

function etagOf(json: string): string {
  return `"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`;
}

function ledgerIndex(rows: readonly LedgerRow[]) {
  const rowJson = rows.map((r) => JSON.stringify(r));
  const bySymbol = new Map<string, string[]>();
  rows.forEach((r, i) => {
    const list = bySymbol.get(r.symbol) ?? [];
    list.push(rowJson[i]!);
    bySymbol.set(r.symbol, list);
  });
  return (symbol: string | undefined, limit: number | undefined): LedgerSelection => {
    const all = symbol === undefined ? rowJson : (bySymbol.get(symbol) ?? []);
    const picked = limit === undefined || limit >= all.length ? all : all.slice(-limit);
    return {
      count: picked.length,
      json: `{"count":${picked.length},"rows":[${picked.join(",")}]}`,
    };
  };
}

export function createServingBundle(parts: BundleParts): ServingBundle {
  const { forecasts } = parts;
  const forecastJson = JSON.stringify(forecasts);
  const symbols = forecasts.forecasts.map((f) => f.symbol);
  return {
    artifactsDir: parts.artifactsDir,
    modelVersion: parts.card.version,
    loadedAt: new Date().toISOString(),
    forecastsGeneratedAtMs: Date.parse(forecasts.generatedAt),
    predictor: parts.predictor,
    predictions: new ForecastCache(),
    minBars: parts.minBars,
    windowBars: parts.windowBars,
    symbols: createSymbolIndex(symbols),
    descriptions: new Map(
      forecasts.forecasts.map((f) => [
        f.symbol,
        { symbol: f.symbol, name: f.name, sector: f.sector, isIndex: f.isIndex },
      ]),
    ),
    forecastJson,
    forecastBytes: encodedBytes(forecastJson),
    forecastEtag: etagOf(forecastJson),
    forecastJsonBySymbol: new Map(forecasts.forecasts.map((f) => [f.symbol, JSON.stringify(f)])),
    modelJson: JSON.stringify({
      card: parts.card,
      aliases: parts.aliases,
      evaluation: parts.evaluation,
    }),
    latestRunJson: parts.latestRun === null ? null : JSON.stringify(parts.latestRun),
    ledger: ledgerIndex(parts.ledger),
  };
}
