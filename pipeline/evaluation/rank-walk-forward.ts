/**
 * Walk-forward evaluation of the members' ranking: the same expanding-window folds as the
 * absolute models (planFolds), each ranker recipe refitted before every fold on the rows dated
 * before it (minus the embargo), beside the ranking baselines on the same folds: a ridge on the
 * per-day z-scored features with the same label, and two single-factor scores (short-term
 * reversal, minus the 5-day return; momentum, the 60-day return). Only member rows are scored.
 */
import { FEATURE_NAMES } from "../indicators/registry.js";
import { crossSectionalZ, dailyRankLabel } from "../model/cross-section.js";
import type { LabelledRows } from "../model/dataset.js";
import { assembleRankerInputs, type RankerRecipe } from "../model/recipe.js";
import { scoreRows } from "../model/infer.js";
import { trainRanker } from "../model/ranker.js";
import { fitScaler, transform } from "../model/scaler.js";
import { fitRidge, predictRidge } from "./ridge.js";
import { planFolds, tradingCalendar, type WalkForwardConfig } from "./walk-forward.js";

export const RANKING_BASELINES = ["ridge", "reversal-5d", "momentum-60d"] as const;
/** the ridge penalty, relative to the row count (not tuned: a baseline) */
const RIDGE_LAMBDA = 0.01;

const ROC_5 = FEATURE_NAMES.indexOf("roc_5");
const ROC_60 = FEATURE_NAMES.indexOf("roc_60");

export type RankWalkForwardConfig = Pick<
  WalkForwardConfig,
  "refitEvery" | "embargoDays" | "firstTestDate" | "seed" | "lastFolds"
> & {
  /** run only the folds with these indices (a share of the work for one thread) */
  onlyFolds?: readonly number[];
};

export interface RankFoldSummary {
  index: number;
  trainRows: number;
  testRows: number;
  firstTestDate: string;
  lastTestDate: string;
}

export interface RankWalkForwardResult {
  folds: RankFoldSummary[];
  /** the scored test rows (members only), date ascending: their index in the dataset */
  rows: Int32Array;
  fold: Int32Array;
  dates: string[];
  symbolIndex: Int32Array;
  /** next-session log return of each scored row */
  ret: Float64Array;
  /** one score per scored row, per recipe name and baseline */
  scores: Record<string, Float64Array>;
  /** training time per recipe over all folds */
  trainingMs: Record<string, number>;
}

function gatherMatrix(x: Float32Array, k: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) {
    out.set(x.subarray(rows[i]! * k, (rows[i]! + 1) * k), i * k);
  }
  return out;
}

/** The per-day processed features and label of every row (each a function of its own day). */
function rankingPanel(data: LabelledRows, isMemberSymbol: (symbol: number) => boolean) {
  const isMemberRow = (r: number) => isMemberSymbol(data.symbolIndex[r]!);
  return {
    isMemberRow,
    crossSection: crossSectionalZ(data.x, data.featureCount, data.dates, isMemberRow),
    label: dailyRankLabel(data.ret, data.dates, isMemberRow),
  };
}

/** Inputs of the recipe for some rows, the raw part standardised with a scaler of train rows. */
function recipeInputsFor(
  recipe: RankerRecipe,
  data: LabelledRows,
  crossSection: Float32Array,
  rows: Int32Array,
  scaler: ReturnType<typeof fitScaler> | null,
): Float32Array {
  const k = data.featureCount;
  const cs = gatherMatrix(crossSection, k, rows);
  const raw =
    recipe.inputs === "cross-section+raw" && scaler
      ? transform(scaler, gatherMatrix(data.x, k, rows))
      : null;
  return assembleRankerInputs(recipe, cs, raw, rows.length);
}

