/**
 * A ranker recipe: architecture, inputs and hyperparameters of the members' ranker. The zoo
 * (`pipeline zoo`) evaluates every recipe of `pipeline/recipes/zoo.json` on the same walk-forward
 * folds; the chosen one is the reviewed file `pipeline/recipes/champion.json`, which the daily
 * pipeline trains and evaluates.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { sha256 } from "../../core/store.js";

export const rankerRecipeSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and dashes"),
  description: z.string(),
  /** cross-section: the 45 features z-scored per day across the members; +raw adds the 45
   * features standardised over the training rows (market-level context) */
  inputs: z.enum(["cross-section", "cross-section+raw"]),
  /** hidden layer widths; none is a linear model */
  hidden: z.array(z.number().int().positive()),
  dropout: z.number().min(0).max(0.9),
  l2: z.number().min(0),
  /** fixed: the walk-forward choice picks it, so no test day ever chooses an epoch */
  epochs: z.number().int().positive().max(200),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive().max(1),
  /** branches with different seeds, their scores averaged */
  ensemble: z.number().int().positive().max(10),
});
export type RankerRecipe = z.infer<typeof rankerRecipeSchema>;

const zooSchema = z.array(rankerRecipeSchema).min(1);

// literal URLs, so the stage cache's source graph (pipeline/source-graph.ts) sees both files
const RECIPE_FILES = {
  champion: fileURLToPath(new URL("../recipes/champion.json", import.meta.url)),
  zoo: fileURLToPath(new URL("../recipes/zoo.json", import.meta.url)),
};

function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** The reviewed champion recipe (pipeline/recipes/champion.json). */
export function championRecipe(): RankerRecipe {
  const path = RECIPE_FILES.champion;
  const parsed = rankerRecipeSchema.safeParse(readJsonFile(path));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Every recipe the zoo tries (pipeline/recipes/zoo.json). */
export function zooRecipes(): RankerRecipe[] {
  const path = RECIPE_FILES.zoo;
  const parsed = zooSchema.safeParse(readJsonFile(path));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]?.message}`);
  const names = new Set<string>();
  for (const r of parsed.data) {
    if (names.has(r.name)) throw new Error(`${path}: recipe "${r.name}" appears twice`);
    names.add(r.name);
  }
  return parsed.data;
}

export function recipeHash(recipe: RankerRecipe): string {
  return sha256(JSON.stringify(recipe));
}

/** Row-major ranker inputs from the per-day z-scores and (for +raw) the standardised features. */
export function assembleRankerInputs(
  recipe: Pick<RankerRecipe, "inputs">,
  crossSection: Float32Array,
  rawScaled: Float32Array | null,
  n: number,
): Float32Array {
  if (recipe.inputs === "cross-section") return crossSection;
  if (!rawScaled) throw new Error("assembleRankerInputs: the recipe needs the raw features too");
  const a = crossSection.length / Math.max(n, 1);
  const b = rawScaled.length / Math.max(n, 1);
  const out = new Float32Array(n * (a + b));
  for (let i = 0; i < n; i++) {
    out.set(crossSection.subarray(i * a, (i + 1) * a), i * (a + b));
    out.set(rawScaled.subarray(i * b, (i + 1) * b), i * (a + b) + a);
  }
  return out;
}
