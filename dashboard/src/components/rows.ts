/**
 * Rows for the pages' tables, computed from build-time data: one plain object per row with
 * the raw numbers (the tables format them). Pure functions, no DOM.
 */
import { daysBetween, moveFrom } from "./analytics.js";
import type { PipelineData, RunReport, SymbolForecast } from "./types.js";

export interface ConstituentRow {
  symbol: string;
  name: string;
  sector: string;
  direction: "up" | "down";
  probabilityUp: number;
  expectedMove: number;
  lower80: number;
  upper80: number;
  lastClose: number;
  confidence: string;
  risk: string;
}

/** The members' forecasts as table rows, most likely to rise first. */
export function constituentRows(forecasts: readonly SymbolForecast[]): ConstituentRow[] {
  return forecasts
    .filter((f) => !f.isIndex)
    .map((f) => ({
      symbol: f.symbol,
      name: f.name,
      sector: f.sector,
      direction: f.direction,
      probabilityUp: f.probabilityUp,
      expectedMove: moveFrom(f.lastClose, f.expectedReturn).fraction,
      lower80: Math.expm1(f.interval80.lower),
      upper80: Math.expm1(f.interval80.upper),
      lastClose: f.lastClose,
      confidence: f.confidence,
      risk: f.risk,
    }))
    .sort((a, b) => b.probabilityUp - a.probabilityUp);
}

/** Rows whose text matches every word of `query` (case-insensitive) and the sector, if given. */
export function filterRows<R extends { symbol: string; name: string; sector: string }>(
  rows: readonly R[],
  query: string,
  sector: string | null,
): R[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (sector && r.sector !== sector) return false;
    const text = `${r.symbol} ${r.name} ${r.sector}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export interface FreshnessRow {
  symbol: string;
  lastDate: string | null;
  /** trading-calendar days behind the index's last date (0: up to date) */
  behindIndex: number | null;
  /** calendar days from the last date to the build */
  ageDays: number | null;
  rowsKept: number;
}

/** How recent each symbol's validated data is, against the index and the build time. */
export function freshnessRows(
  quality: PipelineData["quality"],
  indexSymbol: string,
  builtAt: string,
): FreshnessRow[] {
  const indexLast = quality.find((q) => q.symbol === indexSymbol)?.lastDate ?? null;
  return quality.map((q) => ({
    symbol: q.symbol,
    lastDate: q.lastDate,
    behindIndex: q.lastDate && indexLast ? Math.max(0, daysBetween(q.lastDate, indexLast)) : null,
    ageDays: q.lastDate ? Math.max(0, daysBetween(q.lastDate, builtAt)) : null,
    rowsKept: q.rowsKept,
  }));
}

/** The run whose stages to show first: the newest full `run`, else the newest of any kind. */
export function defaultRun(runs: readonly RunReport[]): RunReport | undefined {
  return runs.find((r) => r.command === "run" && r.stages.length > 1) ?? runs[0];
}

/** A run's stages as table rows; a skipped stage is a cache hit (its inputs had not changed). */
export function stageRows(run: RunReport) {
  return run.stages.map((s) => ({
    stage: s.stage,
    status: s.status,
    cacheHit: s.status === "skipped",
    durationMs: s.durationMs,
    message: s.message,
  }));
}

/** One feature of a symbol's series from `start` on, as dated points (days without it left out). */
export function indicatorRows(
  series: { dates: string[]; features: Record<string, (number | null)[]> },
  feature: string,
  start = 0,
): { date: Date; value: number }[] {
  const values = series.features[feature] ?? [];
  const out: { date: Date; value: number }[] = [];
  for (let i = start; i < series.dates.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined)
      out.push({ date: new Date(`${series.dates[i]}T00:00:00Z`), value: v });
  }
  return out;
}

/** Rows in the order of a column; nulls last whichever the direction. */
export function sortRows<R>(
  rows: readonly R[],
  key: (row: R) => number | string | null,
  descending: boolean,
): R[] {
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order =
      typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}
