/**
 * Computes the 45 registry features for one symbol from its daily bars with technicalindicators.
 * The value on day t reads bars 0..t only. technicalindicators returns only the defined values,
 * aligned to the END of its input; every call is placed back by its known first index and its
 * length is checked, so a value the library silently drops cannot shift a column.
 */
import {
  ATR,
  AverageGain,
  AverageLoss,
  AwesomeOscillator,
  BollingerBands,
  CCI,
  EMA,
  Highest,
  KeltnerChannels,
  Lowest,
  MACD,
  OBV,
  ROC,
  SD,
  SMA,
  Sum,
  WEMA,
  WMA,
  WilliamsR,
} from "technicalindicators";
import type { Bar } from "../../core/contracts.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS, type FeatureName } from "./registry.js";

export interface FeatureMatrix {
  dates: string[];
  /** columns[k] holds feature k of FEATURE_NAMES, one value per date */
  columns: Float64Array[];
}

type FeatureColumns = Record<FeatureName, Float64Array>;

export class FeatureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeatureInputError";
  }
}

/** OHLCV as plain arrays, the input type of technicalindicators. */
interface PriceSeries {
  n: number;
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** The price series plus library results that several features share. */
interface SeriesContext extends PriceSeries {
  /** ROC.calculate({period}) in percent, placed at its bars; computed once per period */
  rocPercent(period: number): Float64Array;
}

function withSharedResults(s: PriceSeries): SeriesContext {
  const rocs = new Map<number, Float64Array>();
  return {
    ...s,
    rocPercent(period) {
      let roc = rocs.get(period);
      if (roc === undefined) {
        roc = alignEnd(`ROC(${period})`, ROC.calculate({ period, values: s.close }), s.n, period);
        rocs.set(period, roc);
      }
      return roc;
    },
  };
}

/** Throws FeatureInputError for a bar no feature can be computed from. */
export function checkFeatureBar(b: Bar, previous: Bar | undefined): void {
  if (!(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0) || !Number.isFinite(b.high)) {
    throw new FeatureInputError(`bar ${b.date}: prices must be finite and positive`);
  }
  if (!(b.volume >= 0) || !Number.isFinite(b.volume)) {
    throw new FeatureInputError(`bar ${b.date}: volume must be finite and non-negative`);
  }
  if (previous !== undefined && !(b.date > previous.date)) {
    throw new FeatureInputError(`bar ${b.date}: dates must be strictly increasing`);
  }
}

function readSeries(bars: readonly Bar[]): PriceSeries {
  const n = bars.length;
  const s: PriceSeries = { n, open: [], high: [], low: [], close: [], volume: [] };
  for (let t = 0; t < n; t++) {
    const b = bars[t]!;
    checkFeatureBar(b, t > 0 ? bars[t - 1] : undefined);
    s.open.push(b.open);
    s.high.push(b.high);
    s.low.push(b.low);
    s.close.push(b.close);
    s.volume.push(b.volume);
  }
  return s;
}

function nanColumn(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

/** Places a library output whose first value belongs to bar `first` into a full-length column. */
function alignEnd(call: string, values: readonly number[], n: number, first: number): Float64Array {
  const expected = Math.max(0, n - first);
  if (values.length !== expected) {
    throw new Error(
      `technicalindicators ${call} returned ${values.length} values for ${n} bars, expected ${expected}`,
    );
  }
  const out = nanColumn(n);
  for (let i = 0; i < values.length; i++) out[first + i] = values[i]!;
  return out;
}

/** For each bar, how many bars in a row up to it repeat the previous bar's value. */
function unchangedRun(values: readonly number[]): Int32Array {
  const run = new Int32Array(values.length);
  for (let t = 1; t < values.length; t++)
    run[t] = values[t] === values[t - 1] ? run[t - 1]! + 1 : 0;
  return run;
}

/** A column that is f(t) from bar `from` on and NaN before. */
function derive(n: number, from: number, f: (t: number) => number): Float64Array {
  const out = nanColumn(n);
  for (let t = from; t < n; t++) out[t] = f(t);
  return out;
}

/** Library input from bar `from` on (a series that only starts there). */
function tail(column: Float64Array, from: number): number[] {
  return from >= column.length ? [] : Array.from(column.subarray(from));
}

/** close / average - 1 */
function closeRelativeTo(
  average: Float64Array,
  close: readonly number[],
  from: number,
): Float64Array {
  return derive(average.length, from, (t) => close[t]! / average[t]! - 1);
}

function returnFeatures(s: SeriesContext) {
  const roc = (period: number) => {
    const pct = s.rocPercent(period);
    return derive(s.n, period, (t) => pct[t]! / 100);
  };
  return { roc_1: roc(1), roc_5: roc(5), roc_10: roc(10), roc_20: roc(20), roc_60: roc(60) };
}

function movingAverageFeatures(s: PriceSeries) {
  const { n, close } = s;
  const sma = (period: number) =>
    alignEnd(`SMA(${period})`, SMA.calculate({ period, values: close }), n, period - 1);
  const ema = (period: number) =>
    alignEnd(`EMA(${period})`, EMA.calculate({ period, values: close }), n, period - 1);
  const sma50 = sma(50);
  const sma200 = sma(200);
  const wma20 = alignEnd("WMA(20)", WMA.calculate({ period: 20, values: close }), n, 19);
  return {
    close_sma_5: closeRelativeTo(sma(5), close, 4),
    close_sma_10: closeRelativeTo(sma(10), close, 9),
    close_sma_20: closeRelativeTo(sma(20), close, 19),
    close_sma_50: closeRelativeTo(sma50, close, 49),
    close_sma_200: closeRelativeTo(sma200, close, 199),
    close_ema_12: closeRelativeTo(ema(12), close, 11),
    close_ema_26: closeRelativeTo(ema(26), close, 25),
    sma_50_200: derive(n, 199, (t) => sma50[t]! / sma200[t]! - 1),
    close_wma_20: closeRelativeTo(wma20, close, 19),
  };
}

function macdFeatures(s: PriceSeries) {
  const { n, close } = s;
  const FIRST = 25; // EMA_26's seed
  const SIGNAL_OFFSET = 8; // EMA_9's seed on the MACD line
  const out = MACD.calculate({
    values: close,
    fastPeriod: 12,
    slowPeriod: 26,
    signalPeriod: 9,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
  });
  alignEnd("MACD", new Array<number>(out.length), n, FIRST); // length check only
  const line = nanColumn(n);
  const signal = nanColumn(n);
  const hist = nanColumn(n);
  for (let i = 0; i < out.length; i++) {
    const t = FIRST + i;
    const o = out[i]!;
    const macd = o.MACD ?? Number.NaN;
    line[t] = macd / close[t]!;
    if (i < SIGNAL_OFFSET) continue;
    // the library reports a signal of exactly 0 as undefined
    const sig = o.signal ?? 0;
    signal[t] = sig / close[t]!;
    hist[t] = (macd - sig) / close[t]!;
  }
  return { macd_line: line, macd_signal: signal, macd_hist: hist };
}

/**
 * KST as KST.calculate computes it (same calls, same arithmetic, so bit-identical), built from
 * the shared ROC results instead of KST.calculate's own ROCs and per-bar objects.
 */
function knowSureThing(s: SeriesContext) {
  const { n } = s;
  const smoothedRoc = (rocPeriod: number, smaPeriod: number) =>
    alignEnd(
      `SMA(${smaPeriod}) of ROC(${rocPeriod})`,
      SMA.calculate({ period: smaPeriod, values: tail(s.rocPercent(rocPeriod), rocPeriod) }),
      n,
      rocPeriod + smaPeriod - 1,
    );
  const r1 = smoothedRoc(10, 10);
  const r2 = smoothedRoc(15, 10);
  const r3 = smoothedRoc(20, 10);
  const r4 = smoothedRoc(30, 15);
  const KST_FIRST = 44;
  const kst = derive(n, KST_FIRST, (t) => r1[t]! * 1 + r2[t]! * 2 + r3[t]! * 3 + r4[t]! * 4);
  const signal = alignEnd(
    "SMA(9) of KST",
    SMA.calculate({ period: 9, values: tail(kst, KST_FIRST) }),
    n,
    KST_FIRST + 8,
  );
  return { kst, signal };
}

function momentumFeatures(s: SeriesContext) {
  const { n, close, high, low } = s;
  const ema15 = (values: number[]) => EMA.calculate({ period: 15, values });
  const tripleEma = ema15(ema15(ema15(close)));
  const trix = alignEnd("TRIX(15)", ROC.calculate({ period: 1, values: tripleEma }), n, 43);

  const { kst, signal: kstSignal } = knowSureThing(s);

  const ao = alignEnd(
    "AwesomeOscillator(5,34)",
    AwesomeOscillator.calculate({ high, low, fastPeriod: 5, slowPeriod: 34 }),
    n,
    33,
  );
  return {
    trix_15: trix,
    kst,
    kst_signal: kstSignal,
    ao_norm: derive(n, 33, (t) => ao[t]! / close[t]!),
  };
}

/** ADX/+DI/-DI and ATR-14 (which is W(TR) of the directional system). */
function directionalFeatures(s: PriceSeries) {
  const { n, high, low, close } = s;
  const PERIOD = 14;
  const atr = alignEnd("ATR(14)", ATR.calculate({ period: PERIOD, high, low, close }), n, PERIOD);
  const plusDm: number[] = [];
  const minusDm: number[] = [];
  for (let t = 1; t < n; t++) {
    const up = high[t]! - high[t - 1]!;
    const down = low[t - 1]! - low[t]!;
    plusDm.push(up > down && up > 0 ? up : 0);
    minusDm.push(down > up && down > 0 ? down : 0);
  }
  // +DM/-DM start at bar 1, so their Wilder averages start at bar 14 like ATR
  const wPlus = alignEnd(
    "WEMA(14) of +DM",
    WEMA.calculate({ period: PERIOD, values: plusDm }),
    n,
    14,
  );
  const wMinus = alignEnd(
    "WEMA(14) of -DM",
    WEMA.calculate({ period: PERIOD, values: minusDm }),
    n,
    14,
  );
  const pdi = derive(n, 14, (t) => (atr[t] === 0 ? 0 : (100 * wPlus[t]!) / atr[t]!));
  const mdi = derive(n, 14, (t) => (atr[t] === 0 ? 0 : (100 * wMinus[t]!) / atr[t]!));
  const dx = derive(n, 14, (t) => {
    const sum = pdi[t]! + mdi[t]!;
    return sum === 0 ? 0 : (100 * Math.abs(pdi[t]! - mdi[t]!)) / sum;
  });
  const adx = alignEnd(
    "WEMA(14) of DX",
    WEMA.calculate({ period: PERIOD, values: tail(dx, 14) }),
    n,
    14 + PERIOD - 1,
  );
  return {
    adx_14: adx,
    pdi_14: pdi,
    mdi_14: mdi,
    atr_pct_14: derive(n, 14, (t) => atr[t]! / close[t]!),
  };
}

/** Wilder RSI from the library's unrounded average gain and loss. */
function rsi(s: PriceSeries, period: number): Float64Array {
  const gain = alignEnd(
    `AverageGain(${period})`,
    AverageGain.calculate({ period, values: s.close }),
    s.n,
    period,
  );
  const loss = alignEnd(
    `AverageLoss(${period})`,
    AverageLoss.calculate({ period, values: s.close }),
    s.n,
    period,
  );
  return derive(s.n, period, (t) => {
    const g = gain[t]!;
    const l = loss[t]!;
    if (l === 0) return g === 0 ? 50 : 100;
    return 100 - 100 / (1 + g / l);
  });
}

/** Below this RSI range a 14-day window is flat: what is left is rounding noise. */
export const FLAT_RSI_RANGE = 1e-9;

function oscillatorFeatures(s: PriceSeries) {
  const { n, high, low, close } = s;
  const rsi14 = rsi(s, 14);

  const williams = alignEnd(
    "WilliamsR(14)",
    WilliamsR.calculate({ period: 14, high, low, close }),
    n,
    13,
  );
  // WilliamsR is NaN (or infinite) exactly when the 14-bar high-low range is 0
  const stochK = derive(n, 13, (t) => {
    const w = williams[t]!;
    return Number.isFinite(w) ? 100 + w : 50;
  });
  const stochD = alignEnd(
    "SMA(3) of %K",
    SMA.calculate({ period: 3, values: tail(stochK, 13) }),
    n,
    15,
  );

  const rsiValues = tail(rsi14, 14);
  const rsiHigh = alignEnd(
    "Highest(14) of RSI",
    Highest.calculate({ period: 14, values: rsiValues }),
    n,
    27,
  );
  const rsiLow = alignEnd(
    "Lowest(14) of RSI",
    Lowest.calculate({ period: 14, values: rsiValues }),
    n,
    27,
  );
  const stochRsi = derive(n, 27, (t) => {
    const range = rsiHigh[t]! - rsiLow[t]!;
    return range <= FLAT_RSI_RANGE ? 50 : (100 * (rsi14[t]! - rsiLow[t]!)) / range;
  });
  const stochRsiK = alignEnd(
    "SMA(3) of StochRSI",
    SMA.calculate({ period: 3, values: tail(stochRsi, 27) }),
    n,
    29,
  );

  const cci = alignEnd("CCI(20)", CCI.calculate({ period: 20, high, low, close }), n, 19);
  const typical = close.map((c, t) => (high[t]! + low[t]! + c) / 3);
  const typicalRun = unchangedRun(typical);
  // a flat window is 0/0 or, through the running-sum SMA, rounding noise
  const cci20 = derive(n, 19, (t) => {
    const c = cci[t]!;
    return typicalRun[t]! >= 19 || !Number.isFinite(c) ? 0 : c;
  });

  return {
    rsi_14: rsi14,
    rsi_7: rsi(s, 7),
    stoch_k_14: stochK,
    stoch_d_14_3: stochD,
    stochrsi_k: stochRsiK,
    cci_20: cci20,
  };
}

/**
 * Population SD of the union of equal-sized windows from their SDs and means (law of total
 * variance): the 60-day SD from three 20-day blocks, exactly what SD.calculate({period:60})
 * gives up to rounding at a fraction of its cost (it re-sums 60 values per bar).
 */
function blockStandardDeviation(
  sd: Float64Array,
  mean: Float64Array,
  t: number,
  blockSize: number,
  blocks: number,
): number {
  let meanOfMeans = 0;
  for (let k = 0; k < blocks; k++) meanOfMeans += mean[t - k * blockSize]!;
  meanOfMeans /= blocks;
  let variance = 0;
  for (let k = 0; k < blocks; k++) {
    const e = t - k * blockSize;
    variance += sd[e]! ** 2 + (mean[e]! - meanOfMeans) ** 2;
  }
  return Math.sqrt(variance / blocks);
}

/** Below this a standard deviation of log returns is the rounding noise of a flat window. */
export const FLAT_RETURN_SD = 1e-12;
/** Bollinger bands narrower than this fraction of the middle band are a flat window. */
export const FLAT_BAND_WIDTH = 4e-9;

function volatilityFeatures(s: PriceSeries) {
  const { n, high, low, close } = s;
  const bands = BollingerBands.calculate({ period: 20, values: close, stdDev: 2 });
  alignEnd("BollingerBands(20,2)", new Array<number>(bands.length), n, 19);
  const pctB = nanColumn(n);
  const width = nanColumn(n);
  for (let i = 0; i < bands.length; i++) {
    const t = 19 + i;
    const b = bands[i]!;
    const w = b.upper - b.lower;
    const flat = w <= FLAT_BAND_WIDTH * b.middle;
    pctB[t] = flat ? 0.5 : (close[t]! - b.lower) / w;
    width[t] = flat ? 0 : w / b.middle;
  }

  const channels = KeltnerChannels.calculate({
    maPeriod: 20,
    atrPeriod: 10,
    useSMA: false,
    multiplier: 2,
    high,
    low,
    close,
  });
  alignEnd("KeltnerChannels(20,10,2)", new Array<number>(channels.length), n, 19);
  const kcPosition = nanColumn(n);
  for (let i = 0; i < channels.length; i++) {
    const t = 19 + i;
    const k = channels[i]!;
    const w = k.upper - k.lower;
    kcPosition[t] = w === 0 ? 0.5 : (close[t]! - k.lower) / w;
  }

  // SD is shift-invariant; 1 + r keeps every window mean away from the exact 0 that
  // SD.calculate treats as "not ready" (it then repeats its last value or drops the bar)
  const shiftedReturns: number[] = [];
  for (let t = 1; t < n; t++) shiftedReturns.push(1 + Math.log(close[t]! / close[t - 1]!));
  const sd20 = alignEnd("SD(20) of r", SD.calculate({ period: 20, values: shiftedReturns }), n, 20);
  const mean20 = alignEnd(
    "SMA(20) of r",
    SMA.calculate({ period: 20, values: shiftedReturns }),
    n,
    20,
  );
  const sd60 = derive(n, 60, (t) => blockStandardDeviation(sd20, mean20, t, 20, 3));

  return {
    bb_pctb_20: pctB,
    bb_width_20: width,
    kc_position: kcPosition,
    vol_20: derive(n, 20, (t) => (sd20[t]! <= FLAT_RETURN_SD ? 0 : sd20[t]!)),
    vol_ratio_20_60: derive(n, 60, (t) => (sd60[t]! <= FLAT_RETURN_SD ? 1 : sd20[t]! / sd60[t]!)),
  };
}

function candleAndRangeFeatures(s: PriceSeries) {
  const { n, open, high, low, close } = s;
  const highest = alignEnd(
    "Highest(252)",
    Highest.calculate({ period: 252, values: high }),
    n,
    251,
  );
  const lowest = alignEnd("Lowest(252)", Lowest.calculate({ period: 252, values: low }), n, 251);
  return {
    range_pct: derive(n, 0, (t) => (high[t]! - low[t]!) / close[t]!),
    gap_pct: derive(n, 1, (t) => open[t]! / close[t - 1]! - 1),
    close_location: derive(n, 0, (t) =>
      high[t] === low[t] ? 0.5 : (close[t]! - low[t]!) / (high[t]! - low[t]!),
    ),
    dist_high_252: derive(n, 251, (t) => close[t]! / highest[t]! - 1),
    dist_low_252: derive(n, 251, (t) => close[t]! / lowest[t]! - 1),
  };
}

/** Less than one share traded in the window: treat as no volume. */
export const NO_VOLUME = 0.5;

function volumeFeatures(s: PriceSeries) {
  const { n, high, low, close, volume } = s;
  const volumeSma = alignEnd("SMA(20) of V", SMA.calculate({ period: 20, values: volume }), n, 19);
  const volume20 = alignEnd("Sum(20) of V", Sum.calculate({ period: 20, values: volume }), n, 19);

  // OBV starts at bar 1 (OBV[0] = 0 by convention); differences cancel any start constant
  const obv = alignEnd("OBV", OBV.calculate({ close, volume }), n, 1);
  obv[0] = 0;
  const obvFlow = derive(n, 20, (t) =>
    volume20[t]! < NO_VOLUME ? 0 : (obv[t]! - obv[t - 20]!) / volume20[t]!,
  );

  const moneyFlowVolume = close.map((c, t) => {
    const range = high[t]! - low[t]!;
    return range === 0 ? 0 : ((c - low[t]! - (high[t]! - c)) / range) * volume[t]!;
  });
  const moneyFlow20 = alignEnd(
    "Sum(20) of MFM*V",
    Sum.calculate({ period: 20, values: moneyFlowVolume }),
    n,
    19,
  );
  const adlFlow = derive(n, 19, (t) =>
    volume20[t]! < NO_VOLUME ? 0 : moneyFlow20[t]! / volume20[t]!,
  );

  return {
    mfi_14: moneyFlowIndex(s, 14),
    volume_z_20: derive(n, 19, (t) => Math.log((volume[t]! + 1) / (volumeSma[t]! + 1))),
    obv_flow_20: obvFlow,
    adl_flow_20: adlFlow,
  };
}

/** Money flow index from the library's windowed sums of the up and down money flows. */
function moneyFlowIndex(s: PriceSeries, period: number): Float64Array {
  const { n, high, low, close, volume } = s;
  const upFlow: number[] = [];
  const downFlow: number[] = [];
  // the last bar with an up (down) flow, to find the empty and one-sided windows exactly:
  // the running flow sums can hold rounding residue where the true sum is 0
  const lastUp = new Int32Array(n).fill(-1);
  const lastDown = new Int32Array(n).fill(-1);
  let previousTypical = (high[0]! + low[0]! + close[0]!) / 3;
  for (let t = 1; t < n; t++) {
    const typical = (high[t]! + low[t]! + close[t]!) / 3;
    const flow = typical * volume[t]!;
    const up = flow > 0 && typical > previousTypical;
    const down = flow > 0 && typical < previousTypical;
    upFlow.push(up ? flow : 0);
    downFlow.push(down ? flow : 0);
    lastUp[t] = up ? t : lastUp[t - 1]!;
    lastDown[t] = down ? t : lastDown[t - 1]!;
    previousTypical = typical;
  }
  const windowSum = (label: string, values: number[]) =>
    alignEnd(`Sum(${period}) of ${label}`, Sum.calculate({ period, values }), n, period);
  const up = windowSum("up flow", upFlow);
  const down = windowSum("down flow", downFlow);
  return derive(n, period, (t) => {
    const windowStart = t - period + 1;
    const hasUp = lastUp[t]! >= windowStart;
    if (lastDown[t]! < windowStart) return hasUp ? 100 : 50;
    if (!hasUp) return 0;
    return (100 * up[t]!) / (up[t]! + down[t]!);
  });
}

/**
 * Every feature as a full-length column: NaN before the bar where the feature's computation
 * first yields a value, which is at or before its registry warm-up.
 */
export function computeFeatureColumns(bars: readonly Bar[]): FeatureColumns {
  const s = withSharedResults(readSeries(bars));
  return {
    ...returnFeatures(s),
    ...movingAverageFeatures(s),
    ...macdFeatures(s),
    ...momentumFeatures(s),
    ...directionalFeatures(s),
    ...oscillatorFeatures(s),
    ...volatilityFeatures(s),
    ...candleAndRangeFeatures(s),
    ...volumeFeatures(s),
  };
}

/**
 * The feature matrix of one symbol: rows from bar MAX_WARMUP_BARS on (none when there are
 * fewer bars), columns in registry order. Throws if any value is not finite.
 */
export function computeFeatures(bars: readonly Bar[]): FeatureMatrix {
  if (bars.length <= MAX_WARMUP_BARS) {
    readSeries(bars);
    return { dates: [], columns: FEATURE_NAMES.map(() => new Float64Array(0)) };
  }
  const all = computeFeatureColumns(bars);
  const dates = bars.slice(MAX_WARMUP_BARS).map((b) => b.date);
  const columns = FEATURE_NAMES.map((name) => {
    const column = all[name].slice(MAX_WARMUP_BARS);
    for (let i = 0; i < column.length; i++) {
      if (!Number.isFinite(column[i])) {
        throw new Error(`feature ${name} is ${column[i]} on ${dates[i]}`);
      }
    }
    return column;
  });
  return { dates, columns };
}
