/**
 * The zoo's leaderboard: every ranker recipe and ranking baseline on the same walk-forward
 * folds, judged by the members' daily rank IC on the folds before the selection cut (where the
 * recipe is chosen), on the folds from the cut on (which the choice never sees), and over the
 * whole period, with the top-minus-bottom spread, the Brier skill of a probability built from
 * the score alone (fitted on earlier folds) and the training time.
 */
import { applyMemberProbability, fitMemberProbability } from "../model/member-probability.js";
import { brierSkillScore } from "../evaluation/probabilistic.js";
import type { RANKING_BASELINES } from "../evaluation/rank-walk-forward.js";
import { type RankWalkForwardResult } from "../evaluation/rank-walk-forward.js";
import { dailyRankIc, summarizeIc, type DailySeries } from "../evaluation/ranking.js";
import { topMinusBottom } from "../evaluation/topk-backtest.js";
import { MIN_MEMBERS_PER_DAY } from "../model/cross-section.js";
import type { RankerRecipe } from "../model/recipe.js";
import { fixed, markdownTable, percent, type Column } from "../report/format.js";

interface IcFigures {
  days: number;
  mean: number;
  icir: number;
  t: number;
}

export interface LeaderboardRow {
  model: string;
  kind: "recipe" | "baseline";
  description: string;
  selection: IcFigures;
  holdout: IcFigures;
  whole: IcFigures;
  /** mean daily top-5 minus bottom-5 next-day return, before costs */
  spread: number;
  /** Brier skill of sigmoid(a + b * score) fitted on earlier folds, against their up-rate */
  brierSkill: number;
  trainingSeconds: number;
}

export interface Leaderboard {
  selectionCut: string;
  recipesTried: number;
  chosen: string;
  rule: string;
  rows: LeaderboardRow[];
}

const BASELINE_TEXT: Record<(typeof RANKING_BASELINES)[number], string> = {
  ridge: "ridge (closed form) on the per-day z-scored features, rank label",
  "reversal-5d": "single factor: minus the 5-day return",
  "momentum-60d": "single factor: the 60-day return",
};

function figures(daily: DailySeries, keep: (d: string) => boolean): IcFigures {
  const idx = daily.dates.flatMap((d, i) => (keep(d) ? [i] : []));
  const s = summarizeIc({
    dates: idx.map((i) => daily.dates[i]!),
    ic: Float64Array.from(idx, (i) => daily.ic[i]!),
  });
  return { days: s.days, mean: s.mean, icir: s.icir, t: s.t };
}

function scoreOnlyBrierSkill(rank: RankWalkForwardResult, score: Float64Array): number {
  const up = Float64Array.from(rank.ret, (r) => (r > 0 ? 1 : 0));
  const p: number[] = [];
  const o: number[] = [];
  const ref: number[] = [];
  const folds = [...new Set(rank.fold)].sort((a, b) => a - b);
  for (const fold of folds.slice(1)) {
    const before = Array.from(rank.fold.keys()).filter((i) => rank.fold[i]! < fold);
    const half = new Float64Array(before.length).fill(0.5);
    const fit = fitMemberProbability(
      half,
      before.map((i) => score[i]!),
      before.map((i) => up[i]!),
    );
    const rate = before.reduce((s, i) => s + up[i]!, 0) / before.length;
    rank.fold.forEach((f, i) => {
      if (f !== fold) return;
      p.push(applyMemberProbability(fit, 0.5, score[i]!));
      o.push(up[i]!);
      ref.push(rate);
    });
  }
  return p.length > 0 ? brierSkillScore(o, p, ref) : Number.NaN;
}

/** Ranks the recipes by their mean rank IC before the cut; the first one is chosen. */
export function buildLeaderboard(
  rank: RankWalkForwardResult,
  recipes: readonly RankerRecipe[],
  selectionCut: string,
): Leaderboard {
  const rows: LeaderboardRow[] = Object.keys(rank.scores).map((model) => {
    const score = rank.scores[model]!;
    const daily = dailyRankIc(rank.dates, score, rank.ret, MIN_MEMBERS_PER_DAY);
    const spread = topMinusBottom(rank.dates, rank.symbolIndex, score, rank.ret, 5, 0).spread;
    const recipe = recipes.find((r) => r.name === model);
    return {
      model,
      kind: recipe ? "recipe" : "baseline",
      description: recipe?.description ?? BASELINE_TEXT[model as keyof typeof BASELINE_TEXT] ?? "",
      selection: figures(daily, (d) => d < selectionCut),
      holdout: figures(daily, (d) => d >= selectionCut),
      whole: figures(daily, () => true),
      spread: spread.length > 0 ? spread.reduce((a, b) => a + b, 0) / spread.length : Number.NaN,
      brierSkill: scoreOnlyBrierSkill(rank, score),
      trainingSeconds: (rank.trainingMs[model] ?? 0) / 1000,
    };
  });
  const byChoice = (a: LeaderboardRow, b: LeaderboardRow) =>
    (Number.isFinite(b.selection.mean) ? b.selection.mean : -Infinity) -
    (Number.isFinite(a.selection.mean) ? a.selection.mean : -Infinity);
  rows.sort((a, b) => (a.kind === b.kind ? byChoice(a, b) : a.kind === "recipe" ? -1 : 1));
  const chosen = rows.find((r) => r.kind === "recipe")!.model;
  return {
    selectionCut,
    recipesTried: recipes.length,
    chosen,
    rule: `the recipe with the highest mean daily rank IC on the test days before ${selectionCut}`,
    rows,
  };
}

export function leaderboardMarkdown(board: Leaderboard): string {
  const cut = board.selectionCut;
  const right = (header: string): Column => ({ header, align: "right" });
  const columns: Column[] = [
    { header: "Model" },
    ...[
      `Rank IC before ${cut}`,
      "ICIR",
      `Rank IC from ${cut}`,
      "ICIR",
      "t",
      "Rank IC, whole",
      "t",
      "Top-5 minus bottom-5 a day",
      "Brier skill (score alone)",
      "Training s",
    ].map(right),
  ];
  const rows = board.rows.map((r) => [
    r.model === board.chosen
      ? `**${r.model}** (chosen)`
      : r.kind === "baseline"
        ? `${r.model} (baseline)`
        : r.model,
    fixed(r.selection.mean, 4),
    fixed(r.selection.icir, 3),
    fixed(r.holdout.mean, 4),
    fixed(r.holdout.icir, 3),
    fixed(r.holdout.t, 1),
    fixed(r.whole.mean, 4),
    fixed(r.whole.t, 1),
    percent(r.spread, 3),
    percent(r.brierSkill, 2),
    fixed(r.trainingSeconds, 0),
  ]);
  return (
    `Recipes tried: ${board.recipesTried}. Chosen: **${board.chosen}** (${board.rule}). ` +
    `The columns "from ${cut}" are days the choice never saw.\n\n` +
    markdownTable(columns, rows) +
    "\n"
  );
}
