/**
 * The few computations the pages make from build-time data: freshness, date ranges, the
 * forecast band, hit rates and calibration of the ledger, drift levels, and the sentences that
 * say what a p-value means. Pure functions, no DOM: unit-tested in tests/unit/dashboard-*.
 */
import type { LedgerRow, RunReport, SymbolForecast, SymbolSeries } from "./types.js";

const DAY_MS = 86_400_000;

/** Whole calendar days from date `from` to date `to` (YYYY-MM-DD or ISO timestamps). */
export function daysBetween(from: string, to: string): number {
  const a = Date.parse(from.length === 10 ? `${from}T00:00:00Z` : from);
  const b = Date.parse(to.length === 10 ? `${to}T00:00:00Z` : to);
  return Math.floor((b - a) / DAY_MS);
}

/** Data counts as stale when it ends more than this many days before the build. */
export const STALE_AFTER_DAYS = 5;

export function freshness(dataEnd: string, builtAt: string, source: string) {
  const ageDays = Math.max(0, daysBetween(dataEnd, builtAt));
  const stale = ageDays > STALE_AFTER_DAYS;
  const origin = source === "snapshot" ? " (embedded snapshot)" : ` (${source})`;
  return {
    ageDays,
    stale,
    /** "data ends 2023-06-30 (embedded snapshot)" */
    label: `data ends ${dataEnd}${origin}`,
  };
}

export const RANGES = [
  { key: "30d", label: "30 days", days: 30 },
  { key: "90d", label: "90 days", days: 90 },
  { key: "1y", label: "1 year", days: 365 },
  { key: "5y", label: "5 years", days: 5 * 365 },
  { key: "all", label: "All", days: Infinity },
] as const;
export type RangeKey = (typeof RANGES)[number]["key"];

/** The first index of `dates` (ascending) within `days` calendar days of the last date. */
export function rangeStart(dates: readonly string[], days: number): number {
  if (dates.length === 0 || !Number.isFinite(days)) return 0;
  const last = dates[dates.length - 1]!;
  let i = dates.length - 1;
  while (i > 0 && daysBetween(dates[i - 1]!, last) <= days) i--;
  return i;
}

export interface PricePoint {
  date: Date;
  close: number;
}

/** Date-close rows of a columnar series from `start` on, as Plot wants them. */
export function pricePoints(
  dates: readonly string[],
  close: readonly number[],
  start = 0,
): PricePoint[] {
  const out: PricePoint[] = [];
  for (let i = start; i < dates.length; i++) {
    out.push({ date: new Date(`${dates[i]}T00:00:00Z`), close: close[i]! });
  }
  return out;
}

/** A log return as points and percent from a close: exp(r) - 1. */
export function moveFrom(lastClose: number, logReturn: number) {
  const fraction = Math.expm1(logReturn);
  return { points: lastClose * fraction, fraction, close: lastClose * Math.exp(logReturn) };
}

/** The expected move and both intervals of a forecast in points, percent and price. */
export function forecastMoves(f: SymbolForecast) {
  const at = (r: number) => moveFrom(f.lastClose, r);
  return {
    expected: at(f.expectedReturn),
    lower80: at(f.interval80.lower),
    upper80: at(f.interval80.upper),
    lower95: at(f.interval95.lower),
    upper95: at(f.interval95.upper),
  };
}

export interface BandPoint {
  date: Date;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
  expected: number;
}

/** The forecast cone from the last close (zero width) to the target session's intervals. */
export function forecastBand(f: SymbolForecast): BandPoint[] {
  const m = forecastMoves(f);
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const c = f.lastClose;
  return [
    { date: day(f.dataEnd), lower80: c, upper80: c, lower95: c, upper95: c, expected: c },
    {
      date: day(f.targetDate),
      lower80: m.lower80.close,
      upper80: m.upper80.close,
      lower95: m.lower95.close,
      upper95: m.upper95.close,
      expected: m.expected.close,
    },
  ];
}

/** The last close and the day's change of a columnar close series. */
export function lastChange(close: readonly number[]) {
  const last = close[close.length - 1] ?? NaN;
  const prev = close[close.length - 2] ?? NaN;
  return { last, prev, points: last - prev, fraction: last / prev - 1 };
}

