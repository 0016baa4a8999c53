/**
 * The champion's ranker fit: the champion recipe trained on every labelled member row, with
 * its card entry (recipe, raw-feature scaler) and its tfjs artifacts (ranker.json, ranker.bin).
 */
import type { ModelCard } from "../../core/contracts.js";
import { crossSectionalZ, dailyRankLabel } from "./cross-section.js";
import type { LabelledRows } from "./dataset.js";
import { trainRanker } from "./ranker.js";
import { assembleRankerInputs, recipeHash, type RankerRecipe } from "./recipe.js";
import { fitScaler, transform } from "./scaler.js";
import { saveModelArtifacts } from "./serialize.js";
import { RANKER_FILES } from "../../core/registry-store.js";

export async function trainChampionRanker(
  data: LabelledRows,
  isMemberSymbol: (symbol: number) => boolean,
  recipe: RankerRecipe,
  seed: number,
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
  const trained = await trainRanker(inputs, label, recipe, seed);
  const artifacts = await saveModelArtifacts(trained.model, RANKER_FILES.weights);
  trained.model.dispose();
  const lastDate = trainRows.reduce((m, r) => (data.dates[r]! > m ? data.dates[r]! : m), "");
  const card: NonNullable<ModelCard["ranker"]> = {
    recipe: recipe.name,
    recipeHash: recipeHash(recipe),
    inputs: recipe.inputs,
    scaler: scaler ? { mean: [...scaler.mean], std: [...scaler.std] } : null,
    rows: trained.rows,
    lastDate,
    excessReturnPerScore: null,
    memberProbability: null,
  };
  return { card, artifacts, durationMs: trained.durationMs };
}
