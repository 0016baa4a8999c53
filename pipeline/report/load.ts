/**
 * Reads what the report is made of: the champion's card and its evaluation metrics.
 */
import { join } from "node:path";
import {
  evaluationMetricsSchema,
  type EvaluationMetrics,
  type ModelCard,
} from "../../core/contracts.js";
import { ArtifactError, readJson } from "../../core/store.js";
import { paths } from "../../core/artifact-layout.js";
import { readAliases, readCard } from "../../core/registry-store.js";

const NO_CHAMPION_MESSAGE = "no champion yet: run `npm start` (or `npm run pipeline -- run`) first";

const evaluationMetricsPath = (artifactsDir: string, version: number) =>
  join(paths.evaluationDir(artifactsDir, version), "metrics.json");

interface ChampionEvaluation {
  card: ModelCard;
  metrics: EvaluationMetrics;
  metricsPath: string;
}

export async function loadChampionEvaluation(artifactsDir: string): Promise<ChampionEvaluation> {
  const { champion } = await readAliases(artifactsDir);
  if (champion === null) throw new ArtifactError(NO_CHAMPION_MESSAGE);
  const card = await readCard(artifactsDir, champion);
  const metricsPath = evaluationMetricsPath(artifactsDir, champion);
  const metrics = await readJson(metricsPath, evaluationMetricsSchema);
  return { card, metrics, metricsPath };
}
