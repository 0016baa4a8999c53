import { studentTSurvival } from "./distributions.js";
import type { Series } from "../../core/series.js";
import { assertSameLength } from "../../core/series.js";

/**
 * Cross-sectional statistics of a ranking model on panel rows (Alphalens / Qlib style).
 * Panel rows are parallel arrays, one entry per (day, member), sorted by date ascending; the
 * order of rows within a day never matters. A row counts where its score and the outcome used
 * are both finite; NaN marks a missing value.
 */

/** A run of rows [start, end) sharing one date. */
interface DayRange {
  date: string;
  start: number;
  end: number;
}

/** Splits rows sorted by date into one range per distinct date; throws if dates go backwards. */
export function dayRanges(dates: readonly string[]): DayRange[] {
  const out: DayRange[] = [];
  let start = 0;
  for (let i = 1; i <= dates.length; i++) {
    if (i < dates.length && dates[i] === dates[start]) continue;
    if (i < dates.length && dates[i]! < dates[i - 1]!) {
      throw new RangeError(`dayRanges: date ${dates[i]} at row ${i} precedes ${dates[i - 1]}`);
    }
    out.push({ date: dates[start]!, start, end: i });
    start = i;
  }
  return out;
}

/** 1-based ranks, tied values sharing the mean of the positions they occupy. */
function averageRanks(values: readonly number[]): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  let first = 0;
  while (first < n) {
    let last = first;
    while (last + 1 < n && values[order[last + 1]!] === values[order[first]!]) last++;
    const rank = (first + last) / 2 + 1;
    for (let p = first; p <= last; p++) ranks[order[p]!] = rank;
    first = last + 1;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/**
 * Spearman rank correlation: the Pearson correlation of average ranks (ties share their mean
 * rank), over the pairs where both values are finite. NaN with fewer than 3 such pairs or when
 * either side is constant over them.
 */
export function spearman(a: Series, b: Series): number {
  const n = assertSameLength("spearman", a, b);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      xs.push(a[i]!);
      ys.push(b[i]!);
    }
  }
  if (xs.length < 3) return Number.NaN;
  return pearson(averageRanks(xs), averageRanks(ys));
}

export interface DailySeries {
  dates: string[];
  ic: Float64Array;
}

/**
 * Daily rank information coefficient: for each date, the Spearman correlation of score and
 * outcome over that date's rows where both are finite. Dates with fewer than minMembers such
 * rows, or with a constant score or outcome (undefined correlation), are left out.
 */
export function dailyRankIc(
  dates: readonly string[],
  score: Series,
  outcome: Series,
  minMembers = 5,
): DailySeries {
  assertSameLength("dailyRankIc", dates, score, outcome);
  const outDates: string[] = [];
  const ic: number[] = [];
  for (const { date, start, end } of dayRanges(dates)) {
    const s: number[] = [];
    const o: number[] = [];
    for (let i = start; i < end; i++) {
      if (Number.isFinite(score[i]) && Number.isFinite(outcome[i])) {
        s.push(score[i]!);
        o.push(outcome[i]!);
      }
    }
    if (s.length < minMembers) continue;
    const rho = spearman(s, o);
    if (Number.isNaN(rho)) continue;
    outDates.push(date);
    ic.push(rho);
  }
  return { dates: outDates, ic: Float64Array.from(ic) };
}

interface IcYear {
  year: string;
  days: number;
  mean: number;
  icir: number;
  t: number;
}

interface IcSummary {
  days: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** mean / std. */
  icir: number;
  /** mean / (std / √days). */
  t: number;
  /** One-sided P(T > t) under H0: mean IC = 0, Student t with days − 1 degrees of freedom. */
  pValue: number;
  /** Share of days with IC > 0. */
  positiveShare: number;
  byYear: IcYear[];
  /** Mean of the last rollingWindow days' IC, from the rollingWindow-th day on. */
  rolling: { date: string; ic: number }[];
}

interface Moments {
  mean: number;
  std: number;
  icir: number;
  t: number;
}

/** Undefined statistics are NaN: the mean with 0 values, std with < 2, icir and t when std is 0. */
function moments(values: ArrayLike<number>, from: number, to: number): Moments {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (values[i]! - mean) ** 2;
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const icir = std > 0 ? mean / std : Number.NaN;
  return { mean, std, icir, t: icir * Math.sqrt(n) };
}

/**
 * Summary of a daily IC series. Never throws on short input: with 0 days, days is 0, byYear and
 * rolling are empty and every other field is NaN; std, icir, t and pValue are NaN with fewer than
 * 2 days or a constant series (std 0), as the Sharpe ratio is for a flat book in backtest.ts.
 */
