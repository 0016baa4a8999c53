/**
 * Fetched rows as the raw price CSV (Yahoo's web-download layout, `null` for missing values)
 * and the incremental merge of a fetch into what is already stored.
 */
import { PRICE_CSV_HEADER } from "../../core/price-csv.js";
import type { YahooDailyRow } from "./yahoo-rows.js";

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2}),/;

function cell(value: number | null): string {
  return value === null ? "null" : String(value);
}

function rowToLine(r: YahooDailyRow): string {
  const values = [r.open, r.high, r.low, r.close, r.adjClose, r.volume];
  return [r.date, ...values.map(cell)].join(",");
}

function hasNullPrice(r: YahooDailyRow): boolean {
  return [r.open, r.high, r.low, r.close, r.adjClose].some((v) => v === null);
}

/** One row per date (a later row for the same date wins), in date order. */
function byDate(rows: readonly YahooDailyRow[]): YahooDailyRow[] {
  const map = new Map<string, YahooDailyRow>();
  for (const r of rows) map.set(r.date, r);
  return [...map.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** `Date,Open,High,Low,Close,Adj Close,Volume`, nulls as `null`, numbers as JS prints them. */
export function rowsToRawCsv(rows: readonly YahooDailyRow[]): string {
  return [PRICE_CSV_HEADER, ...rows.map(rowToLine)].join("\n") + "\n";
}

/**
 * Adds a fetch to the stored CSV. Stored lines are kept verbatim (blank lines dropped) and
 * fetched rows dated after the last stored date are appended in date order, so no date is ever
 * written twice. One exception, by choice: a fetched row for the last stored date replaces that
 * line, because Yahoo revises the most recent bar (a bar fetched while the market was open is
 * partial) — unless the fetched row has null prices, which would only lose a good stored row.
 * Fetched rows for earlier dates are ignored: history is not rewritten by an ingest.
 */
export function mergeRawCsv(stored: string | null, fetched: readonly YahooDailyRow[]): string {
  const rows = byDate(fetched);
  const lines = (stored ?? "").split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return rowsToRawCsv(rows);

  const [header, ...storedRows] = lines as [string, ...string[]];
  let lastDate: string | undefined;
  let lastIndex = -1;
  storedRows.forEach((line, i) => {
    const date = DATE_PREFIX.exec(line)?.[1];
    if (date !== undefined && (lastDate === undefined || date >= lastDate)) {
      lastDate = date;
      lastIndex = i;
    }
  });

  const revision = rows.find((r) => r.date === lastDate);
  if (revision && !hasNullPrice(revision)) storedRows[lastIndex] = rowToLine(revision);
  const appended = rows.filter((r) => lastDate === undefined || r.date > lastDate);
  return [header, ...storedRows, ...appended.map(rowToLine)].join("\n") + "\n";
}
