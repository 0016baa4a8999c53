/**
 * The 45 technical-indicator features: names, formulas, the technicalindicators calls behind
 * them and the warm-up each needs before its value no longer depends on where the series starts.
 * compute.ts produces the columns in this order.
 */
import { featureDefinitionSchema, type FeatureDefinition } from "../../core/contracts.js";
import { sha256 } from "../../core/store.js";

/**
 * Weight the seed of an exponential (EMA or Wilder) smoothing may keep before its value counts as
 * start-independent. 1e-7 is not enough for features that are small differences of price levels
 * (MACD / close, C / EMA - 1 are ~1e-3): with it they differ by more than 1e-6 relative between
 * start points on real data, so the bound is tighter.
 */
export const SEED_INFLUENCE_LIMIT = 1e-10;

/** EMA smoothing factor for an n-period EMA. */
const emaAlpha = (n: number): number => 2 / (n + 1);
/** Wilder smoothing factor for an n-period Wilder average. */
const wilderAlpha = (n: number): number => 1 / n;

/**
 * Bars after the seed until a chain of `stages` smoothings with factor `alpha` has forgotten
 * its seed: the smallest k with (1-alpha)^k * sum_{j<stages} (alpha*k/(1-alpha))^j / j! below
 * SEED_INFLUENCE_LIMIT (the seed error of a chain decays like that polynomial times the
 * geometric factor).
 */
export function seedDecayBars(alpha: number, stages = 1): number {
  for (let k = 0; ; k++) {
    const x = (alpha * k) / (1 - alpha);
    let term = 1;
    let sum = 0;
    for (let j = 0; j < stages; j++) {
      sum += term;
      term *= x / (j + 1);
    }
    if (Math.pow(1 - alpha, k) * sum < SEED_INFLUENCE_LIMIT) return k;
  }
}

const SMOOTHING_NOTE = `; exponential warm-up = first output + bars for the seed weight to fall below ${SEED_INFLUENCE_LIMIT}`;

function returnFeature<const P extends number>(period: P, label: string) {
  return {
    name: `roc_${period}`,
    group: "return",
    description: `${label} simple return of the close.`,
    formula: `C[t] / C[t-${period}] - 1`,
    parameters: { period },
    libraryCall: `ROC.calculate({period:${period}}) / 100`,
    warmupBars: period,
  } as const;
}

function closeToSmaFeature<const P extends number>(period: P) {
  return {
    name: `close_sma_${period}`,
    group: "trend",
    description: `Distance of the close from its ${period}-day simple moving average, as a fraction.`,
    formula: `C / SMA_${period}(C) - 1`,
    parameters: { period },
    libraryCall: `SMA.calculate({period:${period}})`,
    warmupBars: period - 1,
  } as const;
}

function closeToEmaFeature<const P extends number>(period: P) {
  return {
    name: `close_ema_${period}`,
    group: "trend",
    description: `Distance of the close from its ${period}-day exponential moving average, as a fraction.`,
    formula: `C / EMA_${period}(C) - 1, EMA factor 2/${period + 1} seeded with the SMA of the first ${period} closes${SMOOTHING_NOTE}`,
    parameters: { period },
    libraryCall: `EMA.calculate({period:${period}})`,
    warmupBars: period - 1 + seedDecayBars(emaAlpha(period)),
  } as const;
}

function rsiFeature<const P extends number>(period: P) {
  return {
    name: `rsi_${period}`,
    group: "oscillator",
    description: `Wilder's ${period}-day relative strength index of the close.`,
    formula:
      `100 - 100 / (1 + G / L), G and L = Wilder averages (factor 1/${period}, seeded with the mean of the first ${period} changes) ` +
      `of the daily gains and losses of C; 100 when L = 0 < G, 50 when G = L = 0${SMOOTHING_NOTE}`,
    parameters: { period },
    libraryCall:
      `AverageGain.calculate({period:${period}}) and AverageLoss.calculate({period:${period}}); ` +
      "RSI.calculate is not used because it rounds to 2 decimals, which breaks start-independence and the TA-Lib match",
    warmupBars: period + seedDecayBars(wilderAlpha(period)),
  } as const;
}

