/**
 * Loads the published bundle from the artifacts folder and proves it works: every file is
 * checked against its contract, the champion model is loaded with the shared predictor and
 * makes one warm-up forecast. Anything wrong throws a BundleError saying what, and nothing of
 * a half-loaded bundle is kept. This module pulls in TensorFlow.js, so it is imported lazily.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  RISK_HISTORY_BARS,
  evaluationMetricsSchema,
  forecastBundleSchema,
  runReportSchema,
  symbolForecastSchema,
} from "../../../core/contracts.js";
import { listFiles, readJson } from "../../../core/store.js";
import { readLedger } from "../../../core/ledger.js";
import { MAX_WARMUP_BARS } from "../../../pipeline/indicators/registry.js";
import { MIN_BARS, loadPredictor, type Predictor } from "../../../pipeline/model/predictor.js";
import { readAliases, readVersion } from "../../../core/registry-store.js";
import { BundleError } from "./bundle-error.js";
import { createServingBundle, type ServingBundle } from "./serving-bundle.js";
import { warmUpBars } from "./warm-up-bars.js";
import { paths } from "../../../core/artifact-layout.js";

/** The bars the predictor reads: it slices the newest MAX_WARMUP_BARS + RISK_HISTORY_BARS. */
export const PREDICTOR_WINDOW_BARS = MAX_WARMUP_BARS + RISK_HISTORY_BARS;

async function newestRunReport(artifactsDir: string) {
  const reports = await listFiles(paths.runsDir(artifactsDir), ".json");
  const newest = reports.at(-1); // run ids start with their ISO start time
  return newest === undefined ? null : readJson(newest, runReportSchema);
}

async function evaluationOf(artifactsDir: string, version: number) {
  const path = join(paths.evaluationDir(artifactsDir, version), "metrics.json");
  return existsSync(path) ? readJson(path, evaluationMetricsSchema) : null;
}

function warmUp(predictor: Predictor): void {
  const forecast = predictor.forecast(warmUpBars(PREDICTOR_WINDOW_BARS), {
    symbol: "WARMUP",
    name: "warm-up series",
    sector: "none",
    isIndex: false,
  });
  const checked = symbolForecastSchema.safeParse(forecast);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new BundleError(
      `the model's warm-up forecast is not valid (${issue?.path.join(".")}: ${issue?.message}); its weights may be damaged`,
    );
  }
}

async function readParts(artifactsDir: string) {
  const aliases = await readAliases(artifactsDir);
  if (aliases.champion === null) {
    throw new BundleError(
      `no champion model in ${artifactsDir}/registry yet: run the pipeline first (npm start)`,
    );
  }
  const forecasts = await readJson(paths.latestForecast(artifactsDir), forecastBundleSchema);
  if (forecasts.modelVersion !== aliases.champion) {
    throw new BundleError(
      `forecasts/latest.json was made by version ${forecasts.modelVersion} but the champion is version ${aliases.champion}: the pipeline has not finished publishing (run it again)`,
    );
  }
  return {
    aliases,
    forecasts,
    stored: await readVersion(artifactsDir, aliases.champion),
    evaluation: await evaluationOf(artifactsDir, aliases.champion),
    ledger: await readLedger(paths.ledger(artifactsDir)),
    latestRun: await newestRunReport(artifactsDir),
  };
}

export async function loadServingBundle(artifactsDir: string): Promise<ServingBundle> {
  let parts: Awaited<ReturnType<typeof readParts>>;
  let predictor: Predictor;
  try {
    parts = await readParts(artifactsDir);
    predictor = await loadPredictor(parts.stored);
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(`cannot load the bundle: ${(error as Error).message}`);
  }
  try {
    warmUp(predictor);
  } catch (error) {
    predictor.dispose();
    if (error instanceof BundleError) throw error;
    throw new BundleError(`the model's warm-up forecast failed: ${(error as Error).message}`);
  }
  return createServingBundle({
    artifactsDir,
    aliases: parts.aliases,
    card: parts.stored.card,
    evaluation: parts.evaluation,
    forecasts: parts.forecasts,
    ledger: parts.ledger,
    latestRun: parts.latestRun,
    predictor,
    minBars: MIN_BARS,
    windowBars: PREDICTOR_WINDOW_BARS,
  });
}