export function summarizeIc(daily: DailySeries, rollingWindow = 60): IcSummary {
  const n = assertSameLength("summarizeIc", daily.dates, daily.ic);
  if (!(Number.isInteger(rollingWindow) && rollingWindow >= 1)) {
    throw new RangeError(`summarizeIc: rollingWindow ${rollingWindow} is not an integer ≥ 1`);
  }
  const { dates, ic } = daily;
  const all = moments(ic, 0, n);
  let positive = 0;
  for (let i = 0; i < n; i++) if (ic[i]! > 0) positive++;

  const byYear: IcYear[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    const year = dates[start]!.slice(0, 4);
    if (i < n && dates[i]!.slice(0, 4) === year) continue;
    const m = moments(ic, start, i);
    byYear.push({ year, days: i - start, mean: m.mean, icir: m.icir, t: m.t });
    start = i;
  }

  const rolling: { date: string; ic: number }[] = [];
  for (let i = rollingWindow - 1; i < n; i++) {
    rolling.push({ date: dates[i]!, ic: moments(ic, i - rollingWindow + 1, i + 1).mean });
  }

  return {
    days: n,
    mean: all.mean,
    std: all.std,
    icir: all.icir,
    t: all.t,
    pValue: Number.isNaN(all.t) ? Number.NaN : studentTSurvival(all.t, n - 1),
    positiveShare: n > 0 ? positive / n : Number.NaN,
    byYear,
    rolling,
  };
}

interface QuantileReturn {
  /** 1 = lowest scores. */
  quantile: number;
  /** Mean over days of the day's mean outcome in this quantile; NaN if it was never filled. */
  meanReturn: number;
  /** Days on which the quantile held at least one row. */
  days: number;
}

/**
 * Quantile of each value by pandas.qcut(ranks, quantiles): with n values ranked 1…n the edges are
 * 1 + (n − 1)·j/Q, bins are right-closed and the first includes the lowest rank, so bin sizes
 * differ by at most one (n = 7, Q = 5: 2, 1, 1, 1, 2). Tied values share their average rank, so
 * a tie is never split by row order. Returns 1-based quantiles.
 */
function quantilesOf(values: readonly number[], quantiles: number): Uint32Array {
  const n = values.length;
  const ranks = averageRanks(values);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = ranks[i]! - 1;
    out[i] = offset === 0 ? 1 : Math.ceil((offset * quantiles) / (n - 1));
  }
  return out;
}

/**
 * Alphalens-style mean outcome by score quantile: each day, rows with a finite score and outcome
 * are split into `quantiles` groups by score (see quantilesOf) and the outcome is averaged within
 * each group; each group's daily means are then averaged over days, so every day weighs the same.
 * Outcomes are averaged as given (no conversion between log and simple returns). Days with fewer
 * such rows than quantiles are skipped.
 */
export function quantileReturns(
  dates: readonly string[],
  score: Series,
  outcome: Series,
  quantiles = 5,
): QuantileReturn[] {
  assertSameLength("quantileReturns", dates, score, outcome);
  if (!(Number.isInteger(quantiles) && quantiles >= 1)) {
    throw new RangeError(`quantileReturns: quantiles ${quantiles} is not an integer ≥ 1`);
  }
  const sumOfMeans = new Float64Array(quantiles);
  const days = new Uint32Array(quantiles);
  for (const { start, end } of dayRanges(dates)) {
    const s: number[] = [];
    const o: number[] = [];
    for (let i = start; i < end; i++) {
      if (Number.isFinite(score[i]) && Number.isFinite(outcome[i])) {
        s.push(score[i]!);
        o.push(outcome[i]!);
      }
    }
    if (s.length < quantiles) continue;
    const q = quantilesOf(s, quantiles);
    const sum = new Float64Array(quantiles);
    const count = new Uint32Array(quantiles);
    for (let i = 0; i < s.length; i++) {
      sum[q[i]! - 1]! += o[i]!;
      count[q[i]! - 1]!++;
    }
    for (let g = 0; g < quantiles; g++) {
      if (count[g] === 0) continue;
      sumOfMeans[g]! += sum[g]! / count[g]!;
      days[g]!++;
    }
  }
  return Array.from({ length: quantiles }, (_, g) => ({
    quantile: g + 1,
    meanReturn: days[g]! > 0 ? sumOfMeans[g]! / days[g]! : Number.NaN,
    days: days[g]!,
  }));
}

/**
 * Population standard deviation of each day's finite scores (a day with one score gives 0; a day
 * with none is left out). Deviations are taken from the day's first score before the mean so
 * that a constant score gives exactly 0 rather than rounding noise.
 */
export function crossSectionalSpread(
  dates: readonly string[],
  score: Series,
): { dates: string[]; std: Float64Array } {
  assertSameLength("crossSectionalSpread", dates, score);
  const outDates: string[] = [];
  const std: number[] = [];
  for (const { date, start, end } of dayRanges(dates)) {
    const shifted: number[] = [];
    let origin = Number.NaN;
    for (let i = start; i < end; i++) {
      const v = score[i]!;
      if (!Number.isFinite(v)) continue;
      if (Number.isNaN(origin)) origin = v;
      shifted.push(v - origin);
    }
    if (shifted.length === 0) continue;
    let sum = 0;
    for (const d of shifted) sum += d;
    const m = sum / shifted.length;
    let ss = 0;
    for (const d of shifted) ss += (d - m) ** 2;
    outDates.push(date);
    std.push(Math.sqrt(ss / shifted.length));
  }
  return { dates: outDates, std: Float64Array.from(std) };
}

/** Number of distinct values among the non-NaN scores (0 and −0 are the same value). */
export function distinctRankCount(score: Series): number {
  const seen = new Set<number>();
  for (let i = 0; i < score.length; i++) if (!Number.isNaN(score[i])) seen.add(score[i]!);
  return seen.size;
}
