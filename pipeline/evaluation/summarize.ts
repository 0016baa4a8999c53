/**
 * Turns walk-forward forecasts into the reported numbers for one scope (the index alone, or the
 * pooled constituents): every metric for every model, the reliability table, conformal interval
 * coverage and the long/flat backtest beside buy-and-hold.
 */
import type { EvaluationMetrics, ModelMetrics } from "../../core/contracts.js";
import { backtestLongFlat, type Performance } from "./backtest.js";
import { reliabilityTable } from "./calibration.js";
import { classificationMetrics, predictUp } from "./classification.js";
import { DEFAULT_ACI_GAMMA, adaptiveConformalIntervals } from "../model/conformal.js";
import { dieboldMarianoTest } from "./diebold-mariano.js";
import { pesaranTimmermannTest } from "./pesaran-timmermann.js";
import { brierScore, brierSkillScore, logLoss, logLossSkillScore } from "./probabilistic.js";
import { meanAbsoluteError, outOfSampleRSquared, rootMeanSquaredError } from "./regression.js";
import { MODEL_NAMES, type ModelForecasts, type ModelName } from "./walk-forward.js";

export type ScopeSummary = EvaluationMetrics["scopes"][string];

export const CONFORMAL_LEVELS = [0.8, 0.9, 0.95] as const;
export const BACKTEST_COSTS_BPS = [5, 10, 20] as const;

