import { performanceOf, TRADING_DAYS_PER_YEAR } from "./backtest.js";
import type { Series } from "../../core/series.js";
import { assertSameLength } from "../../core/series.js";
import { dayRanges } from "./ranking.js";

/**
 * Top-k strategies on panel rows (see ranking.ts): rows sorted by date, `symbol` the member id of
 * each row, `score` decided after the close of the row's day, `outcome` the log return of holding
 * the member over the period that starts right after that signal. The caller chooses the period:
 * next open to the following open (tradable) or next close to close (not tradable, an upper
 * bound). Within a day, row order never matters: names are ranked by score, higher first, ties
 * broken by the smaller symbol id, and sums run in a fixed order.
 */

interface TopkOptions {
  /** Number of names held, each with weight 1/k. */
  k: number;
  /** Most names replaced in one day. */
  nDrop: number;
  /** Cost in basis points of the traded weight, per side. */
  costBps: number;
}

interface TopkResult {
  dates: string[];
  /** Daily simple return net of costs. */
  portfolio: Float64Array;
  /** Daily simple return before costs. */
  gross: Float64Array;
  /** Equal-weighted mean simple return of every member with an outcome that day. */
  benchmark: Float64Array;
  /** Bought weight (one side): names bought / k; 1 on the first day when k names are bought. */
  turnover: Float64Array;
  /** Symbols held over each day, ascending. */
  holdings: number[][];
}

interface Row {
  symbol: number;
  score: number;
  outcome: number;
}

function dayRows(
  name: string,
  symbol: Series,
  score: Series,
  outcome: Series,
  start: number,
  end: number,
): Map<number, Row> {
  const rows = new Map<number, Row>();
  for (let i = start; i < end; i++) {
    const s = symbol[i]!;
    if (rows.has(s)) throw new RangeError(`${name}: symbol ${s} appears twice on one day`);
    rows.set(s, { symbol: s, score: score[i]!, outcome: outcome[i]! });
  }
  return rows;
}

/** Higher score first, then the smaller symbol; a missing score ranks last. */
function byRank(a: { symbol: number; score: number }, b: { symbol: number; score: number }) {
  const sa = Number.isFinite(a.score) ? a.score : -Infinity;
  const sb = Number.isFinite(b.score) ? b.score : -Infinity;
  return sa !== sb ? sb - sa : a.symbol - b.symbol;
}

function simpleReturn(row: Row | undefined): number {
  return row !== undefined && Number.isFinite(row.outcome) ? Math.expm1(row.outcome) : 0;
}

function assertOptions(name: string, { k, nDrop, costBps }: TopkOptions): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`${name}: k ${k} is not ≥ 1`);
  if (!(Number.isInteger(nDrop) && nDrop >= 0)) {
    throw new RangeError(`${name}: nDrop ${nDrop} is not an integer ≥ 0`);
  }
  if (!(costBps >= 0)) throw new RangeError(`${name}: costBps must be ≥ 0`);
}

/**
 * Qlib's TopkDropout (long only, equal weight 1/k per name). Each day, after the close, the
 * candidates are the names held plus the names that can be bought (finite score and outcome);
 * held names outside the top k of that ranking are sold, worst first, at most nDrop of them, and
 * the best-ranked names not held are bought until k are held again (the first day buys the top
 * k). Ranking over "held or buyable" keeps a name that cannot be bought from pushing a held one
 * out; it is the same rule as Qlib's comb of held names and the top n_drop + k − held buyable
 * ones. Selling is always allowed; a held name without an outcome (or without a row) earns 0;
 * while fewer than k names can be held, the empty slots are cash earning 0.
 *
 * Costs are c = costBps / 10⁴ of the traded weight w = (sold + bought) / k, charged on equity
 * before the holding period as in performanceOf: 1 + net = (1 − c·w)(1 + gross). Held names are
 * reset to equal weight daily without a cost. Days on which no member has an outcome (such as the
 * last signal day, whose next day is not known yet) are left out entirely: nothing is traded.
 */
