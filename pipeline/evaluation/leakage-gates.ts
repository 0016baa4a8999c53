/**
 * Leakage gates. Next-day direction is close to a coin toss, so a result that looks too good is
 * treated as a bug until the leak is found:
 * - too-good: out-of-sample accuracy above 60% on any scope fails the run;
 * - shuffled-labels: with the labels shuffled in blocks of dates, the network's accuracy must
 *   stay within two standard errors of what chance gives (Pesaran-Timmermann's expected rate);
 * - random-walk: on synthetic random-walk prices the network must show no directional skill
 *   (Pesaran-Timmermann p-value above 0.05);
 * - canary: a feature equal to the next day's return must be caught by the too-good check.
 */
import type { Bar, LeakageGate, ModelMetrics } from "../../core/contracts.js";
import { computeFeatures } from "../indicators/compute.js";
import { buildDataset, type CloseSeries, type LabelledRows } from "../model/dataset.js";
import { classificationMetrics, predictUp } from "./classification.js";
import { pesaranTimmermannTest } from "./pesaran-timmermann.js";
import { createRng } from "../../core/random.js";
import { runWalkForward, tradingCalendar, type WalkForwardConfig } from "./walk-forward.js";

export const TOO_GOOD_ACCURACY = 0.6;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function tooGoodGate(scopes: Record<string, { models: ModelMetrics[] }>): LeakageGate {
  const offenders: string[] = [];
  const seen: string[] = [];
  for (const [scope, summary] of Object.entries(scopes)) {
    for (const m of summary.models.filter((x) => x.model === "mlp" || x.model === "logistic")) {
      seen.push(`${scope}/${m.model} ${pct(m.accuracy)}`);
      if (m.accuracy > TOO_GOOD_ACCURACY) offenders.push(`${scope}/${m.model} ${pct(m.accuracy)}`);
    }
  }
  return {
    name: "too-good",
    passed: offenders.length === 0,
    detail:
      offenders.length === 0
        ? `out-of-sample accuracy at most ${pct(TOO_GOOD_ACCURACY)} (${seen.join(", ")})`
        : `accuracy above ${pct(TOO_GOOD_ACCURACY)} is a leak until proven otherwise: ${offenders.join(", ")}`,
  };
}

/**
 * Accuracy against chance: with independent forecasts and outcomes the expected hit rate is
 * pa*pf + (1-pa)(1-pf); its standard error is sqrt(E(1-E)/n).
 */
export function chanceBand(up: Uint8Array, p: Float64Array) {
  const forecastUp = predictUp(p);
  const n = up.length;
  const pa = up.reduce((a, b) => a + b, 0) / n;
  const pf = forecastUp.reduce((a, b) => a + b, 0) / n;
  const expected = pa * pf + (1 - pa) * (1 - pf);
  const se = Math.sqrt((expected * (1 - expected)) / n);
  const accuracy = classificationMetrics(up, p).accuracy;
  return { n, accuracy, expected, se, within: Math.abs(accuracy - expected) <= 2 * se };
}