/** The rows of one scope, in time order, with every model's forecasts. */
export interface ScopeRows {
  dates: string[];
  ret: Float64Array;
  up: Uint8Array;
  /** the 20-day volatility of daily log returns known at each row: conformal scores are scaled by it */
  volatility: Float64Array;
  forecasts: Record<ModelName, ModelForecasts>;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function brierLosses(up: Uint8Array, p: Float64Array): Float64Array {
  return Float64Array.from(p, (pi, i) => (pi - up[i]!) ** 2);
}

function squaredErrors(ret: Float64Array, forecast: Float64Array): Float64Array {
  return Float64Array.from(forecast, (f, i) => (ret[i]! - f) ** 2);
}

function modelMetrics(rows: ScopeRows, model: ModelName): ModelMetrics {
  const { up, ret, forecasts } = rows;
  const own = forecasts[model];
  const reference = forecasts["always-up"].p;
  const cls = classificationMetrics(up, own.p);
  const pt = pesaranTimmermannTest(up, predictUp(own.p));
  const dm: ModelMetrics["dieboldMariano"] = {};
  for (const other of MODEL_NAMES) {
    if (other === model) continue;
    const theirs = forecasts[other];
    const bothReturns = own.ret !== null && theirs.ret !== null;
    const test = bothReturns
      ? dieboldMarianoTest(squaredErrors(ret, own.ret!), squaredErrors(ret, theirs.ret!))
      : dieboldMarianoTest(brierLosses(up, own.p), brierLosses(up, theirs.p));
    dm[other] = {
      loss: bothReturns ? "squared-return-error" : "brier",
      statistic: finiteOrNull(test.hlnStatistic),
      pValue: test.pValueTwoSided,
      pValueBetter: test.pValueModel1Better,
      pValueWorse: test.pValueModel2Better,
    };
  }
  return {
    model,
    n: up.length,
    accuracy: cls.accuracy,
    balancedAccuracy: cls.balancedAccuracy,
    mcc: cls.matthewsCorrelation,
    brier: brierScore(up, own.p),
    brierSkill: brierSkillScore(up, own.p, reference),
    logLoss: logLoss(up, own.p),
    logLossSkill: logLossSkillScore(up, own.p, reference),
    mae: own.ret ? meanAbsoluteError(ret, own.ret) : null,
    rmse: own.ret ? rootMeanSquaredError(ret, own.ret) : null,
    r2OutOfSample: own.ret
      ? finiteOrNull(outOfSampleRSquared(ret, own.ret, forecasts["historical-mean"].ret!))
      : null,
    ece: reliabilityTable(up, own.p).expectedCalibrationError,
    pesaranTimmermann: { statistic: finiteOrNull(pt.statistic), pValue: pt.pValue },
    dieboldMariano: dm,
  };
}

interface ConformalRun {
  level: number;
  lower: Float64Array;
  upper: Float64Array;
  coverage: number;
  meanWidth: number;
  /** alpha_t after the last row, carried into forecasting */
  finalAlpha: number;
  /** the scaled absolute residuals, in time order */
  scores: Float64Array;
}

/**
 * Adaptive conformal intervals (Gibbs and Candes 2021) of the next-day log return, on residuals
 * scaled by the volatility known at the time, so one set of scores fits calm and wild symbols.
 */
export function conformalIntervals(
  rows: ScopeRows,
  level: number,
  forecast: Float64Array,
): ConformalRun {
  const vol = Float64Array.from(rows.volatility, (v) => Math.max(v, 1e-4));
  const scaledForecast = Float64Array.from(forecast, (f, i) => f / vol[i]!);
  const scaledActual = Float64Array.from(rows.ret, (r, i) => r / vol[i]!);
  const result = adaptiveConformalIntervals(scaledForecast, scaledActual, {
    alpha: 1 - level,
    whenUnbounded: "maxScore",
  });
  const lower = Float64Array.from(result.lower, (l, i) => l * vol[i]!);
  const upper = Float64Array.from(result.upper, (u, i) => u * vol[i]!);
  let covered = 0;
  let width = 0;
  let bounded = 0;
  for (let i = 0; i < lower.length; i++) {
    if (rows.ret[i]! >= lower[i]! && rows.ret[i]! <= upper[i]!) covered++;
    if (Number.isFinite(upper[i]! - lower[i]!)) {
      width += upper[i]! - lower[i]!;
      bounded++;
    }
  }
  const lastAlpha = result.alphaPath.at(-1) ?? 1 - level;
  const lastCovered =
    lower.length > 0
      ? rows.ret.at(-1)! >= lower.at(-1)! && rows.ret.at(-1)! <= upper.at(-1)!
      : true;
  return {
    level,
    lower,
    upper,
    coverage: lower.length > 0 ? covered / lower.length : 0,
    meanWidth: bounded > 0 ? width / bounded : 0,
    finalAlpha: lastAlpha + DEFAULT_ACI_GAMMA * (1 - level - (lastCovered ? 0 : 1)),
    scores: Float64Array.from(scaledActual, (a, i) => Math.abs(a - scaledForecast[i]!)),
  };
}

interface BacktestRun {
  costBps: number;
  strategy: Performance;
  buyAndHold: Performance;
}

/** Long when the network says up at the close of day t, flat otherwise; held over day t+1. */
export function backtests(rows: ScopeRows): BacktestRun[] {
  const signals = predictUp(rows.forecasts.mlp.p);
  const simple = Float64Array.from(rows.ret, (r) => Math.expm1(r));
  return BACKTEST_COSTS_BPS.map((costBps) => {
    const { strategy, buyAndHold } = backtestLongFlat(signals, simple, { costBps });
    return { costBps, strategy, buyAndHold };
  });
}

function backtestSummary(name: string, costBps: number, p: Performance) {
  return {
    strategy: name,
    costBps,
    totalReturn: p.totalReturn,
    annualReturn: p.annualisedReturn,
    sharpe: finiteOrNull(p.sharpeRatio),
    maxDrawdown: p.maxDrawdown,
    turnoverPerYear: p.turnoverPerYear,
    exposure: p.exposure,
  };
}

export function summarizeScope(rows: ScopeRows, withBacktest: boolean): ScopeSummary {
  const n = rows.up.length;
  const upRate = n > 0 ? rows.up.reduce((a, b) => a + b, 0) / n : 0;
  const table = reliabilityTable(rows.up, rows.forecasts.mlp.p);
  return {
    n,
    upRate,
    models: MODEL_NAMES.map((m) => modelMetrics(rows, m)),
    reliability: table.bins.map((b) => ({
      lower: b.lower,
      upper: b.upper,
      count: b.count,
      meanPredicted: finiteOrNull(b.meanPredicted),
      observedRate: finiteOrNull(b.observedFrequency),
    })),
    coverage: CONFORMAL_LEVELS.map((level) => {
      const run = conformalIntervals(rows, level, rows.forecasts.mlp.ret!);
      return { level, coverage: run.coverage, meanWidth: run.meanWidth };
    }),
    backtest: withBacktest
      ? backtests(rows).flatMap((b) => [
          backtestSummary("mlp long/flat", b.costBps, b.strategy),
          backtestSummary("buy-and-hold", b.costBps, b.buyAndHold),
        ])
      : [],
  };
}
