/**
 * `npm run pipeline -- zoo`: every recipe of pipeline/recipes/zoo.json and the ranking
 * baselines on the evaluate stage's walk-forward folds; writes the leaderboard to
 * artifacts/zoo/ and prints it. `--adopt` writes the chosen recipe to
 * pipeline/recipes/champion.json, for review in a pull request like any config change.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { loadConfig } from "../../core/config.js";
import { writeFileAtomic, writeJsonAtomic } from "../../core/store.js";
import { runRankWalkForward } from "../evaluation/rank-walk-forward.js";
import { initBackend } from "../model/backend.js";
import { loadModelInputs } from "../model/inputs.js";
import { zooRecipes, type RankerRecipe } from "../model/recipe.js";
import { RECIPE_SELECTION_CUT, walkForwardConfig } from "../stages/evaluate.js";
import { buildLeaderboard, leaderboardMarkdown, type Leaderboard } from "./leaderboard.js";

const recipesFile = (name: string) => fileURLToPath(new URL(`../recipes/${name}`, import.meta.url));

/**
 * Writes the chosen recipe to pipeline/recipes/champion.json and the leaderboard that chose it
 * to pipeline/recipes/leaderboard.md, for review in a pull request like any config change.
 */
async function adopt(board: Leaderboard, recipes: readonly RankerRecipe[]): Promise<void> {
  const chosen = recipes.find((r) => r.name === board.chosen);
  if (!chosen) throw new Error(`the chosen recipe "${board.chosen}" is not in the zoo`);
  // number arrays on one line, as prettier writes them, so the reviewed file passes its check
  const json = JSON.stringify(chosen, null, 2).replace(
    /\[\s+([-\d.,\s]+?)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`,
  );
  await writeFileAtomic(recipesFile("champion.json"), json + "\n");
  await writeFileAtomic(recipesFile("leaderboard.md"), leaderboardMarkdown(board));
  console.error(
    `[zoo] pipeline/recipes/champion.json now holds "${chosen.name}": review and commit it`,
  );
}

export function registerZooCommand(program: Command): void {
  program
    .command("zoo")
    .description(
      "evaluate every ranker recipe of pipeline/recipes/zoo.json on the walk-forward folds; write the leaderboard",
    )
    .option("--only <names>", "comma-separated recipe names (default: all)")
    .option(
      "--adopt",
      "write the chosen recipe to pipeline/recipes/champion.json and the leaderboard beside it",
    )
    .action(async (opts: { only?: string; adopt?: boolean }) => {
      const config = loadConfig();
      const only = opts.only?.split(",").map((s) => s.trim());
      const recipes = zooRecipes().filter((r) => !only || only.includes(r.name));
      if (recipes.length === 0) throw new Error(`no zoo recipe named ${opts.only}`);
      await initBackend();
      const inputs = await loadModelInputs(config.ARTIFACTS_DIR).catch((error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}; run \`npm run pipeline -- features\` first`,
        );
      });
      const data = inputs.dataset.labelled;
      const indexSymbol = data.symbols.indexOf(config.INDEX_SYMBOL);
      const started = performance.now();
      const rank = await runRankWalkForward(
        data,
        (s) => s !== indexSymbol,
        recipes,
        walkForwardConfig(config),
        (fold, total) =>
          console.error(
            `[zoo] fold ${fold.index + 1}/${total} ${fold.firstTestDate}..${fold.lastTestDate} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
          ),
      );
      const board = buildLeaderboard(rank, recipes, RECIPE_SELECTION_CUT);
      const markdown = leaderboardMarkdown(board);
      const dir = join(config.ARTIFACTS_DIR, "zoo");
      await writeJsonAtomic(join(dir, "leaderboard.json"), board);
      await writeFileAtomic(join(dir, "leaderboard.md"), markdown);
      process.stdout.write(markdown);
      console.error(`[zoo] written to ${dir}/leaderboard.{json,md}`);
      if (opts.adopt) await adopt(board, recipes);
    });
}
