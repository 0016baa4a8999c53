/**
 * The champion's ranker fit: the champion recipe trained on every labelled member row, with
 * its card entry (recipe, raw-feature scaler) and its tfjs artifacts (ranker.json, ranker.bin).
 * The branches (seeds) can be fitted on different threads and joined here.
 */
import type { ModelCard } from "../../core/contracts.js";
import { crossSectionalZ, dailyRankLabel } from "./cross-section.js";
import type { LabelledRows } from "./dataset.js";
import { joinRankerBranches, labelledCount, type BranchWeights } from "./ranker.js";
import { assembleRankerInputs, recipeHash, type RankerRecipe } from "./recipe.js";
import { fitScaler, transform } from "./scaler.js";
import { saveModelArtifacts } from "./serialize.js";
import { RANKER_FILES } from "../../core/registry-store.js";

/** The per-day processed inputs, the rank label and the raw-feature scaler of every row. */
export function championRankerRows(
  data: LabelledRows,
  isMemberSymbol: (symbol: number) => boolean,
  recipe: RankerRecipe,
) {
  const isMemberRow = (r: number) => isMemberSymbol(data.symbolIndex[r]!);
  const crossSection = crossSectionalZ(data.x, data.featureCount, data.dates, isMemberRow);
  const label = dailyRankLabel(data.ret, data.dates, isMemberRow);
  const trainRows = Array.from(label.keys()).filter((r) => Number.isFinite(label[r]!));
  const scaler =
    recipe.inputs === "cross-section+raw" ? fitScaler(data.x, data.featureCount, trainRows) : null;
  const inputs = assembleRankerInputs(
    recipe,
    crossSection,
    scaler ? transform(scaler, data.x) : null,
    data.n,
  );
  const lastDate = trainRows.reduce((m, r) => (data.dates[r]! > m ? data.dates[r]! : m), "");
  return { inputs, label, scaler, lastDate };
}

type ChampionRankerRows = ReturnType<typeof championRankerRows>;

/** Joins every branch into the ranker and writes its card entry and artifacts. */
export async function championRanker(
  rows: ChampionRankerRows,
  recipe: RankerRecipe,
  seed: number,
  fitted: readonly BranchWeights[],
  durationMs: number,
) {
  const model = joinRankerBranches(recipe, rows.inputs.length / rows.label.length, seed, fitted);
  const artifacts = await saveModelArtifacts(model, RANKER_FILES.weights);
  model.dispose();
  const card: NonNullable<ModelCard["ranker"]> = {
    recipe: recipe.name,
    recipeHash: recipeHash(recipe),
    inputs: recipe.inputs,
    scaler: rows.scaler ? { mean: [...rows.scaler.mean], std: [...rows.scaler.std] } : null,
    rows: labelledCount(rows.label),
    lastDate: rows.lastDate,
    excessReturnPerScore: null,
    memberProbability: null,
  };
  return { card, artifacts, durationMs };
}