export async function runRankWalkForward(
  data: LabelledRows,
  isMemberSymbol: (symbol: number) => boolean,
  recipes: readonly RankerRecipe[],
  config: RankWalkForwardConfig,
  onFold?: (fold: RankFoldSummary, total: number) => void,
): Promise<RankWalkForwardResult> {
  const k = data.featureCount;
  const panel = rankingPanel(data, isMemberSymbol);
  const plans = planFolds(tradingCalendar(data.dates), config).filter(
    (p) => !config.onlyFolds || config.onlyFolds.includes(p.index),
  );
  const names = [...recipes.map((r) => r.name), ...RANKING_BASELINES];
  const columns = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  const trainingMs: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const scored: number[] = [];
  const foldOf: number[] = [];
  const folds: RankFoldSummary[] = [];

  for (const plan of plans) {
    const trainList: number[] = [];
    const testList: number[] = [];
    for (let r = 0; r < data.n; r++) {
      const d = data.dates[r]!;
      if (d < plan.trainBefore && Number.isFinite(panel.label[r]!)) trainList.push(r);
      else if (d >= plan.testFrom && d <= plan.testTo && panel.isMemberRow(r)) testList.push(r);
    }
    if (trainList.length === 0 || testList.length === 0) continue;
    // date-ascending test rows, so the result reads day by day
    testList.sort((a, b) =>
      data.dates[a]! < data.dates[b]! ? -1 : data.dates[a]! > data.dates[b]! ? 1 : a - b,
    );
    const trainRows = Int32Array.from(trainList);
    const testRows = Int32Array.from(testList);
    const label = Float32Array.from(trainRows, (r) => panel.label[r]!);
    const needsRaw = recipes.some((r) => r.inputs === "cross-section+raw");
    const scaler = needsRaw ? fitScaler(data.x, k, trainRows) : null;
    const seed = config.seed + plan.index;

    for (const recipe of recipes) {
      const started = performance.now();
      const trainX = recipeInputsFor(recipe, data, panel.crossSection, trainRows, scaler);
      const trained = await trainRanker(trainX, label, recipe, seed);
      const testX = recipeInputsFor(recipe, data, panel.crossSection, testRows, scaler);
      const s = scoreRows(trained.model, testX, testRows.length);
      trained.model.dispose();
      trainingMs[recipe.name]! += performance.now() - started;
      for (const v of s) columns[recipe.name]!.push(v);
    }
    const started = performance.now();
    const ridge = fitRidge(gatherMatrix(panel.crossSection, k, trainRows), label, k, RIDGE_LAMBDA);
    const ridgeScores = predictRidge(
      ridge,
      gatherMatrix(panel.crossSection, k, testRows),
      testRows.length,
    );
    trainingMs["ridge"]! += performance.now() - started;
    testRows.forEach((r, i) => {
      columns["ridge"]!.push(ridgeScores[i]!);
      columns["reversal-5d"]!.push(-panel.crossSection[r * k + ROC_5]!);
      columns["momentum-60d"]!.push(panel.crossSection[r * k + ROC_60]!);
      scored.push(r);
      foldOf.push(plan.index);
    });
    const summary: RankFoldSummary = {
      index: plan.index,
      trainRows: trainRows.length,
      testRows: testRows.length,
      firstTestDate: plan.testFrom,
      lastTestDate: plan.testTo,
    };
    folds.push(summary);
    onFold?.(summary, plans.length);
  }
  const rows = Int32Array.from(scored);
  return {
    folds,
    rows,
    fold: Int32Array.from(foldOf),
    dates: Array.from(rows, (r) => data.dates[r]!),
    symbolIndex: Int32Array.from(rows, (r) => data.symbolIndex[r]!),
    ret: Float64Array.from(rows, (r) => data.ret[r]!),
    scores: Object.fromEntries(names.map((n) => [n, Float64Array.from(columns[n]!)])),
    trainingMs,
  };
}

/**
 * Joins results of disjoint fold subsets of one walk-forward into the result of the whole:
 * the folds are consecutive date blocks, so fold order is date order.
 */
export function mergeRankResults(parts: readonly RankWalkForwardResult[]): RankWalkForwardResult {
  if (parts.length === 1) return parts[0]!;
  const segments = parts.flatMap((part) =>
    part.folds.map((f) => {
      const start = part.fold.indexOf(f.index);
      if (start < 0) throw new Error(`mergeRankResults: fold ${f.index} has no scored rows`);
      let end = start;
      while (end < part.fold.length && part.fold[end] === f.index) end++;
      return { part, summary: f, start, end };
    }),
  );
  segments.sort((a, b) => a.summary.index - b.summary.index);
  for (let i = 1; i < segments.length; i++) {
    if (segments[i]!.summary.index === segments[i - 1]!.summary.index)
      throw new Error(`mergeRankResults: fold ${segments[i]!.summary.index} appears twice`);
  }
  const names = Object.keys(parts[0]!.scores);
  const cat = <T extends Int32Array | Float64Array>(
    pick: (r: RankWalkForwardResult) => T,
    make: (n: number) => T,
  ) => {
    const total = segments.reduce((a, s) => a + s.end - s.start, 0);
    const out = make(total);
    let at = 0;
    for (const s of segments) {
      out.set(pick(s.part).subarray(s.start, s.end), at);
      at += s.end - s.start;
    }
    return out;
  };
  const int = (n: number) => new Int32Array(n);
  const float = (n: number) => new Float64Array(n);
  return {
    folds: segments.map((s) => s.summary),
    rows: cat((r) => r.rows, int),
    fold: cat((r) => r.fold, int),
    dates: segments.flatMap((s) => s.part.dates.slice(s.start, s.end)),
    symbolIndex: cat((r) => r.symbolIndex, int),
    ret: cat((r) => r.ret, float),
    scores: Object.fromEntries(names.map((n) => [n, cat((r) => r.scores[n]!, float)])),
    trainingMs: Object.fromEntries(
      names.map((n) => [n, parts.reduce((a, p) => a + (p.trainingMs[n] ?? 0), 0)]),
    ),
  };
}

/**
 * Splits the fold indices into `shares` sets of about equal training work: a fold's work grows
 * with its training rows, so each fold (largest first) goes to the lightest share so far.
 */
export function splitFolds(
  calendar: readonly string[],
  config: RankWalkForwardConfig,
  shares: number,
): number[][] {
  const plans = planFolds(calendar, config);
  const position = new Map(calendar.map((d, i) => [d, i]));
  const weighted = plans
    .map((p) => ({ index: p.index, work: position.get(p.trainBefore) ?? 0 }))
    .sort((a, b) => b.work - a.work);
  const out = Array.from({ length: Math.max(1, shares) }, () => ({
    work: 0,
    folds: [] as number[],
  }));
  for (const f of weighted) {
    const lightest = out.reduce((a, b) => (b.work < a.work ? b : a));
    lightest.folds.push(f.index);
    lightest.work += f.work;
  }
  return out.filter((s) => s.folds.length > 0).map((s) => s.folds.sort((a, b) => a - b));
}