/** Forecasts grouped by sector (sectors by name), members by symbol: the heat map's layout. */
export function heatmapCells(forecasts: readonly SymbolForecast[]) {
  const members = forecasts.filter((f) => !f.isIndex);
  const sectors = [...new Set(members.map((f) => f.sector))].sort((a, b) => a.localeCompare(b));
  const cells: { sector: string; slot: number; symbol: string; name: string; p: number }[] = [];
  for (const sector of sectors) {
    members
      .filter((f) => f.sector === sector)
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .forEach((f, slot) =>
        cells.push({ sector, slot, symbol: f.symbol, name: f.name, p: f.probabilityUp }),
      );
  }
  const sectorMeans = sectors.map((sector) => {
    const ps = cells.filter((c) => c.sector === sector).map((c) => c.p);
    return { sector, count: ps.length, meanP: ps.reduce((s, p) => s + p, 0) / ps.length };
  });
  return { sectors, cells, sectorMeans };
}

/** The last `n` bars of a symbol as a Yahoo price CSV (what POST /api/predict accepts). */
export function barsToCsv(series: SymbolSeries, n: number): string {
  const start = Math.max(0, series.dates.length - n);
  const lines = ["Date,Open,High,Low,Close,Adj Close,Volume"];
  for (let i = start; i < series.dates.length; i++) {
    lines.push(
      [
        series.dates[i],
        series.open[i],
        series.high[i],
        series.low[i],
        series.close[i],
        series.adjClose[i],
        series.volume[i],
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** The series with its last close (and adjusted close) moved by `fraction`, high/low widened. */
export function shockLastClose(series: SymbolSeries, fraction: number): SymbolSeries {
  const n = series.close.length;
  if (n === 0 || fraction === 0) return series;
  const i = n - 1;
  const close = [...series.close];
  const adjClose = [...series.adjClose];
  const high = [...series.high];
  const low = [...series.low];
  close[i] = series.close[i]! * (1 + fraction);
  adjClose[i] = series.adjClose[i]! * (1 + fraction);
  high[i] = Math.max(series.high[i]!, close[i]!);
  low[i] = Math.min(series.low[i]!, close[i]!);
  return { ...series, close, adjClose, high, low };
}

/** Accuracy over a trailing window, every `step` days: [{ index, accuracy }] */
export function rollingAccuracy(
  actualUp: ArrayLike<number>,
  pUp: ArrayLike<number>,
  window: number,
  step = 1,
): { index: number; accuracy: number }[] {
  const out: { index: number; accuracy: number }[] = [];
  let hits = 0;
  for (let i = 0; i < actualUp.length; i++) {
    hits += (pUp[i]! >= 0.5 ? 1 : 0) === actualUp[i] ? 1 : 0;
    if (i >= window) hits -= (pUp[i - window]! >= 0.5 ? 1 : 0) === actualUp[i - window] ? 1 : 0;
    if (i >= window - 1 && (i - (window - 1)) % step === 0) {
      out.push({ index: i, accuracy: hits / window });
    }
  }
  return out;
}

export type RealisedRow = LedgerRow & { realisedReturn: number; hit: boolean };

export function realised(rows: readonly LedgerRow[]): RealisedRow[] {
  return rows.filter((r): r is RealisedRow => r.realisedReturn !== null && r.hit !== null);
}

/** Hit rate per calendar month of the target day, and cumulatively. */
export function hitRateByMonth(rows: readonly LedgerRow[]) {
  const byMonth = new Map<string, { n: number; hits: number }>();
  for (const r of realised(rows)) {
    const month = r.targetDate.slice(0, 7);
    const m = byMonth.get(month) ?? { n: 0, hits: 0 };
    m.n++;
    if (r.hit) m.hits++;
    byMonth.set(month, m);
  }
  let n = 0;
  let hits = 0;
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, m]) => {
      n += m.n;
      hits += m.hits;
      return { month, n: m.n, hits: m.hits, rate: m.hits / m.n, cumulativeRate: hits / n };
    });
}

/** Reliability of the published probabilities against what happened, in `bins` equal bins. */
export function ledgerCalibration(rows: readonly LedgerRow[], bins = 10) {
  const out = Array.from({ length: bins }, (_, k) => ({
    lower: k / bins,
    upper: (k + 1) / bins,
    count: 0,
    meanPredicted: null as number | null,
    observedRate: null as number | null,
  }));
  const sums = out.map(() => ({ p: 0, up: 0 }));
  for (const r of realised(rows)) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(r.probabilityUp * bins)));
    out[k]!.count++;
    sums[k]!.p += r.probabilityUp;
    sums[k]!.up += r.realisedReturn > 0 ? 1 : 0;
  }
  out.forEach((b, k) => {
    if (b.count > 0) {
      b.meanPredicted = sums[k]!.p / b.count;
      b.observedRate = sums[k]!.up / b.count;
    }
  });
  return out;
}