/** Shuffles whole blocks of dates (all symbols of a date move together), seeded. */
export function shuffleLabelsInBlocks(
  data: LabelledRows,
  blockDates: number,
  seed: number,
): LabelledRows {
  const calendar = tradingCalendar(data.dates);
  // only whole blocks move, so every date's labels go to exactly one other date
  const blocks = Math.floor(calendar.length / blockDates);
  const order = Array.from({ length: blocks }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  // date d in block b takes the labels of the same position in block order[b]
  const source = new Map<string, string>();
  calendar.forEach((d, i) => {
    const b = Math.floor(i / blockDates);
    source.set(d, b < blocks ? calendar[order[b]! * blockDates + (i % blockDates)]! : d);
  });
  const labelAt = new Map<string, { ret: number; up: number }>();
  for (let i = 0; i < data.n; i++)
    labelAt.set(`${data.symbolIndex[i]}@${data.dates[i]}`, { ret: data.ret[i]!, up: data.up[i]! });
  const ret = new Float64Array(data.n);
  const up = new Uint8Array(data.n);
  for (let i = 0; i < data.n; i++) {
    const from = labelAt.get(`${data.symbolIndex[i]}@${source.get(data.dates[i]!)}`);
    // a symbol without a row on the source date keeps a label drawn from its own block
    ret[i] = from ? from.ret : data.ret[i]!;
    up[i] = from ? from.up : data.up[i]!;
  }
  return { ...data, ret, up };
}

export async function shuffledLabelsGate(
  data: LabelledRows,
  config: WalkForwardConfig,
  scopeSymbol: number,
): Promise<LeakageGate> {
  const shuffled = shuffleLabelsInBlocks(data, 20, config.seed + 7);
  const result = await runWalkForward(shuffled, config);
  const rows = Int32Array.from(
    Array.from(result.test.symbolIndex.keys()).filter(
      (i) => result.test.symbolIndex[i] === scopeSymbol,
    ),
  );
  const band = chanceBand(
    Uint8Array.from(rows, (i) => result.test.up[i]!),
    Float64Array.from(rows, (i) => result.forecasts.mlp.p[i]!),
  );
  return {
    name: "shuffled-labels",
    passed: band.within,
    detail: `with labels shuffled in 20-day blocks the network's accuracy is ${pct(band.accuracy)} on ${band.n} days; chance gives ${pct(band.expected)} +/- ${pct(2 * band.se)}`,
  };
}

/** Geometric random walks with realistic daily volatility and OHLCV shape, seeded. */
export function randomWalkBars(days: number, seed: number): Bar[] {
  const rng = createRng(seed);
  const bars: Bar[] = [];
  let close = 1000;
  const start = Date.UTC(2000, 0, 3);
  for (let i = 0, d = 0; i < days; d++) {
    const date = new Date(start + d * 86_400_000);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    const open = close * Math.exp(rng.normal(0, 0.003));
    close = open * Math.exp(rng.normal(0, 0.012));
    const high = Math.max(open, close) * Math.exp(Math.abs(rng.normal(0, 0.005)));
    const low = Math.min(open, close) * Math.exp(-Math.abs(rng.normal(0, 0.005)));
    const volume = Math.round(1e6 * Math.exp(rng.normal(0, 0.3)));
    bars.push({
      date: date.toISOString().slice(0, 10),
      open,
      high,
      low,
      close,
      adjClose: close,
      volume,
    });
    i++;
  }
  return bars;
}

function randomWalkDataset(symbols: number, days: number, seed: number): LabelledRows {
  const parts = [];
  const closes = new Map<string, CloseSeries>();
  for (let s = 0; s < symbols; s++) {
    const bars = randomWalkBars(days, seed + s);
    const { dates, columns } = computeFeatures(bars);
    parts.push({ symbol: `RW${s}`, dates, columns });
    closes.set(`RW${s}`, {
      dates: bars.map((b) => b.date),
      close: Float64Array.from(bars, (b) => b.close),
    });
  }
  return buildDataset(parts, closes).labelled;
}

export async function randomWalkGate(config: WalkForwardConfig): Promise<LeakageGate> {
  const data = randomWalkDataset(4, 2200, config.seed + 11);
  const calendar = tradingCalendar(data.dates);
  const result = await runWalkForward(data, {
    ...config,
    firstTestDate: calendar[calendar.length - 2 * config.refitEvery]!,
  });
  const pt = pesaranTimmermannTest(result.test.up, predictUp(result.forecasts.mlp.p));
  return {
    name: "random-walk",
    passed: pt.pValue > 0.05,
    detail: `on synthetic random walks (${result.test.n} test rows) the network's Pesaran-Timmermann p-value is ${pt.pValue.toFixed(3)} (must be above 0.05)`,
  };
}

/** Replaces feature 0 with the next day's return: a leak the too-good check must catch. */
export function withCanary(data: LabelledRows): LabelledRows {
  const x = data.x.slice();
  for (let i = 0; i < data.n; i++) x[i * data.featureCount] = data.ret[i]!;
  return { ...data, x };
}

export async function canaryGate(
  data: LabelledRows,
  config: WalkForwardConfig,
  scopeSymbol: number,
): Promise<LeakageGate> {
  const result = await runWalkForward(withCanary(data), config);
  const rows = Array.from(result.test.symbolIndex.keys()).filter(
    (i) => result.test.symbolIndex[i] === scopeSymbol,
  );
  const accuracy = classificationMetrics(
    Uint8Array.from(rows, (i) => result.test.up[i]!),
    Float64Array.from(rows, (i) => result.forecasts.mlp.p[i]!),
  ).accuracy;
  const caught = accuracy > TOO_GOOD_ACCURACY;
  return {
    name: "canary",
    passed: caught,
    detail: caught
      ? `a canary feature equal to the next day's return gives ${pct(accuracy)} accuracy and is caught by the too-good check`
      : `a canary feature equal to the next day's return gave only ${pct(accuracy)}: the too-good check would miss a leak`,
  };
}
