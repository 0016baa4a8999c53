/**
 * The pooled modelling dataset: every symbol's feature rows stacked, each with the next trading
 * day's log return of the same symbol as its target. Features at date t use bars up to t only
 * (the indicators' contract); the target uses the close of the next kept bar, t+1.
 */
import type { SymbolFeatures } from "../../core/feature-table.js";

/** A symbol's validated closes, dates ascending (the kept bars of `prices/<symbol>.csv`). */
export interface CloseSeries {
  dates: string[];
  close: Float64Array;
}

/** Rows with a known next-day outcome. */
export interface LabelledRows {
  featureCount: number;
  /** symbol names, indexed by `symbolIndex` */
  symbols: string[];
  n: number;
  /** row-major, n * featureCount */
  x: Float32Array;
  /** ln(close[t+1] / close[t]) */
  ret: Float64Array;
  /** 1 when ret > 0, else 0 */
  up: Uint8Array;
  dates: string[];
  symbolIndex: Int32Array;
}

/** Each symbol's last row: the features a forecast for the next session is made from. */
export interface ForecastRows {
  featureCount: number;
  symbols: string[];
  n: number;
  x: Float32Array;
  dates: string[];
  symbolIndex: Int32Array;
  /** the close at `dates[i]`, the base of the forecast */
  lastClose: Float64Array;
}

export interface DatasetDropCounts {
  /** rows whose next kept bar is more than `maxGapDays` calendar days later */
  gap: number;
  /** rows with a NaN or infinite feature */
  nonFinite: number;
}

export interface PooledDataset {
  labelled: LabelledRows;
  forecast: ForecastRows;
  dropped: DatasetDropCounts;
}

interface DatasetOptions {
  /** a next bar further than this many calendar days away gives no target (default 10) */
  maxGapDays?: number;
}

const DAY_MS = 86_400_000;

function calendarDaysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

function rowIsFinite(columns: readonly Float64Array[], row: number): boolean {
  for (const column of columns) if (!Number.isFinite(column[row]!)) return false;
  return true;
}

interface RowRef {
  part: number;
  row: number;
  /** index of the row's bar in the symbol's price series */
  bar: number;
}

function gatherFeatures(
  parts: readonly SymbolFeatures[],
  refs: readonly RowRef[],
  featureCount: number,
): Float32Array {
  const x = new Float32Array(refs.length * featureCount);
  refs.forEach((ref, i) => {
    const columns = parts[ref.part]!.columns;
    for (let k = 0; k < featureCount; k++) x[i * featureCount + k] = columns[k]![ref.row]!;
  });
  return x;
}

/**
 * Builds the labelled rows and the forecast rows. A row gets a target when the symbol's price
 * series has a next kept bar within `maxGapDays` calendar days; the symbol's last feature row,
 * at its last price bar, is its forecast row (a symbol whose features stop before its prices has
 * none). Rows with a non-finite feature are left out. Rows stay grouped by symbol, dates ascending.
 */
export function buildDataset(
  parts: readonly SymbolFeatures[],
  closes: ReadonlyMap<string, CloseSeries>,
  options: DatasetOptions = {},
): PooledDataset {
  const maxGapDays = options.maxGapDays ?? 10;
  const featureCount = parts[0]?.columns.length ?? 0;
  const symbols = parts.map((p) => p.symbol);
  const labelled: RowRef[] = [];
  const forecast: RowRef[] = [];
  const dropped: DatasetDropCounts = { gap: 0, nonFinite: 0 };

  parts.forEach((part, p) => {
    if (part.columns.length !== featureCount) {
      throw new Error(
        `${part.symbol}: ${part.columns.length} feature columns, expected ${featureCount}`,
      );
    }
    const series = closes.get(part.symbol);
    if (!series) throw new Error(`${part.symbol}: no price series for its feature rows`);
    const barIndex = new Map(series.dates.map((d, i) => [d, i]));
    part.dates.forEach((date, row) => {
      const bar = barIndex.get(date);
      if (bar === undefined)
        throw new Error(`${part.symbol}: feature row ${date} has no price bar`);
      const isLastBar = bar === series.dates.length - 1;
      if (isLastBar && row !== part.dates.length - 1) {
        throw new Error(`${part.symbol}: feature rows continue after the last price bar`);
      }
      if (!isLastBar && calendarDaysBetween(date, series.dates[bar + 1]!) > maxGapDays) {
        dropped.gap++;
      } else if (!rowIsFinite(part.columns, row)) {
        dropped.nonFinite++;
      } else {
        (isLastBar ? forecast : labelled).push({ part: p, row, bar });
      }
    });
  });

  const closeAt = (ref: RowRef, offset: number): number =>
    closes.get(symbols[ref.part]!)!.close[ref.bar + offset]!;
  const ret = Float64Array.from(labelled, (ref) => Math.log(closeAt(ref, 1) / closeAt(ref, 0)));
  return {
    labelled: {
      featureCount,
      symbols,
      n: labelled.length,
      x: gatherFeatures(parts, labelled, featureCount),
      ret,
      up: Uint8Array.from(ret, (r) => (r > 0 ? 1 : 0)),
      dates: labelled.map((ref) => parts[ref.part]!.dates[ref.row]!),
      symbolIndex: Int32Array.from(labelled, (ref) => ref.part),
    },
    forecast: {
      featureCount,
      symbols,
      n: forecast.length,
      x: gatherFeatures(parts, forecast, featureCount),
      dates: forecast.map((ref) => parts[ref.part]!.dates[ref.row]!),
      symbolIndex: Int32Array.from(forecast, (ref) => ref.part),
      lastClose: Float64Array.from(forecast, (ref) => closeAt(ref, 0)),
    },
    dropped,
  };
}

/** Row indices in ascending order, from a predicate or an explicit list. */
function resolveRows(
  n: number,
  select: ArrayLike<number> | ((row: number) => boolean),
): Int32Array {
  if (typeof select === "function") {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (select(i)) rows.push(i);
    return Int32Array.from(rows);
  }
  const rows = Int32Array.from(select);
  for (const r of rows) {
    if (r < 0 || r >= n) throw new RangeError(`row ${r} outside the dataset's ${n} rows`);
  }
  return rows;
}

/** A subset of the labelled rows (a fold's train or test part), in the order given. */
export function selectRows(
  data: LabelledRows,
  select: ArrayLike<number> | ((row: number) => boolean),
): LabelledRows {
  const rows = resolveRows(data.n, select);
  const k = data.featureCount;
  const x = new Float32Array(rows.length * k);
  const ret = new Float64Array(rows.length);
  const up = new Uint8Array(rows.length);
  const symbolIndex = new Int32Array(rows.length);
  const dates: string[] = new Array(rows.length);
  rows.forEach((r, i) => {
    x.set(data.x.subarray(r * k, (r + 1) * k), i * k);
    ret[i] = data.ret[r]!;
    up[i] = data.up[r]!;
    symbolIndex[i] = data.symbolIndex[r]!;
    dates[i] = data.dates[r]!;
  });
  return { ...data, n: rows.length, x, ret, up, dates, symbolIndex };
}
