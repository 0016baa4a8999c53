/**
 * The indicators that TA-Lib and the feature set share: which TA-Lib function (and parameters)
 * reproduces which feature, how the feature is derived from TA-Lib's output, and the tolerance
 * the cross-check test holds them to. The benchmark times TA-Lib computing exactly these calls.
 *
 * TA-Lib itself (the `talib` package, a devDependency) is passed in, not imported, so this module
 * loads without it. Give talib plain arrays: it reads a Float64Array as garbage.
 */
import type { Bar } from "../../core/contracts.js";
import { NO_VOLUME } from "../../pipeline/indicators/compute.js";
import type { FeatureName } from "../../pipeline/indicators/registry.js";

/** The part of the `talib` module used here. */
export interface TalibLike {
  execute(request: Record<string, unknown>): {
    begIndex: number;
    nbElement: number;
    result: Record<string, number[]>;
  };
}

export interface TalibPrices {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  /** ln(C[t] / C[t-1]), 0 on the first bar (only windows inside the warm-up contain it) */
  logReturn: number[];
}

type TalibSeries = keyof TalibPrices;

/** TA-Lib outputs of every shared call, each placed at its bar index (NaN where TA-Lib has none). */
interface TalibResults {
  get(id: string, output?: string): Float64Array;
}

export interface Tolerance {
  /** |a - b| <= relative * max(|a|, |b|) + absolute */
  relative: number;
  absolute: number;
}

interface TalibFeatureMapping {
  feature: FeatureName;
  /** the feature's value on bar t computed from TA-Lib outputs */
  value(t: number, talib: TalibResults, prices: TalibPrices): number;
  /** bars where the two libraries define the value differently on purpose (documented fallbacks) */
  excluded?(t: number, talib: TalibResults, prices: TalibPrices): boolean;
}

interface TalibSharedCall {
  /** unique key, e.g. "SMA_20" */
  id: string;
  /** TA-Lib function name */
  name: string;
  /** talib.execute input key -> price series */
  inputs: Readonly<Record<string, TalibSeries>>;
  params: Readonly<Record<string, number>>;
  outputs: readonly string[];
  /** the features reproduced from this call's output (some also read other calls) */
  features: readonly TalibFeatureMapping[];
  tolerance: Tolerance;
  note: string;
}

const STRICT: Tolerance = { relative: 1e-6, absolute: 1e-9 };

const closeOnly = { inReal: "close" } as const;
const hlc = { high: "high", low: "low", close: "close" } as const;
const hlcv = { high: "high", low: "low", close: "close", volume: "volume" } as const;

function rocCall(period: 1 | 5 | 10 | 20 | 60): TalibSharedCall {
  const id = `ROC_${period}`;
  return {
    id,
    name: "ROC",
    inputs: closeOnly,
    params: { optInTimePeriod: period },
    outputs: ["outReal"],
    features: [{ feature: `roc_${period}`, value: (t, r) => r.get(id)[t]! / 100 }],
    tolerance: STRICT,
    note: "ROC in percent; the feature is ROC / 100",
  };
}

function smaCall(period: 5 | 10 | 20 | 50 | 200): TalibSharedCall {
  const id = `SMA_${period}`;
  const features: TalibFeatureMapping[] = [
    { feature: `close_sma_${period}`, value: (t, r, p) => p.close[t]! / r.get(id)[t]! - 1 },
  ];
  if (period === 200) {
    features.push({
      feature: "sma_50_200",
      value: (t, r) => r.get("SMA_50")[t]! / r.get("SMA_200")[t]! - 1,
    });
  }
  return {
    id,
    name: "SMA",
    inputs: closeOnly,
    params: { optInTimePeriod: period },
    outputs: ["outReal"],
    features,
    tolerance: STRICT,
    note: "simple moving average of the close",
  };
}

function emaCall(period: 12 | 26): TalibSharedCall {
  const id = `EMA_${period}`;
  return {
    id,
    name: "EMA",
    inputs: closeOnly,
    params: { optInTimePeriod: period },
    outputs: ["outReal"],
    features: [
      { feature: `close_ema_${period}`, value: (t, r, p) => p.close[t]! / r.get(id)[t]! - 1 },
    ],
    tolerance: STRICT,
    note: "same SMA seed as technicalindicators; equal after the warm-up",
  };
}

function rsiCall(period: 7 | 14): TalibSharedCall {
  const id = `RSI_${period}`;
  return {
    id,
    name: "RSI",
    inputs: closeOnly,
    params: { optInTimePeriod: period },
    outputs: ["outReal"],
    features: [{ feature: `rsi_${period}`, value: (t, r) => r.get(id)[t]! }],
    tolerance: STRICT,
    note: "Wilder RSI; the feature uses unrounded AverageGain/AverageLoss so it matches to rounding",
  };
}

