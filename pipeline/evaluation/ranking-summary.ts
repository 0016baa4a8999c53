/**
 * The members' ranking judged: daily rank IC (whole period, the days that chose the recipe,
 * the days from the selection cut on), by year, quintile returns, the champion recipe against
 * each ranking baseline (paired t-test on the daily IC difference), the share of days whose
 * scores vary, top-k backtests at the next open (tradable) and close to close (not tradable),
 * and the members' combined probability of a rise on later folds.
 */
import type { RankingMetrics } from "../../core/contracts.js";
import { demeanByDate, MIN_MEMBERS_PER_DAY } from "../model/cross-section.js";
import { reliabilityTable } from "./calibration.js";
import { studentTSurvival } from "./distributions.js";
import {
  applyMemberProbability,
  fitMemberProbability,
  type MemberProbabilityFit,
} from "../model/member-probability.js";
import { brierSkillScore } from "./probabilistic.js";
import type { RankWalkForwardResult } from "./rank-walk-forward.js";
import { RANKING_BASELINES } from "./rank-walk-forward.js";
import {
  crossSectionalSpread,
  dailyRankIc,
  quantileReturns,
  summarizeIc,
  type DailySeries,
} from "./ranking.js";
import { summarizeTopk, topMinusBottom, topkDropoutBacktest } from "./topk-backtest.js";

/** a day's scores "vary" when their cross-sectional std is above this (label units: std 1) */
export const MIN_SCORE_SPREAD = 1e-3;
const TOPK = { k: 5, nDrop: 2 } as const;
const COSTS_BPS = [5, 10, 20] as const;