const MACD_PARAMETERS = { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 } as const;
const MACD_CALL =
  "MACD.calculate({fastPeriod:12,slowPeriod:26,signalPeriod:9,SimpleMAOscillator:false,SimpleMASignal:false})";
/** MACD line is first output at bar 25 (EMA_26's seed); the signal's EMA_9 seed needs 8 more. */
const MACD_LINE_WARMUP = 25 + seedDecayBars(emaAlpha(26));
const MACD_SIGNAL_WARMUP = 25 + 8 + seedDecayBars(emaAlpha(26), 2);

const KST_PARAMETERS = {
  ROCPer1: 10,
  ROCPer2: 15,
  ROCPer3: 20,
  ROCPer4: 30,
  SMAROCPer1: 10,
  SMAROCPer2: 10,
  SMAROCPer3: 10,
  SMAROCPer4: 15,
  signalPeriod: 9,
} as const;
const KST_CALL =
  "ROC.calculate({period:10|15|20|30}) smoothed by SMA.calculate({period:10|10|10|15}) and weighted 1..4, " +
  "exactly as KST.calculate({ROCPer1:10,ROCPer2:15,ROCPer3:20,ROCPer4:30,SMAROCPer1:10,SMAROCPer2:10,SMAROCPer3:10,SMAROCPer4:15,signalPeriod:9}) " +
  "does (bit-identical, tested), reusing the ROCs of roc_10/roc_20 instead of KST.calculate's own";

const DIRECTIONAL_FORMULA_TAIL =
  "+DM = H[t]-H[t-1] when that exceeds L[t-1]-L[t] and 0, else 0; -DM mirrored; TR = max(H-L, |H-C[t-1]|, |L-C[t-1]|); " +
  "W() = Wilder average, factor 1/14, seeded with the mean of the first 14 values; a DI is 0 when W(TR) = 0";
const DIRECTIONAL_CALL =
  "ATR.calculate({period:14}) for W(TR), WEMA.calculate({period:14}) of +DM, -DM and DX; " +
  "ADX.calculate is not used because a window with +DI + -DI = 0 turns DX into NaN that its smoothing keeps forever";
const DI_WARMUP = 14 + seedDecayBars(wilderAlpha(14));

