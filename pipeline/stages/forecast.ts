/**
 * Stage 7, forecast: the champion's forecast for the next session after the last bar, for the
 * index and every current constituent (`forecasts/latest.json`), appended to the ledger; earlier
 * ledger rows whose day has closed get their realised outcome.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ForecastBundle, LedgerRow, SymbolForecast } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { combineHashes, hashFiles, writeJsonAtomic } from "../../core/store.js";
import {
  appendForecasts,
  fillOutcomes,
  readLedger,
  writeLedger,
  type CloseSeries,
} from "../../core/ledger.js";
import { loadPredictor } from "../model/predictor.js";
import { readAliases, readVersion } from "../../core/registry-store.js";
import type { StageDefinition } from "../stage-runner.js";
import { sortSymbols } from "../universe.js";
import { ingestedSymbols } from "./validate.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

async function forecastSymbols(workDir: string) {
  return sortSymbols((await ingestedSymbols(workDir)).filter((s) => s.isIndex || s.currentMember));
}

export function toLedgerRow(
  f: SymbolForecast,
  publishedAt: string,
  modelVersion: number,
): LedgerRow {
  return {
    publishedAt,
    modelVersion,
    symbol: f.symbol,
    dataEnd: f.dataEnd,
    targetDate: f.targetDate,
    direction: f.direction,
    probabilityUp: f.probabilityUp,
    expectedReturn: f.expectedReturn,
    lower80: f.interval80.lower,
    upper80: f.interval80.upper,
    lower95: f.interval95.lower,
    upper95: f.interval95.upper,
    realisedDate: null,
    realisedReturn: null,
    hit: null,
  };
}

export const forecastStage: StageDefinition = {
  name: "forecast",
  cacheable: true,
  entry: "pipeline/stages/forecast.ts",
  async inputHash(ctx) {
    const { champion } = await readAliases(ctx.artifactsDir);
    const symbols = await forecastSymbols(ctx.workDir);
    return combineHashes({
      champion: String(champion),
      card: champion
        ? await hashFiles([join(paths.registryVersion(ctx.artifactsDir, champion), "card.json")])
        : "",
      prices: await hashFiles(
        symbols.map((s) => join(paths.pricesDir(ctx.workDir), symbolFileName(s.symbol))),
      ),
    });
  },
  outputHash: (ctx) =>
    hashFiles([paths.latestForecast(ctx.artifactsDir), paths.ledger(ctx.artifactsDir)]),
  async run(ctx, progress) {
    const { champion } = await readAliases(ctx.artifactsDir);
    if (champion === null) {
      throw new Error(
        "no champion model yet: no candidate has passed the promotion policy (see the register stage)",
      );
    }
    const predictor = await loadPredictor(await readVersion(ctx.artifactsDir, champion));
    const symbols = await forecastSymbols(ctx.workDir);
    progress.start(symbols.length);
    const items: Parameters<typeof predictor.forecastAll>[0][number][] = [];
    const closes = new Map<string, CloseSeries>();
    let forecasts: SymbolForecast[];
    try {
      for (const s of symbols) {
        const file = join(paths.pricesDir(ctx.workDir), symbolFileName(s.symbol));
        const { bars } = parsePriceCsv(await readFile(file, "utf8"), file);
        closes.set(s.symbol, { dates: bars.map((b) => b.date), close: bars.map((b) => b.close) });
        items.push({
          bars,
          about: { symbol: s.symbol, name: s.name, sector: s.sector, isIndex: s.isIndex },
        });
        progress.tick(s.symbol);
      }
      forecasts = predictor.forecastAll(items);
    } finally {
      predictor.dispose();
    }
    const generatedAt = new Date().toISOString();
    const dataEnd = forecasts
      .map((f) => f.dataEnd)
      .sort()
      .at(-1)!;
    const bundle: ForecastBundle = {
      schemaVersion: 1,
      generatedAt,
      modelVersion: champion,
      dataEnd,
      forecasts,
    };
    await writeJsonAtomic(paths.latestForecast(ctx.artifactsDir), bundle);

    const ledgerPath = paths.ledger(ctx.artifactsDir);
    const filled = fillOutcomes(await readLedger(ledgerPath), closes);
    const appended = appendForecasts(
      filled.rows,
      forecasts.map((f) => toLedgerRow(f, generatedAt, champion)),
    );
    await writeLedger(ledgerPath, appended.rows);
    const index = forecasts.find((f) => f.isIndex);
    return {
      message: `${forecasts.length} forecast(s) for the session after ${dataEnd} by version ${champion}${index ? `; ${index.symbol} ${index.direction} p=${index.probabilityUp.toFixed(3)}` : ""}; ledger +${appended.appended} row(s), ${filled.filled} outcome(s) filled`,
      details: {
        modelVersion: champion,
        forecasts: forecasts.length,
        appended: appended.appended,
        filled: filled.filled,
      },
    };
  },
};
