/** data/forecast.json: the published forecasts (forecasts/latest.json) and their data source. */
import { forecastBundleSchema } from "../../core/contracts.js";
import type { ForecastData } from "../src/components/types.js";
import { paths } from "../../core/artifact-layout.js";
import { readArtifact, readManifest, type LoaderContext } from "./artifacts.js";

export async function loadForecastData(ctx: LoaderContext): Promise<ForecastData> {
  const bundle = await readArtifact(paths.latestForecast(ctx.artifactsDir), forecastBundleSchema);
  const manifest = await readManifest(ctx);
  return { builtAt: ctx.builtAt, source: manifest.source, staleSymbols: manifest.stale, bundle };
}
