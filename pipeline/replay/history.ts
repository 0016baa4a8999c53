/**
 * Price history as it was known on a past day: the raw rows of a symbol cut at a date, and the
 * validation of exactly those rows, as the scheduled run would have seen them that evening (a
 * spike on the last day is not yet known to revert, a short frozen run is not yet stale).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Bar, SymbolInfo } from "../../core/contracts.js";
import { parsePriceCsv, type ParsedPriceCsv } from "../../core/price-csv.js";
import { validateBars, type ValidateOptions } from "../quality/rules.js";
import { symbolFileName } from "../../core/artifact-layout.js";
import { UsageError } from "../universe.js";

export interface SymbolHistory {
  info: SymbolInfo;
  /** every row of the source file, parsed once */
  parsed: ParsedPriceCsv;
}

/** Reads and parses each symbol's Yahoo CSV from `dir`; a missing file is a usage error. */
export async function loadHistories(
  dir: string,
  symbols: readonly SymbolInfo[],
): Promise<SymbolHistory[]> {
  const out: SymbolHistory[] = [];
  for (const info of symbols) {
    const file = join(dir, symbolFileName(info.symbol));
    if (!existsSync(file)) {
      throw new UsageError(`no price file for ${info.symbol}: expected ${file}`);
    }
    out.push({ info, parsed: parsePriceCsv(await readFile(file, "utf8"), file) });
  }
  return out;
}

const isIsoDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);

/**
 * The rows with a date up to `date`, as a CSV cut there would parse. Rejected lines keep their
 * place only when their date is known to be on or before the cut (a line with an unreadable
 * date is kept, as `ingest --to` keeps it); they never become bars either way.
 */
function cutParsed(parsed: ParsedPriceCsv, date: string): ParsedPriceCsv {
  const bars: Bar[] = [];
  const rawLines: string[] = [];
  parsed.bars.forEach((bar, i) => {
    if (bar.date <= date) {
      bars.push(bar);
      rawLines.push(parsed.rawLines[i]!);
    }
  });
  const rejected = parsed.rejected.filter((r) => !isIsoDate(r.date) || r.date <= date);
  return { bars, rawLines, rejected };
}

/** The kept bars of `validateBars` on the raw rows dated up to `date`. */
export function validatedUpTo(
  history: SymbolHistory,
  date: string,
  options: ValidateOptions,
): Bar[] {
  return validateBars(history.info.symbol, cutParsed(history.parsed, date), options).kept;
}

/** Index of the first element of ascending `dates` that is greater than `date`. */
export function upperBound(dates: ArrayLike<string>, date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the bar dated `date` in date-ascending `bars`, or -1. */
export function indexOfBar(bars: readonly Bar[], date: string): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo < bars.length && bars[lo]!.date === date ? lo : -1;
}

/** The sorted, distinct dates of the parsed bars. */
export function barDates(parsed: ParsedPriceCsv): string[] {
  return [...new Set(parsed.bars.map((b) => b.date))].sort();
}
