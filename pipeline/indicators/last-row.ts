/**
 * The 45 features of the LAST bar only, for serving: the forecast stage and `POST /api/predict`
 * need one row, and computeFeatures (technicalindicators, the source of truth for the feature
 * table the model is trained on) spends ~15 ms building every row of a window in generators and
 * per-bar objects. This computes the same formulas in plain loops over the last
 * MAX_WARMUP_BARS + 1 bars, seeding every smoothing where computeFeatures would on that window.
 * tests/unit/last-row.test.ts holds it to computeFeatures on every row of the real snapshot, so
 * a change to one without the other fails there.
 */
import type { Bar } from "../../core/contracts.js";
import {
  FLAT_BAND_WIDTH,
  FLAT_RETURN_SD,
  FLAT_RSI_RANGE,
  FeatureInputError,
  NO_VOLUME,
  checkFeatureBar,
} from "./compute.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS, type FeatureName } from "./registry.js";

interface LastFeatureRow {
  date: string;
  /** the 45 features of the last bar, in FEATURE_NAMES order */
  values: Float64Array;
  /** vol_20 on the last `historyRows` bars, oldest first (its last value is the row's vol_20) */
  volatilityHistory: Float64Array;
}

interface Window {
  /** index of the last bar */
  T: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function readWindow(bars: readonly Bar[], first: number): Window {
  const m = bars.length - first;
  const w: Window = {
    T: m - 1,
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    volume: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const b = bars[first + i]!;
    checkFeatureBar(b, i > 0 ? bars[first + i - 1] : undefined);
    w.open[i] = b.open;
    w.high[i] = b.high;
    w.low[i] = b.low;
    w.close[i] = b.close;
    w.volume[i] = b.volume;
  }
  return w;
}

function mean(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += x[i]!;
  return s / (to - from + 1);
}

function max(x: ArrayLike<number>, from: number, to: number): number {
  let m = x[from]!;
  for (let i = from + 1; i <= to; i++) if (x[i]! > m) m = x[i]!;
  return m;
}

function min(x: ArrayLike<number>, from: number, to: number): number {
  let m = x[from]!;
  for (let i = from + 1; i <= to; i++) if (x[i]! < m) m = x[i]!;
  return m;
}

/** Population standard deviation of x[from..to]. */
function populationSd(x: ArrayLike<number>, from: number, to: number): number {
  const mu = mean(x, from, to);
  let ss = 0;
  for (let i = from; i <= to; i++) ss += (x[i]! - mu) ** 2;
  return Math.sqrt(ss / (to - from + 1));
}

/**
 * An exponential smoothing of x as technicalindicators' EMA/WEMA computes it: x starts at
 * index `start`, the seed is the mean of its first `period` values (at start + period - 1),
 * then s += (x - s) * alpha. NaN before the seed.
 */
function smooth(x: Float64Array, start: number, period: number, alpha: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  const seedAt = start + period - 1;
  if (seedAt >= x.length) return out;
  let s = mean(x, start, seedAt);
  out[seedAt] = s;
  for (let t = seedAt + 1; t < x.length; t++) {
    s = (x[t]! - s) * alpha + s;
    out[t] = s;
  }
  return out;
}

const ema = (x: Float64Array, start: number, period: number) =>
  smooth(x, start, period, 2 / (period + 1));
const wilder = (x: Float64Array, start: number, period: number) =>
  smooth(x, start, period, 1 / period);

/** True range from bar 1 on (bar 0 has no previous close). */
function trueRange(w: Window): Float64Array {
  const tr = new Float64Array(w.T + 1);
  for (let t = 1; t <= w.T; t++) {
    const previous = w.close[t - 1]!;
    tr[t] = Math.max(
      w.high[t]! - w.low[t]!,
      Math.abs(w.high[t]! - previous),
      Math.abs(w.low[t]! - previous),
    );
  }
  return tr;
}

/** Wilder RSI on every bar from `period` on, from Wilder averages of gains and losses. */
function rsiSeries(close: Float64Array, period: number): Float64Array {
  const gain = new Float64Array(close.length);
  const loss = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++) {
    const change = close[t]! - close[t - 1]!;
    gain[t] = change > 0 ? change : 0;
    loss[t] = change < 0 ? -change : 0;
  }
  const g = wilder(gain, 1, period);
  const l = wilder(loss, 1, period);
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let t = period; t < close.length; t++) {
    out[t] = l[t] === 0 ? (g[t] === 0 ? 50 : 100) : 100 - 100 / (1 + g[t]! / l[t]!);
  }
  return out;
}

function returnFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, close } = w;
  for (const p of [1, 5, 10, 20, 60] as const) f[`roc_${p}`] = close[T]! / close[T - p]! - 1;
}

function trendFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, close } = w;
  const c = close[T]!;
  for (const p of [5, 10, 20, 50, 200] as const)
    f[`close_sma_${p}`] = c / mean(close, T - p + 1, T) - 1;
  f.close_ema_12 = c / ema(close, 0, 12)[T]! - 1;
  f.close_ema_26 = c / ema(close, 0, 26)[T]! - 1;
  f.sma_50_200 = mean(close, T - 49, T) / mean(close, T - 199, T) - 1;
  let weighted = 0;
  for (let i = 1; i <= 20; i++) weighted += close[T - 20 + i]! * i;
  f.close_wma_20 = c / (weighted / 210) - 1;
}

function macdFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, close } = w;
  const fast = ema(close, 0, 12);
  const slow = ema(close, 0, 26);
  const line = new Float64Array(T + 1);
  for (let t = 25; t <= T; t++) line[t] = fast[t]! - slow[t]!;
  const signal = ema(line, 25, 9)[T]!;
  f.macd_line = line[T]! / close[T]!;
  f.macd_signal = signal / close[T]!;
  f.macd_hist = (line[T]! - signal) / close[T]!;
}

function momentumFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, close, high, low } = w;
  const e3 = ema(ema(ema(close, 0, 15), 14, 15), 28, 15);
  f.trix_15 = ((e3[T]! - e3[T - 1]!) / e3[T - 1]!) * 100;

  const rocPct = (t: number, p: number) => ((close[t]! - close[t - p]!) / close[t - p]!) * 100;
  const smoothedRoc = (t: number, p: number, smaPeriod: number) => {
    let s = 0;
    for (let i = t - smaPeriod + 1; i <= t; i++) s += rocPct(i, p);
    return s / smaPeriod;
  };
  const kst = (t: number) =>
    smoothedRoc(t, 10, 10) +
    smoothedRoc(t, 15, 10) * 2 +
    smoothedRoc(t, 20, 10) * 3 +
    smoothedRoc(t, 30, 15) * 4;
  let signal = 0;
  for (let t = T - 8; t <= T; t++) signal += kst(t);
  f.kst = kst(T);
  f.kst_signal = signal / 9;

  let fastMedian = 0;
  let slowMedian = 0;
  for (let t = T - 33; t <= T; t++) {
    const median = (high[t]! + low[t]!) / 2;
    slowMedian += median;
    if (t > T - 5) fastMedian += median;
  }
  f.ao_norm = (fastMedian / 5 - slowMedian / 34) / close[T]!;
}

function directionalFeatures(
  w: Window,
  tr: Float64Array,
  f: Partial<Record<FeatureName, number>>,
): void {
  const { T, high, low, close } = w;
  const atr = wilder(tr, 1, 14);
  const plusDm = new Float64Array(T + 1);
  const minusDm = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) {
    const up = high[t]! - high[t - 1]!;
    const down = low[t - 1]! - low[t]!;
    plusDm[t] = up > down && up > 0 ? up : 0;
    minusDm[t] = down > up && down > 0 ? down : 0;
  }
  const wPlus = wilder(plusDm, 1, 14);
  const wMinus = wilder(minusDm, 1, 14);
  const di = (wDm: Float64Array, t: number) => (atr[t] === 0 ? 0 : (100 * wDm[t]!) / atr[t]!);
  const dx = new Float64Array(T + 1);
  for (let t = 14; t <= T; t++) {
    const p = di(wPlus, t);
    const m = di(wMinus, t);
    dx[t] = p + m === 0 ? 0 : (100 * Math.abs(p - m)) / (p + m);
  }
  f.adx_14 = wilder(dx, 14, 14)[T]!;
  f.pdi_14 = di(wPlus, T);
  f.mdi_14 = di(wMinus, T);
  f.atr_pct_14 = atr[T]! / close[T]!;
}

function oscillatorFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, high, low, close } = w;
  const rsi14 = rsiSeries(close, 14);
  f.rsi_14 = rsi14[T]!;
  f.rsi_7 = rsiSeries(close, 7)[T]!;

  const stochK = (t: number) => {
    const hh = max(high, t - 13, t);
    const ll = min(low, t - 13, t);
    const williams = ((hh - close[t]!) / (hh - ll)) * -100;
    return Number.isFinite(williams) ? 100 + williams : 50;
  };
  f.stoch_k_14 = stochK(T);
  f.stoch_d_14_3 = (stochK(T - 2) + stochK(T - 1) + stochK(T)) / 3;

  const stochRsi = (t: number) => {
    const hi = max(rsi14, t - 13, t);
    const lo = min(rsi14, t - 13, t);
    const range = hi - lo;
    return range <= FLAT_RSI_RANGE ? 50 : (100 * (rsi14[t]! - lo)) / range;
  };
  f.stochrsi_k = (stochRsi(T - 2) + stochRsi(T - 1) + stochRsi(T)) / 3;

  const typical = new Float64Array(20);
  let flat = true;
  for (let i = 0; i < 20; i++) {
    const t = T - 19 + i;
    typical[i] = (high[t]! + low[t]! + close[t]!) / 3;
    if (i > 0 && typical[i] !== typical[i - 1]) flat = false;
  }
  const sma = mean(typical, 0, 19);
  let deviation = 0;
  for (let i = 0; i < 20; i++) deviation += Math.abs(typical[i]! - sma);
  const cci = (typical[19]! - sma) / (0.015 * (deviation / 20));
  f.cci_20 = flat || !Number.isFinite(cci) ? 0 : cci;
}

function moneyFlowIndex(w: Window, period: number): number {
  const { T, high, low, close, volume } = w;
  let up = 0;
  let down = 0;
  let hasUp = false;
  let hasDown = false;
  let previousTypical = (high[T - period]! + low[T - period]! + close[T - period]!) / 3;
  for (let t = T - period + 1; t <= T; t++) {
    const typical = (high[t]! + low[t]! + close[t]!) / 3;
    const flow = typical * volume[t]!;
    if (flow > 0 && typical > previousTypical) {
      up += flow;
      hasUp = true;
    } else if (flow > 0 && typical < previousTypical) {
      down += flow;
      hasDown = true;
    }
    previousTypical = typical;
  }
  if (!hasDown) return hasUp ? 100 : 50;
  if (!hasUp) return 0;
  return (100 * up) / (up + down);
}

/** 1 + the log return on every bar from 1 on: compute.ts's shift (SD is shift-invariant). */
function shiftedReturns(close: Float64Array): Float64Array {
  const r = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++) r[t] = 1 + Math.log(close[t]! / close[t - 1]!);
  return r;
}

function volatilityFeatures(
  w: Window,
  tr: Float64Array,
  returns: Float64Array,
  f: Partial<Record<FeatureName, number>>,
): void {
  const { T, close } = w;
  const c = close[T]!;
  const middle = mean(close, T - 19, T);
  const width = 4 * populationSd(close, T - 19, T);
  const flatBand = width <= FLAT_BAND_WIDTH * middle;
  f.bb_pctb_20 = flatBand ? 0.5 : (c - (middle - width / 2)) / width;
  f.bb_width_20 = flatBand ? 0 : width / middle;

  const channelMiddle = ema(close, 0, 20)[T]!;
  const atr10 = wilder(tr, 1, 10)[T]!;
  const channelWidth = 4 * atr10;
  f.kc_position = channelWidth === 0 ? 0.5 : (c - (channelMiddle - 2 * atr10)) / channelWidth;

  const sd20 = populationSd(returns, T - 19, T);
  const sd60 = populationSd(returns, T - 59, T);
  f.vol_20 = sd20 <= FLAT_RETURN_SD ? 0 : sd20;
  f.vol_ratio_20_60 = sd60 <= FLAT_RETURN_SD ? 1 : sd20 / sd60;
}

function candleFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, open, high, low, close } = w;
  const c = close[T]!;
  f.range_pct = (high[T]! - low[T]!) / c;
  f.gap_pct = open[T]! / close[T - 1]! - 1;
  f.close_location = high[T] === low[T] ? 0.5 : (c - low[T]!) / (high[T]! - low[T]!);
  f.dist_high_252 = c / max(high, T - 251, T) - 1;
  f.dist_low_252 = c / min(low, T - 251, T) - 1;
}

function volumeFeatures(w: Window, f: Partial<Record<FeatureName, number>>): void {
  const { T, high, low, close, volume } = w;
  let volume20 = 0;
  let obvChange = 0;
  let moneyFlow = 0;
  for (let t = T - 19; t <= T; t++) {
    const v = volume[t]!;
    volume20 += v;
    if (close[t]! > close[t - 1]!) obvChange += v;
    else if (close[t]! < close[t - 1]!) obvChange -= v;
    const range = high[t]! - low[t]!;
    moneyFlow += range === 0 ? 0 : ((close[t]! - low[t]! - (high[t]! - close[t]!)) / range) * v;
  }
  f.mfi_14 = moneyFlowIndex(w, 14);
  f.volume_z_20 = Math.log((volume[T]! + 1) / (volume20 / 20 + 1));
  f.obv_flow_20 = volume20 < NO_VOLUME ? 0 : obvChange / volume20;
  f.adl_flow_20 = volume20 < NO_VOLUME ? 0 : moneyFlow / volume20;
}

/**
 * The features of the last bar, computed on its last MAX_WARMUP_BARS + 1 bars, plus vol_20 on
 * up to `historyRows` bars before and including it (fewer when fewer bars have a feature row,
 * exactly the rows computeFeatures would give on the same bars). Throws FeatureInputError on a
 * bar computeFeatures would reject in that window.
 */
export function computeLastFeatureRow(bars: readonly Bar[], historyRows = 1): LastFeatureRow {
  if (bars.length <= MAX_WARMUP_BARS) {
    throw new FeatureInputError(
      `${bars.length} bars: the features of a bar need ${MAX_WARMUP_BARS} bars of warm-up before it`,
    );
  }
  const rows = Math.max(1, Math.min(historyRows, bars.length - MAX_WARMUP_BARS));
  const first = bars.length - MAX_WARMUP_BARS - rows;
  const all = readWindow(bars, first);
  const returns = shiftedReturns(all.close);
  const volatilityHistory = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = MAX_WARMUP_BARS + i;
    const sd = populationSd(returns, t - 19, t);
    volatilityHistory[i] = sd <= FLAT_RETURN_SD ? 0 : sd;
  }

  const w = rows === 1 ? all : sliceWindow(all, rows - 1);
  const f: Partial<Record<FeatureName, number>> = {};
  returnFeatures(w, f);
  trendFeatures(w, f);
  macdFeatures(w, f);
  momentumFeatures(w, f);
  const tr = trueRange(w);
  directionalFeatures(w, tr, f);
  oscillatorFeatures(w, f);
  volatilityFeatures(w, tr, returns.subarray(rows - 1), f);
  candleFeatures(w, f);
  volumeFeatures(w, f);

  const values = new Float64Array(FEATURE_NAMES.length);
  FEATURE_NAMES.forEach((name, k) => {
    const v = f[name];
    if (v === undefined || !Number.isFinite(v)) {
      throw new Error(`feature ${name} is ${v} on ${bars.at(-1)!.date}`);
    }
    values[k] = v;
  });
  return { date: bars.at(-1)!.date, values, volatilityHistory };
}

/** The window from index `from` on, sharing the buffers. */
function sliceWindow(w: Window, from: number): Window {
  return {
    T: w.T - from,
    open: w.open.subarray(from),
    high: w.high.subarray(from),
    low: w.low.subarray(from),
    close: w.close.subarray(from),
    volume: w.volume.subarray(from),
  };
}
