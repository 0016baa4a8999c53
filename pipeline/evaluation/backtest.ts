import type { BinarySeries, Series } from "../../core/series.js";
import { assertNonEmpty, assertSameLength, mean, toBinary } from "../../core/series.js";

export const TRADING_DAYS_PER_YEAR = 252;

interface BacktestOptions {
  /** Cost in basis points of equity per side, charged on every change of position. */
  costBps?: number;
  /** Annualisation factor (default 252 trading days). */
  periodsPerYear?: number;
}

export interface Performance {
  days: number;
  /** Net simple return of each day after costs. */
  dailyReturns: Float64Array;
  /** Equity after each day, starting from 1 before the first day. */
  equity: Float64Array;
  /** E_n − 1. */
  totalReturn: number;
  /** E_n^(P/n) − 1, P = periods per year. */
  annualisedReturn: number;
  /** Sample standard deviation of daily net returns × √P. */
  annualisedVolatility: number;
  /** mean / sd of daily net returns × √P, excess over a zero rate; NaN when sd is 0. */
  sharpeRatio: number;
  /** Largest peak-to-trough fall, max_t (1 − E_t / max_{s≤t} E_s), peak including E_0 = 1. */
  maxDrawdown: number;
  /** Σ|s_t − s_{t−1}| with s_{−1} = 0 (the first entry counts, a final exit is not forced). */
  turnover: number;
  /** turnover × P / n. */
  turnoverPerYear: number;
  /** Share of days long. */
  exposure: number;
}

interface LongFlatBacktest {
  strategy: Performance;
  /** Long every day of the same sample, paying one entry cost. */
  buyAndHold: Performance;
}

function sampleStandardDeviation(values: Series): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / (n - 1));
}

/**
 * Performance of positions s_t ∈ {0, 1} held over returns r_t (simple returns, so a long/flat
 * book compounds as Π(1 + s_t r_t)). A change of position is traded at the close before the
 * holding day and costs c = costBps / 10⁴ of equity per side:
 *   1 + net_t = (1 − c |s_t − s_{t−1}|)(1 + s_t r_t),  E_t = Π_{u≤t} (1 + net_u).
 * Sharpe ratio as in Sharpe (1994) with a zero benchmark, annualised by √P (Lo 2002 caveats apply).
 */
export function performanceOf(
  positions: Uint8Array,
  returns: Series,
  costBps: number,
  periodsPerYear: number,
): Performance {
  const n = positions.length;
  const cost = costBps / 10_000;
  const dailyReturns = new Float64Array(n);
  const equity = new Float64Array(n);
  let value = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let turnover = 0;
  let previous = 0;
  let daysLong = 0;
  for (let t = 0; t < n; t++) {
    const s = positions[t]!;
    const change = Math.abs(s - previous);
    const factor = (1 - cost * change) * (1 + s * returns[t]!);
    dailyReturns[t] = factor - 1;
    value *= factor;
    equity[t] = value;
    peak = Math.max(peak, value);
    maxDrawdown = Math.max(maxDrawdown, 1 - value / peak);
    turnover += change;
    daysLong += s;
    previous = s;
  }
  const sd = sampleStandardDeviation(dailyReturns);
  return {
    days: n,
    dailyReturns,
    equity,
    totalReturn: value - 1,
    annualisedReturn: value ** (periodsPerYear / n) - 1,
    annualisedVolatility: sd * Math.sqrt(periodsPerYear),
    sharpeRatio: sd > 0 ? (mean(dailyReturns) / sd) * Math.sqrt(periodsPerYear) : Number.NaN,
    maxDrawdown,
    turnover,
    turnoverPerYear: (turnover * periodsPerYear) / n,
    exposure: daysLong / n,
  };
}

/**
 * Long/flat backtest. signals[t] is decided at the close of day t (from information up to then)
 * and nextDayReturns[t] is the simple return from that close to the next one, r_{t+1}; the caller
 * aligns the two so that signals[t] never sees nextDayReturns[t].
 */
export function backtestLongFlat(
  signals: BinarySeries,
  nextDayReturns: Series,
  options: BacktestOptions = {},
): LongFlatBacktest {
  const n = assertSameLength("backtestLongFlat", signals, nextDayReturns);
  assertNonEmpty("backtestLongFlat", n);
  const costBps = options.costBps ?? 0;
  const periodsPerYear = options.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  if (!(costBps >= 0)) throw new RangeError(`backtestLongFlat: costBps must be ≥ 0`);
  for (let t = 0; t < n; t++) {
    const r = nextDayReturns[t]!;
    if (!(Number.isFinite(r) && r > -1)) {
      throw new RangeError(`backtestLongFlat: return ${r} at ${t} is not a simple return > −1`);
    }
  }
  const positions = toBinary("signals", signals);
  return {
    strategy: performanceOf(positions, nextDayReturns, costBps, periodsPerYear),
    buyAndHold: performanceOf(new Uint8Array(n).fill(1), nextDayReturns, costBps, periodsPerYear),
  };
}