/** A window of `period` bars ending at t whose highs and lows are all equal. */
function flatHighLow(p: TalibPrices, t: number, period: number): boolean {
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = t - period + 1; i <= t; i++) {
    hi = Math.max(hi, p.high[i]!);
    lo = Math.min(lo, p.low[i]!);
  }
  return hi === lo;
}

/** Any of the last `span` %K values came from a flat 14-bar window. */
function flatStochastic(p: TalibPrices, t: number, span: number): boolean {
  for (let i = t - span + 1; i <= t; i++) if (flatHighLow(p, i, 14)) return true;
  return false;
}

/** A window of `period` bars ending at t whose typical prices are all equal. */
function flatTypicalPrice(p: TalibPrices, t: number, period: number): boolean {
  const typical = (i: number) => (p.high[i]! + p.low[i]! + p.close[i]!) / 3;
  for (let i = t - period + 2; i <= t; i++) if (typical(i) !== typical(i - 1)) return false;
  return true;
}

function windowSum(values: readonly number[], t: number, period: number): number {
  let sum = 0;
  for (let i = t - period + 1; i <= t; i++) sum += values[i]!;
  return sum;
}

export const TALIB_SHARED: readonly TalibSharedCall[] = [
  rocCall(1),
  rocCall(5),
  rocCall(10),
  rocCall(20),
  rocCall(60),
  smaCall(5),
  smaCall(10),
  smaCall(20),
  smaCall(50),
  smaCall(200),
  emaCall(12),
  emaCall(26),
  {
    id: "WMA_20",
    name: "WMA",
    inputs: closeOnly,
    params: { optInTimePeriod: 20 },
    outputs: ["outReal"],
    features: [
      { feature: "close_wma_20", value: (t, r, p) => p.close[t]! / r.get("WMA_20")[t]! - 1 },
    ],
    tolerance: STRICT,
    note: "linearly weighted moving average of the close",
  },
  {
    id: "MACD_12_26_9",
    name: "MACD",
    inputs: closeOnly,
    params: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
    outputs: ["outMACD", "outMACDSignal", "outMACDHist"],
    features: [
      {
        feature: "macd_line",
        value: (t, r, p) => r.get("MACD_12_26_9", "outMACD")[t]! / p.close[t]!,
      },
      {
        feature: "macd_signal",
        value: (t, r, p) => r.get("MACD_12_26_9", "outMACDSignal")[t]! / p.close[t]!,
      },
      {
        feature: "macd_hist",
        value: (t, r, p) => r.get("MACD_12_26_9", "outMACDHist")[t]! / p.close[t]!,
      },
    ],
    tolerance: STRICT,
    note: "TA-Lib seeds the fast EMA later than technicalindicators; equal after the warm-up",
  },
  {
    id: "TRIX_15",
    name: "TRIX",
    inputs: closeOnly,
    params: { optInTimePeriod: 15 },
    outputs: ["outReal"],
    features: [{ feature: "trix_15", value: (t, r) => r.get("TRIX_15")[t]! }],
    tolerance: STRICT,
    note: "1-day percent change of the triple EMA",
  },
  {
    id: "ADX_14",
    name: "ADX",
    inputs: hlc,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [{ feature: "adx_14", value: (t, r) => r.get("ADX_14")[t]! }],
    tolerance: STRICT,
    note: "TA-Lib seeds its Wilder sums with 13 values, technicalindicators with 14; equal after the warm-up",
  },
  {
    id: "PLUS_DI_14",
    name: "PLUS_DI",
    inputs: hlc,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [{ feature: "pdi_14", value: (t, r) => r.get("PLUS_DI_14")[t]! }],
    tolerance: STRICT,
    note: "as ADX",
  },
  {
    id: "MINUS_DI_14",
    name: "MINUS_DI",
    inputs: hlc,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [{ feature: "mdi_14", value: (t, r) => r.get("MINUS_DI_14")[t]! }],
    tolerance: STRICT,
    note: "as ADX",
  },
  rsiCall(14),
  rsiCall(7),
  {
    id: "STOCHF_14_3",
    name: "STOCHF",
    inputs: hlc,
    params: { optInFastK_Period: 14, optInFastD_Period: 3, optInFastD_MAType: 0 },
    outputs: ["outFastK", "outFastD"],
    features: [
      {
        feature: "stoch_k_14",
        value: (t, r) => r.get("STOCHF_14_3", "outFastK")[t]!,
        excluded: (t, _r, p) => flatStochastic(p, t, 1),
      },
      {
        feature: "stoch_d_14_3",
        value: (t, r) => r.get("STOCHF_14_3", "outFastD")[t]!,
        excluded: (t, _r, p) => flatStochastic(p, t, 3),
      },
    ],
    tolerance: STRICT,
    note: "fast stochastic; TA-Lib gives %K = 0 on a flat 14-bar window where the feature uses the neutral 50, so those bars are excluded",
  },
  {
    id: "WILLR_14",
    name: "WILLR",
    inputs: hlc,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [
      {
        feature: "stoch_k_14",
        value: (t, r) => 100 + r.get("WILLR_14")[t]!,
        excluded: (t, _r, p) => flatStochastic(p, t, 1),
      },
    ],
    tolerance: STRICT,
    note: "Williams %R = %K - 100; flat windows excluded as for STOCHF",
  },
  {
    id: "STOCHRSI_14_14_3",
    name: "STOCHRSI",
    inputs: closeOnly,
    params: {
      optInTimePeriod: 14,
      optInFastK_Period: 14,
      optInFastD_Period: 3,
      optInFastD_MAType: 0,
    },
    outputs: ["outFastK", "outFastD"],
    features: [
      { feature: "stochrsi_k", value: (t, r) => r.get("STOCHRSI_14_14_3", "outFastD")[t]! },
    ],
    tolerance: STRICT,
    note: "3-day SMA of the stochastic of RSI-14 over 14 bars",
  },
  {
    id: "CCI_20",
    name: "CCI",
    inputs: hlc,
    params: { optInTimePeriod: 20 },
    outputs: ["outReal"],
    features: [
      {
        feature: "cci_20",
        value: (t, r) => r.get("CCI_20")[t]!,
        excluded: (t, _r, p) => flatTypicalPrice(p, t, 20),
      },
    ],
    tolerance: STRICT,
    note: "on a flat 20-bar window both are 0/0; the feature uses 0 and TA-Lib may return rounding noise, so those bars are excluded",
  },
  {
    id: "ATR_14",
    name: "ATR",
    inputs: hlc,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [{ feature: "atr_pct_14", value: (t, r, p) => r.get("ATR_14")[t]! / p.close[t]! }],
    tolerance: STRICT,
    note: "Wilder ATR; the feature is ATR / close",
  },
  {
    id: "BBANDS_20_2",
    name: "BBANDS",
    inputs: closeOnly,
    params: { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
    outputs: ["outRealUpperBand", "outRealMiddleBand", "outRealLowerBand"],
    features: [
      {
        feature: "bb_pctb_20",
        value: (t, r, p) => {
          const upper = r.get("BBANDS_20_2", "outRealUpperBand")[t]!;
          const lower = r.get("BBANDS_20_2", "outRealLowerBand")[t]!;
          return (p.close[t]! - lower) / (upper - lower);
        },
      },
      {
        feature: "bb_width_20",
        value: (t, r) => {
          const upper = r.get("BBANDS_20_2", "outRealUpperBand")[t]!;
          const lower = r.get("BBANDS_20_2", "outRealLowerBand")[t]!;
          return (upper - lower) / r.get("BBANDS_20_2", "outRealMiddleBand")[t]!;
        },
      },
    ],
    tolerance: STRICT,
    note: "both use the population standard deviation",
  },
  {
    id: "STDDEV_20",
    name: "STDDEV",
    inputs: { inReal: "logReturn" },
    params: { optInTimePeriod: 20, optInNbDev: 1 },
    outputs: ["outReal"],
    features: [{ feature: "vol_20", value: (t, r) => r.get("STDDEV_20")[t]! }],
    tolerance: STRICT,
    note: "population standard deviation of daily log returns",
  },
  {
    id: "STDDEV_60",
    name: "STDDEV",
    inputs: { inReal: "logReturn" },
    params: { optInTimePeriod: 60, optInNbDev: 1 },
    outputs: ["outReal"],
    features: [
      {
        feature: "vol_ratio_20_60",
        value: (t, r) => r.get("STDDEV_20")[t]! / r.get("STDDEV_60")[t]!,
      },
    ],
    tolerance: STRICT,
    note: "ratio of the 20- and 60-day standard deviations",
  },
  {
    id: "MAX_252",
    name: "MAX",
    inputs: { inReal: "high" },
    params: { optInTimePeriod: 252 },
    outputs: ["outReal"],
    features: [
      { feature: "dist_high_252", value: (t, r, p) => p.close[t]! / r.get("MAX_252")[t]! - 1 },
    ],
    tolerance: STRICT,
    note: "highest high of 252 bars",
  },
  {
    id: "MIN_252",
    name: "MIN",
    inputs: { inReal: "low" },
    params: { optInTimePeriod: 252 },
    outputs: ["outReal"],
    features: [
      { feature: "dist_low_252", value: (t, r, p) => p.close[t]! / r.get("MIN_252")[t]! - 1 },
    ],
    tolerance: STRICT,
    note: "lowest low of 252 bars",
  },
  {
    id: "MFI_14",
    name: "MFI",
    inputs: hlcv,
    params: { optInTimePeriod: 14 },
    outputs: ["outReal"],
    features: [
      {
        feature: "mfi_14",
        value: (t, r) => r.get("MFI_14")[t]!,
        // TA-Lib returns 0 when the window's total money flow is below 1 (zero-volume
        // stretches such as the index before 2004); the feature returns its neutral 50
        excluded: (t, _r, p) => windowSum(p.volume, t, 14) === 0,
      },
    ],
    tolerance: STRICT,
    note: "windows without volume excluded: TA-Lib returns 0 there, the feature the neutral 50",
  },
  {
    id: "SMA_V20",
    name: "SMA",
    inputs: { inReal: "volume" },
    params: { optInTimePeriod: 20 },
    outputs: ["outReal"],
    features: [
      {
        feature: "volume_z_20",
        value: (t, r, p) => Math.log((p.volume[t]! + 1) / (r.get("SMA_V20")[t]! + 1)),
      },
    ],
    tolerance: STRICT,
    note: "20-day average volume",
  },
  {
    id: "SUM_V20",
    name: "SUM",
    inputs: { inReal: "volume" },
    params: { optInTimePeriod: 20 },
    outputs: ["outReal"],
    features: [],
    tolerance: STRICT,
    note: "20-day volume, the denominator of obv_flow_20 and adl_flow_20",
  },
  {
    id: "OBV",
    name: "OBV",
    inputs: { inReal: "close", volume: "volume" },
    params: {},
    outputs: ["outReal"],
    features: [
      {
        feature: "obv_flow_20",
        value: (t, r) => {
          const volume = r.get("SUM_V20")[t]!;
          const obv = r.get("OBV");
          return volume < NO_VOLUME ? 0 : (obv[t]! - obv[t - 20]!) / volume;
        },
      },
    ],
    tolerance: STRICT,
    note: "TA-Lib starts OBV at V[0], technicalindicators at 0; the 20-day difference cancels it",
  },
  {
    id: "AD",
    name: "AD",
    inputs: hlcv,
    params: {},
    outputs: ["outReal"],
    features: [
      {
        feature: "adl_flow_20",
        value: (t, r) => {
          const volume = r.get("SUM_V20")[t]!;
          const ad = r.get("AD");
          return volume < NO_VOLUME ? 0 : (ad[t]! - ad[t - 20]!) / volume;
        },
      },
    ],
    tolerance: STRICT,
    note: "accumulation/distribution line; its 20-day difference over the 20-day volume",
  },
];

export function talibPrices(bars: readonly Bar[]): TalibPrices {
  const close = bars.map((b) => b.close);
  return {
    open: bars.map((b) => b.open),
    high: bars.map((b) => b.high),
    low: bars.map((b) => b.low),
    close,
    volume: bars.map((b) => b.volume),
    logReturn: close.map((c, t) => (t === 0 ? 0 : Math.log(c / close[t - 1]!))),
  };
}

/** Runs one shared call; returns TA-Lib's raw answer. */
export function executeTalibCall(talib: TalibLike, call: TalibSharedCall, prices: TalibPrices) {
  const request: Record<string, unknown> = {
    name: call.name,
    startIdx: 0,
    endIdx: prices.close.length - 1,
    ...call.params,
  };
  for (const [key, series] of Object.entries(call.inputs)) request[key] = prices[series];
  return talib.execute(request);
}

/** Runs every shared call and places each output at its bar index. */
export function runTalibShared(talib: TalibLike, prices: TalibPrices): TalibResults {
  const n = prices.close.length;
  const columns = new Map<string, Float64Array>();
  for (const call of TALIB_SHARED) {
    const answer = executeTalibCall(talib, call, prices);
    for (const output of call.outputs) {
      const values = answer.result[output];
      if (values === undefined) throw new Error(`TA-Lib ${call.id} returned no ${output}`);
      const column = new Float64Array(n).fill(Number.NaN);
      for (let i = 0; i < answer.nbElement; i++) column[answer.begIndex + i] = values[i]!;
      columns.set(`${call.id}.${output}`, column);
      if (output === call.outputs[0]) columns.set(call.id, column);
    }
  }
  return {
    get(id, output) {
      const column = columns.get(output === undefined ? id : `${id}.${output}`);
      if (column === undefined) throw new Error(`no TA-Lib output ${id} ${output ?? ""}`);
      return column;
    },
  };
}