/** Overall hit rate and whether realised returns fell inside the published intervals. */
export function ledgerSummary(rows: readonly LedgerRow[]) {
  const done = realised(rows);
  const inside = (lo: number, hi: number, r: number) => r >= lo && r <= hi;
  const n = done.length;
  return {
    published: rows.length,
    realised: n,
    pending: rows.length - n,
    hitRate: n > 0 ? done.filter((r) => r.hit).length / n : null,
    coverage80:
      n > 0 ? done.filter((r) => inside(r.lower80, r.upper80, r.realisedReturn)).length / n : null,
    coverage95:
      n > 0 ? done.filter((r) => inside(r.lower95, r.upper95, r.realisedReturn)).length / n : null,
  };
}

/** How large a standardized mean shift is. */
export function driftLevel(shift: number): "small" | "moderate" | "large" {
  const a = Math.abs(shift);
  if (a < 0.25) return "small";
  if (a < 0.5) return "moderate";
  return "large";
}

/** A run's total time and how many stages the cache skipped. */
export function runSummary(run: RunReport) {
  const total = run.stages.reduce((s, st) => s + st.durationMs, 0);
  const skipped = run.stages.filter((s) => s.status === "skipped").length;
  const ran = run.stages.filter((s) => s.status === "ran").length;
  const failed = run.stages.filter((s) => s.status === "failed").length;
  const wall = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return { total, wall: Number.isFinite(wall) ? wall : total, skipped, ran, failed };
}

const pct = (p: number) => `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%`;

/** One sentence on what a Pesaran-Timmermann p-value says. */
export function ptSentence(model: string, p: number): string {
  if (p < 0.05) {
    return `${model} calls the direction better than chance would (p = ${p.toFixed(3)}): if its calls were unrelated to the actual moves, a match this good would happen in only ${pct(p)} of samples.`;
  }
  return `${model} shows no evidence of calling the direction better than chance (p = ${p.toFixed(3)}): calls unrelated to the actual moves would match this well ${pct(p)} of the time.`;
}

/** One sentence on a Diebold-Mariano comparison (one-sided p-values both ways). */
export function dmSentence(
  model: string,
  other: string,
  loss: "squared-return-error" | "brier",
  pBetter: number,
  pWorse: number,
): string {
  const what =
    loss === "brier" ? "probabilities (Brier score)" : "return forecasts (squared error)";
  if (pBetter < 0.05) {
    return `${model}'s ${what} beat ${other}'s by more than luck explains (one-sided p = ${pBetter.toFixed(3)}).`;
  }
  if (pWorse < 0.05) {
    return `${other}'s ${what} beat ${model}'s by more than luck explains (one-sided p = ${pWorse.toFixed(3)}).`;
  }
  return `No significant difference between ${model}'s and ${other}'s ${what} (p = ${Math.min(pBetter, pWorse).toFixed(3)} the likelier way, above 0.05).`;
}

/** What a hit rate means next to the up-rate of the same days. */
export function accuracyCaveat(acc: number, upRate: number): string {
  const edge = acc - upRate;
  const pp = (x: number) => `${Math.abs(x * 100).toFixed(1)} percentage points`;
  const base = `Right on ${(acc * 100).toFixed(1)}% of test days, while the market rose on ${(upRate * 100).toFixed(1)}% of them: always saying "up" would score ${(Math.max(upRate, 1 - upRate) * 100).toFixed(1)}%.`;
  if (Math.abs(edge) < 0.005) return `${base} The model's edge over that is nil.`;
  return edge > 0
    ? `${base} The model is ${pp(edge)} above the up-rate.`
    : `${base} The model is ${pp(edge)} below the up-rate.`;
}