const DEFINITIONS = [
  returnFeature(1, "One-day"),
  returnFeature(5, "Five-day"),
  returnFeature(10, "Ten-day"),
  returnFeature(20, "Twenty-day"),
  returnFeature(60, "Sixty-day"),
  closeToSmaFeature(5),
  closeToSmaFeature(10),
  closeToSmaFeature(20),
  closeToSmaFeature(50),
  closeToSmaFeature(200),
  closeToEmaFeature(12),
  closeToEmaFeature(26),
  {
    name: "sma_50_200",
    group: "trend",
    description: "Distance of the 50-day from the 200-day simple moving average, as a fraction.",
    formula: "SMA_50(C) / SMA_200(C) - 1",
    parameters: { fastPeriod: 50, slowPeriod: 200 },
    libraryCall: "SMA.calculate({period:50}) and SMA.calculate({period:200})",
    warmupBars: 199,
  },
  {
    name: "close_wma_20",
    group: "trend",
    description:
      "Distance of the close from its 20-day linearly weighted moving average, as a fraction.",
    formula: "C / WMA_20(C) - 1, weights 1..20 with the newest close weighted 20",
    parameters: { period: 20 },
    libraryCall: "WMA.calculate({period:20})",
    warmupBars: 19,
  },
  {
    name: "macd_line",
    group: "macd",
    description: "MACD line (fast minus slow EMA of the close) relative to the close.",
    formula: `(EMA_12(C) - EMA_26(C)) / C${SMOOTHING_NOTE}`,
    parameters: MACD_PARAMETERS,
    libraryCall: `${MACD_CALL}.MACD`,
    warmupBars: MACD_LINE_WARMUP,
  },
  {
    name: "macd_signal",
    group: "macd",
    description: "MACD signal line (9-day EMA of the MACD line) relative to the close.",
    formula: `EMA_9(MACD) / C with MACD = EMA_12(C) - EMA_26(C); the library reports a signal of exactly 0 as undefined, read as 0${SMOOTHING_NOTE} (two chained smoothings)`,
    parameters: MACD_PARAMETERS,
    libraryCall: `${MACD_CALL}.signal`,
    warmupBars: MACD_SIGNAL_WARMUP,
  },
  {
    name: "macd_hist",
    group: "macd",
    description:
      "MACD histogram relative to the close: the MACD line minus the signal line, so a linear combination of the two.",
    formula: `(MACD - EMA_9(MACD)) / C${SMOOTHING_NOTE} (two chained smoothings)`,
    parameters: MACD_PARAMETERS,
    libraryCall: `${MACD_CALL}.histogram`,
    warmupBars: MACD_SIGNAL_WARMUP,
  },
  {
    name: "trix_15",
    group: "momentum",
    description: "TRIX: one-day percent change of the triple-smoothed 15-day EMA of the close.",
    formula: `100 * (E3[t] / E3[t-1] - 1), E3 = EMA_15(EMA_15(EMA_15(C)))${SMOOTHING_NOTE} (three chained smoothings)`,
    parameters: { period: 15 },
    libraryCall:
      "EMA.calculate({period:15}) applied three times, then ROC.calculate({period:1}); " +
      "TRIX.calculate is not used because it drops exact zeros, which shifts the rest of its output",
    warmupBars: 3 * 14 + 1 + seedDecayBars(emaAlpha(15), 3),
  },
  {
    name: "kst",
    group: "momentum",
    description: "Pring's Know Sure Thing: a weighted sum of four smoothed rates of change.",
    formula:
      "SMA_10(ROC_10) + 2*SMA_10(ROC_15) + 3*SMA_10(ROC_20) + 4*SMA_15(ROC_30), ROC_n = 100 * (C[t]/C[t-n] - 1)",
    parameters: KST_PARAMETERS,
    libraryCall: KST_CALL,
    warmupBars: 30 + 15 - 1,
  },
  {
    name: "kst_signal",
    group: "momentum",
    description: "Signal line of the Know Sure Thing: its 9-day simple moving average.",
    formula: "SMA_9(KST)",
    parameters: KST_PARAMETERS,
    libraryCall: `SMA.calculate({period:9}) of kst; kst from ${KST_CALL}`,
    warmupBars: 30 + 15 - 1 + 8,
  },
  {
    name: "adx_14",
    group: "directional",
    description:
      "Wilder's 14-day average directional index: trend strength regardless of direction.",
    formula:
      "W(DX), DX = 100 * |+DI - -DI| / (+DI + -DI) (0 when +DI + -DI = 0), +DI = 100 * W(+DM) / W(TR); " +
      `${DIRECTIONAL_FORMULA_TAIL}${SMOOTHING_NOTE} (two chained smoothings)`,
    parameters: { period: 14 },
    libraryCall: DIRECTIONAL_CALL,
    warmupBars: 14 + 13 + seedDecayBars(wilderAlpha(14), 2),
  },
  {
    name: "pdi_14",
    group: "directional",
    description:
      "Wilder's 14-day plus directional indicator: the share of the range that was upward movement.",
    formula: `100 * W(+DM) / W(TR); ${DIRECTIONAL_FORMULA_TAIL}${SMOOTHING_NOTE}`,
    parameters: { period: 14 },
    libraryCall: DIRECTIONAL_CALL,
    warmupBars: DI_WARMUP,
  },
  {
    name: "mdi_14",
    group: "directional",
    description:
      "Wilder's 14-day minus directional indicator: the share of the range that was downward movement.",
    formula: `100 * W(-DM) / W(TR); ${DIRECTIONAL_FORMULA_TAIL}${SMOOTHING_NOTE}`,
    parameters: { period: 14 },
    libraryCall: DIRECTIONAL_CALL,
    warmupBars: DI_WARMUP,
  },
  rsiFeature(14),
  rsiFeature(7),
  {
    name: "stoch_k_14",
    group: "oscillator",
    description:
      "Fast stochastic %K: where the close sits in the 14-day high-low range (Williams %R is this minus 100, so it is not a separate feature).",
    formula:
      "100 * (C - LL) / (HH - LL), HH and LL = highest high and lowest low of the last 14 bars; 50 when HH = LL",
    parameters: { period: 14 },
    libraryCall:
      "WilliamsR.calculate({period:14}) + 100, which equals Stochastic %K; Stochastic.calculate is not used because it returns 0 for a flat window, WilliamsR returns NaN there so the neutral 50 can be applied",
    warmupBars: 13,
  },
  {
    name: "stoch_d_14_3",
    group: "oscillator",
    description: "Stochastic %D: the 3-day simple moving average of %K.",
    formula: "SMA_3(stoch_k_14)",
    parameters: { period: 14, signalPeriod: 3 },
    libraryCall: "SMA.calculate({period:3}) of stoch_k_14",
    warmupBars: 15,
  },
  {
    name: "stochrsi_k",
    group: "oscillator",
    description:
      "Stochastic RSI %K: the 3-day average of where RSI-14 sits in its own 14-day range.",
    formula:
      "SMA_3(S), S = 100 * (R - min_14(R)) / (max_14(R) - min_14(R)), R = rsi_14; S = 50 when max_14(R) - min_14(R) <= 1e-9 " +
      `(a flat close run leaves only rounding noise in R)${SMOOTHING_NOTE}`,
    parameters: { rsiPeriod: 14, stochasticPeriod: 14, kPeriod: 3 },
    libraryCall:
      "Highest.calculate({period:14}) and Lowest.calculate({period:14}) of rsi_14, then SMA.calculate({period:3}); " +
      "StochasticRSI.calculate is not used because it runs on the 2-decimal RSI",
    warmupBars: 14 + 13 + 2 + seedDecayBars(wilderAlpha(14)),
  },
  {
    name: "cci_20",
    group: "oscillator",
    description: "Lambert's 20-day commodity channel index of the typical price.",
    formula:
      "(TP - SMA_20(TP)) / (0.015 * MD), TP = (H + L + C) / 3, MD = mean absolute deviation of TP from SMA_20(TP); " +
      "0 when the 20-bar window is flat (all 20 TP equal)",
    parameters: { period: 20, constant: 0.015 },
    libraryCall:
      "CCI.calculate({period:20}), replaced by 0 on a flat window, where it is 0/0 or (through its running-sum SMA) rounding noise",
    warmupBars: 19,
  },
  {
    name: "ao_norm",
    group: "momentum",
    description:
      "Awesome oscillator (5-day minus 34-day SMA of the median price) relative to the close.",
    formula: "(SMA_5(M) - SMA_34(M)) / C, M = (H + L) / 2",
    parameters: { fastPeriod: 5, slowPeriod: 34 },
    libraryCall: "AwesomeOscillator.calculate({fastPeriod:5,slowPeriod:34})",
    warmupBars: 33,
  },
  {
    name: "mfi_14",
    group: "volume",
    description:
      "Money flow index over 14 days: the RSI-like share of up-day money flow in all money flow.",
    formula:
      "100 * P / (P + N), P (N) = sum over the last 14 bars of TP * V on bars whose TP rose (fell) from the bar before, TP = (H + L + C) / 3; " +
      "bars with unchanged TP or zero volume count in neither; 50 when no bar in the window has a flow, 100 (0) when only up (down) bars have",
    parameters: { period: 14 },
    libraryCall:
      "Sum.calculate({period:14}) of the up and down money flows; the last up and down bar decide the one-sided and empty windows exactly, " +
      "where the running sums can hold rounding residue instead of 0; " +
      "MFI.calculate is not used because it rounds to 2 decimals and counts unchanged TP as down flow",
    warmupBars: 14,
  },
  {
    name: "atr_pct_14",
    group: "volatility",
    description: "Wilder's 14-day average true range relative to the close.",
    formula: `W(TR) / C, TR = max(H-L, |H-C[t-1]|, |L-C[t-1]|), W = Wilder average, factor 1/14, seeded with the mean of the first 14 TR${SMOOTHING_NOTE}`,
    parameters: { period: 14 },
    libraryCall: "ATR.calculate({period:14})",
    warmupBars: DI_WARMUP,
  },
  {
    name: "bb_pctb_20",
    group: "volatility",
    description:
      "Bollinger %B: where the close sits between the 20-day, 2-standard-deviation bands.",
    formula:
      "(C - lower) / (upper - lower), bands = SMA_20(C) -/+ 2 * SD_20(C) (population SD); 0.5 when SD_20(C) <= 1e-9 * SMA_20(C)",
    parameters: { period: 20, stdDev: 2 },
    libraryCall: "BollingerBands.calculate({period:20,stdDev:2})",
    warmupBars: 19,
  },
  {
    name: "bb_width_20",
    group: "volatility",
    description: "Bollinger band width relative to the middle band.",
    formula:
      "(upper - lower) / SMA_20(C) = 4 * SD_20(C) / SMA_20(C); 0 when SD_20(C) <= 1e-9 * SMA_20(C)",
    parameters: { period: 20, stdDev: 2 },
    libraryCall: "BollingerBands.calculate({period:20,stdDev:2})",
    warmupBars: 19,
  },
  {
    name: "kc_position",
    group: "volatility",
    description:
      "Where the close sits between the Keltner channel bands (20-day EMA -/+ 2 ATR-10).",
    formula: `(C - lower) / (upper - lower), bands = EMA_20(C) -/+ 2 * W_10(TR) (Wilder ATR, factor 1/10); 0.5 when W_10(TR) = 0${SMOOTHING_NOTE}`,
    parameters: { maPeriod: 20, atrPeriod: 10, multiplier: 2 },
    libraryCall: "KeltnerChannels.calculate({maPeriod:20,atrPeriod:10,useSMA:false,multiplier:2})",
    warmupBars: Math.max(19 + seedDecayBars(emaAlpha(20)), 10 + seedDecayBars(wilderAlpha(10))),
  },
  {
    name: "vol_20",
    group: "volatility",
    description: "20-day volatility: population standard deviation of daily log returns.",
    formula:
      "SD_20(r), r[t] = ln(C[t] / C[t-1]); 0 when below 1e-12 (the rounding noise of a flat window)",
    parameters: { period: 20 },
    libraryCall:
      "SD.calculate({period:20}) of 1 + r (SD is shift-invariant; the shift keeps every window mean off the exact 0 " +
      "that SD.calculate treats as not ready, repeating its last value or dropping the bar)",
    warmupBars: 20,
  },
  {
    name: "vol_ratio_20_60",
    group: "volatility",
    description: "Ratio of 20-day to 60-day volatility of daily log returns.",
    formula: "SD_20(r) / SD_60(r), r[t] = ln(C[t] / C[t-1]); 1 when SD_60(r) <= 1e-12",
    parameters: { fastPeriod: 20, slowPeriod: 60 },
    libraryCall:
      "SD.calculate({period:20}) and SMA.calculate({period:20}) of 1 + r; SD_60 combines the three 20-day blocks of " +
      "the 60-day window by the law of total variance, which is SD.calculate({period:60}) up to rounding (tested) " +
      "without re-summing 60 values per bar",
    warmupBars: 60,
  },
  {
    name: "range_pct",
    group: "candle",
    description: "The day's high-low range relative to the close.",
    formula: "(H - L) / C",
    parameters: {},
    libraryCall: "none (arithmetic on the bar)",
    warmupBars: 0,
  },
  {
    name: "gap_pct",
    group: "candle",
    description: "Overnight gap: the open relative to the previous close.",
    formula: "O[t] / C[t-1] - 1",
    parameters: {},
    libraryCall: "none (arithmetic on two bars)",
    warmupBars: 1,
  },
  {
    name: "close_location",
    group: "candle",
    description:
      "Where the close sits in the day's high-low range, 0 at the low and 1 at the high.",
    formula: "(C - L) / (H - L); 0.5 when H = L",
    parameters: {},
    libraryCall: "none (arithmetic on the bar)",
    warmupBars: 0,
  },
  {
    name: "dist_high_252",
    group: "range",
    description:
      "Distance of the close below the highest high of the last 252 bars, as a fraction.",
    formula: "C / max(H over the last 252 bars) - 1",
    parameters: { period: 252 },
    libraryCall: "Highest.calculate({period:252}) of the highs",
    warmupBars: 251,
  },
  {
    name: "dist_low_252",
    group: "range",
    description: "Distance of the close above the lowest low of the last 252 bars, as a fraction.",
    formula: "C / min(L over the last 252 bars) - 1",
    parameters: { period: 252 },
    libraryCall: "Lowest.calculate({period:252}) of the lows",
    warmupBars: 251,
  },
  {
    name: "volume_z_20",
    group: "volume",
    description: "Log ratio of the day's volume to its 20-day average.",
    formula:
      "ln((V + 1) / (SMA_20(V) + 1)); the +1 keeps zero-volume days finite (0 when V and the average are 0)",
    parameters: { period: 20 },
    libraryCall: "SMA.calculate({period:20}) of the volumes",
    warmupBars: 19,
  },
  {
    name: "obv_flow_20",
    group: "volume",
    description: "Net on-balance volume of the last 20 days as a share of their total volume.",
    formula:
      "(OBV[t] - OBV[t-20]) / sum(V over the last 20 bars), OBV[0] = 0 (the difference cancels the start constant); 0 when that volume is below 0.5",
    parameters: { period: 20 },
    libraryCall: "OBV.calculate and Sum.calculate({period:20}) of the volumes",
    warmupBars: 20,
  },
  {
    name: "adl_flow_20",
    group: "volume",
    description:
      "Chaikin money flow: the 20-day change of the accumulation/distribution line over the 20-day volume.",
    formula:
      "(ADL[t] - ADL[t-20]) / sum(V, 20) = sum(MFM * V, 20) / sum(V, 20), MFM = ((C - L) - (H - C)) / (H - L), MFM = 0 when H = L; " +
      "0 when the 20-day volume is below 0.5",
    parameters: { period: 20 },
    libraryCall:
      "Sum.calculate({period:20}) of MFM * V and of V; ADL.calculate is not used because it rounds the line to integers " +
      "and counts H = L days as full accumulation",
    warmupBars: 19,
  },
] as const satisfies readonly FeatureDefinition[];

export type FeatureName = (typeof DEFINITIONS)[number]["name"];

export const FEATURES: readonly FeatureDefinition[] = DEFINITIONS.map((d) =>
  featureDefinitionSchema.parse(d),
);

export const FEATURE_NAMES: readonly FeatureName[] = DEFINITIONS.map((d) => d.name);

/** Bars dropped at the start of every series: the longest warm-up of any feature. */
export const MAX_WARMUP_BARS: number = Math.max(...FEATURES.map((f) => f.warmupBars));

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the feature definitions; changes whenever a name, formula, parameter or warm-up does. */
export function featureSetHash(): string {
  return sha256(stableJson(FEATURES));
}