export interface RankingInputs {
  rank: RankWalkForwardResult;
  recipe: string;
  recipeHash: string;
  recipesTried: number;
  selectionCut: string;
  /** per scored row: ln(open[t+2] / open[t+1]), NaN when unknown */
  openToOpen: Float64Array;
  /** per signal date: the index's next-session returns in both timings */
  indexReturns: ReadonlyMap<string, { closeToClose: number; openToOpen: number }>;
  /** per scored row: the absolute model's walk-forward probability of a rise */
  marketP: Float64Array;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function icRecord(daily: DailySeries) {
  const s = summarizeIc(daily);
  return {
    days: s.days,
    mean: finite(s.mean),
    std: finite(s.std),
    icir: finite(s.icir),
    t: finite(s.t),
    pValue: finite(s.pValue),
    positiveShare: finite(s.positiveShare),
  };
}

function split(daily: DailySeries, keep: (d: string) => boolean): DailySeries {
  const idx = daily.dates.flatMap((d, i) => (keep(d) ? [i] : []));
  return {
    dates: idx.map((i) => daily.dates[i]!),
    ic: Float64Array.from(idx, (i) => daily.ic[i]!),
  };
}

function pairedTest(a: DailySeries, b: DailySeries) {
  const other = new Map(b.dates.map((d, i) => [d, b.ic[i]!]));
  const diff: number[] = [];
  a.dates.forEach((d, i) => {
    const o = other.get(d);
    if (o !== undefined) diff.push(a.ic[i]! - o);
  });
  const n = diff.length;
  if (n < 2) return { meanDifference: null, t: null, pValueBetter: null };
  const mean = diff.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(diff.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const t = sd > 0 ? mean / (sd / Math.sqrt(n)) : Number.NaN;
  return { meanDifference: mean, t: finite(t), pValueBetter: finite(studentTSurvival(t, n - 1)) };
}

function annualised(simple: ArrayLike<number>): number | null {
  if (simple.length === 0) return null;
  let equity = 1;
  for (let i = 0; i < simple.length; i++) equity *= 1 + simple[i]!;
  return finite(equity ** (252 / simple.length) - 1);
}

/** Slope of the members' next return relative to their day's mean on the score (least squares). */
export function excessReturnPerScore(
  rank: RankWalkForwardResult,
  score: Float64Array,
): number | null {
  const excess = demeanByDate(rank.ret, rank.dates, () => true);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(excess[i]!)) continue;
    n++;
    sx += score[i]!;
    sy += excess[i]!;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(excess[i]!)) continue;
    sxy += (score[i]! - mx) * (excess[i]! - my);
    sxx += (score[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** The combination fitted on every walk-forward row (what forecasting carries over). */
export function memberProbabilityFit(inputs: RankingInputs): MemberProbabilityFit {
  const score = inputs.rank.scores[inputs.recipe]!;
  return fitMemberProbability(
    inputs.marketP,
    score,
    Float64Array.from(inputs.rank.ret, (r) => (r > 0 ? 1 : 0)),
  );
}

/** Each fold's member probabilities from a combination fitted on the earlier folds only. */
function memberProbabilityOnLaterFolds(inputs: RankingInputs): RankingMetrics["memberProbability"] {
  const { rank } = inputs;
  const score = rank.scores[inputs.recipe]!;
  const up = Float64Array.from(rank.ret, (r) => (r > 0 ? 1 : 0));
  const p: number[] = [];
  const outcome: number[] = [];
  const reference: number[] = [];
  for (const fold of [...new Set(rank.fold)].sort((a, b) => a - b).slice(1)) {
    const before = Array.from(rank.fold.keys()).filter((i) => rank.fold[i]! < fold);
    const fit = fitMemberProbability(
      before.map((i) => inputs.marketP[i]!),
      before.map((i) => score[i]!),
      before.map((i) => up[i]!),
    );
    const upRate = before.reduce((s, i) => s + up[i]!, 0) / before.length;
    rank.fold.forEach((f, i) => {
      if (f !== fold) return;
      p.push(applyMemberProbability(fit, inputs.marketP[i]!, score[i]!));
      outcome.push(up[i]!);
      reference.push(upRate);
    });
  }
  if (p.length === 0) return null;
  const table = reliabilityTable(outcome, p);
  return {
    n: p.length,
    brierSkill: finite(brierSkillScore(outcome, p, reference)),
    ece: finite(table.expectedCalibrationError),
    reliability: table.bins.map((b) => ({
      lower: b.lower,
      upper: b.upper,
      count: b.count,
      meanPredicted: finite(b.meanPredicted),
      observedRate: finite(b.observedFrequency),
    })),
  };
}

function backtests(inputs: RankingInputs, score: Float64Array): RankingMetrics["backtest"] {
  const { rank } = inputs;
  const out: RankingMetrics["backtest"] = [];
  for (const timing of ["next-open", "close-to-close"] as const) {
    const outcome = timing === "next-open" ? inputs.openToOpen : rank.ret;
    for (const costBps of COSTS_BPS) {
      const result = topkDropoutBacktest(rank.dates, rank.symbolIndex, score, outcome, {
        ...TOPK,
        costBps,
      });
      const summary = summarizeTopk(result);
      const indexDaily = result.dates.map((d) => {
        const r = inputs.indexReturns.get(d);
        const v = timing === "next-open" ? r?.openToOpen : r?.closeToClose;
        return v !== undefined && Number.isFinite(v) ? Math.expm1(v) : 0;
      });
      const spread = topMinusBottom(rank.dates, rank.symbolIndex, score, outcome, TOPK.k, costBps);
      out.push({
        timing,
        tradable: timing === "next-open",
        k: TOPK.k,
        nDrop: TOPK.nDrop,
        costBps,
        days: summary.days,
        annualReturn: finite(summary.annualReturn),
        benchmarkAnnualReturn: finite(summary.benchmarkAnnualReturn),
        indexAnnualReturn: annualised(indexDaily),
        excessAnnualReturn: finite(summary.excessAnnualReturn),
        sharpe: finite(summary.sharpe),
        maxDrawdown: finite(summary.maxDrawdown),
        turnoverPerYear: finite(summary.turnoverPerYear),
        spreadAnnualReturn: annualised(spread.spread),
      });
    }
  }
  return out;
}

export function summarizeRanking(inputs: RankingInputs): RankingMetrics {
  const { rank } = inputs;
  const names = [inputs.recipe, ...RANKING_BASELINES];
  const daily = new Map(
    names.map((n) => [n, dailyRankIc(rank.dates, rank.scores[n]!, rank.ret, MIN_MEMBERS_PER_DAY)]),
  );
  const models = names.map((model) => {
    const d = daily.get(model)!;
    const s = summarizeIc(d);
    const spread = topMinusBottom(
      rank.dates,
      rank.symbolIndex,
      rank.scores[model]!,
      rank.ret,
      TOPK.k,
      0,
    );
    return {
      model,
      whole: icRecord(d),
      selection: icRecord(split(d, (x) => x < inputs.selectionCut)),
      holdout: icRecord(split(d, (x) => x >= inputs.selectionCut)),
      byYear: s.byYear.map((y) => ({
        year: y.year,
        days: y.days,
        mean: finite(y.mean),
        icir: finite(y.icir),
        t: finite(y.t),
      })),
      quantiles: quantileReturns(rank.dates, rank.scores[model]!, rank.ret).map((q) => ({
        ...q,
        meanReturn: finite(q.meanReturn),
      })),
      spreadMean:
        spread.spread.length > 0
          ? spread.spread.reduce((a, b) => a + b, 0) / spread.spread.length
          : null,
      trainingSeconds: (rank.trainingMs[model] ?? 0) / 1000,
    };
  });
  const champion = daily.get(inputs.recipe)!;
  const score = rank.scores[inputs.recipe]!;
  const spread = crossSectionalSpread(rank.dates, score);
  const varying = spread.std.filter((s) => s > MIN_SCORE_SPREAD).length;
  return {
    recipe: inputs.recipe,
    recipeHash: inputs.recipeHash,
    recipesTried: inputs.recipesTried,
    selectionCut: inputs.selectionCut,
    members: new Set(rank.symbolIndex).size,
    models,
    comparisons: RANKING_BASELINES.map((b) => ({
      baseline: b,
      ...pairedTest(champion, daily.get(b)!),
      holdout: pairedTest(
        split(champion, (d) => d >= inputs.selectionCut),
        split(daily.get(b)!, (d) => d >= inputs.selectionCut),
      ),
    })),
    varyingDayShare: spread.std.length > 0 ? varying / spread.std.length : 0,
    backtest: backtests(inputs, score),
    memberProbability: memberProbabilityOnLaterFolds(inputs),
  };
}