export function topkDropoutBacktest(
  dates: readonly string[],
  symbol: Series,
  score: Series,
  outcome: Series,
  options: TopkOptions,
): TopkResult {
  assertSameLength("topkDropoutBacktest", dates, symbol, score, outcome);
  assertOptions("topkDropoutBacktest", options);
  const { k, nDrop } = options;
  const cost = options.costBps / 10_000;
  const outDates: string[] = [];
  const portfolio: number[] = [];
  const gross: number[] = [];
  const benchmark: number[] = [];
  const turnover: number[] = [];
  const holdings: number[][] = [];
  let held: number[] = [];

  for (const { date, start, end } of dayRanges(dates)) {
    const rows = dayRows("topkDropoutBacktest", symbol, score, outcome, start, end);
    const withOutcome = [...rows.values()]
      .filter((r) => Number.isFinite(r.outcome))
      .sort((a, b) => a.symbol - b.symbol);
    if (withOutcome.length === 0) continue;

    const heldSet = new Set(held);
    const ranked = [
      ...held.map((s) => ({ symbol: s, score: rows.get(s)?.score ?? Number.NaN })),
      ...withOutcome.filter((r) => Number.isFinite(r.score) && !heldSet.has(r.symbol)),
    ].sort(byRank);
    const outside = ranked.slice(k).filter((r) => heldSet.has(r.symbol));
    const sold = new Set(outside.slice(Math.max(0, outside.length - nDrop)).map((r) => r.symbol));
    const keep = held.filter((s) => !sold.has(s));
    const bought = ranked
      .filter((r) => !heldSet.has(r.symbol))
      .slice(0, k - keep.length)
      .map((r) => r.symbol);
    held = [...keep, ...bought].sort((a, b) => a - b);

    let dayGross = 0;
    for (const s of held) dayGross += simpleReturn(rows.get(s));
    dayGross /= k;
    let dayBenchmark = 0;
    for (const r of withOutcome) dayBenchmark += Math.expm1(r.outcome);
    dayBenchmark /= withOutcome.length;

    outDates.push(date);
    gross.push(dayGross);
    portfolio.push((1 - (cost * (sold.size + bought.length)) / k) * (1 + dayGross) - 1);
    benchmark.push(dayBenchmark);
    turnover.push(bought.length / k);
    holdings.push(held);
  }
  return {
    dates: outDates,
    portfolio: Float64Array.from(portfolio),
    gross: Float64Array.from(gross),
    benchmark: Float64Array.from(benchmark),
    turnover: Float64Array.from(turnover),
    holdings,
  };
}

interface TopkSummary {
  /** E_n^(252/n) − 1 of the net portfolio, E compounding the daily returns from 1. */
  annualReturn: number;
  benchmarkAnnualReturn: number;
  /** annualReturn − benchmarkAnnualReturn. */
  excessAnnualReturn: number;
  /** mean / sd of daily net returns × √252 (zero rate); NaN when sd is 0 or days < 2. */
  sharpe: number;
  maxDrawdown: number;
  /** Σ turnover × 252 / days (one side). */
  turnoverPerYear: number;
  days: number;
}

/** Annualised summary as in backtest.ts; with 0 days every field but days (0) is NaN or 0. */
export function summarizeTopk(result: TopkResult): TopkSummary {
  const n = result.portfolio.length;
  const always = new Uint8Array(n).fill(1);
  // performanceOf with cost 0 compounds the already net returns: 1 + r_t each day.
  const strategy = performanceOf(always, result.portfolio, 0, TRADING_DAYS_PER_YEAR);
  const benchmark = performanceOf(always, result.benchmark, 0, TRADING_DAYS_PER_YEAR);
  let turnover = 0;
  for (let t = 0; t < n; t++) turnover += result.turnover[t]!;
  return {
    annualReturn: strategy.annualisedReturn,
    benchmarkAnnualReturn: benchmark.annualisedReturn,
    excessAnnualReturn: strategy.annualisedReturn - benchmark.annualisedReturn,
    sharpe: strategy.sharpeRatio,
    maxDrawdown: strategy.maxDrawdown,
    turnoverPerYear: n > 0 ? (turnover * TRADING_DAYS_PER_YEAR) / n : Number.NaN,
    days: n,
  };
}

/**
 * Daily rebalanced long-short spread: each day, among the names with a finite score and outcome,
 * the mean simple return of the k best-scored minus that of the k worst. Weights are +1/k and
 * −1/k; the cost is c·Σ|w_t − w_{t−1}| (c = costBps / 10⁴, w_{−1} = 0), subtracted from the
 * spread because a long-short book has no single equity to compound it on: entering both legs
 * costs 2c, replacing every name 4c. Days with fewer than 2k such names are left out, and the
 * next day's change is measured against the last day that was kept.
 */
export function topMinusBottom(
  dates: readonly string[],
  symbol: Series,
  score: Series,
  outcome: Series,
  k: number,
  costBps: number,
): { dates: string[]; spread: Float64Array } {
  assertSameLength("topMinusBottom", dates, symbol, score, outcome);
  assertOptions("topMinusBottom", { k, nDrop: 0, costBps });
  const cost = costBps / 10_000;
  const outDates: string[] = [];
  const spread: number[] = [];
  let previous = new Map<number, number>();

  for (const { date, start, end } of dayRanges(dates)) {
    const rows = [...dayRows("topMinusBottom", symbol, score, outcome, start, end).values()]
      .filter((r) => Number.isFinite(r.score) && Number.isFinite(r.outcome))
      .sort(byRank);
    if (rows.length < 2 * k) continue;
    const long = rows.slice(0, k);
    const short = rows.slice(rows.length - k);
    const weights = new Map<number, number>();
    let longSum = 0;
    let shortSum = 0;
    for (const r of long) {
      weights.set(r.symbol, 1 / k);
      longSum += Math.expm1(r.outcome);
    }
    for (const r of short) {
      weights.set(r.symbol, -1 / k);
      shortSum += Math.expm1(r.outcome);
    }
    let traded = 0;
    for (const [s, w] of weights) traded += Math.abs(w - (previous.get(s) ?? 0));
    for (const [s, w] of previous) if (!weights.has(s)) traded += Math.abs(w);
    outDates.push(date);
    spread.push((longSum - shortSum) / k - cost * traded);
    previous = weights;
  }
  return { dates: outDates, spread: Float64Array.from(spread) };
}
