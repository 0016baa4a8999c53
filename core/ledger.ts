/**
 * The forecast ledger (`artifacts/forecasts/ledger.csv`): every published forecast, one row
 * per symbol and data end, appended and never rewritten; the realised columns are filled
 * in once the target day has closed.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { ledgerRowSchema, type LedgerRow } from "./contracts.js";
import { ArtifactError, writeFileAtomic } from "./store.js";

const LEDGER_COLUMNS = [
  "publishedAt",
  "modelVersion",
  "symbol",
  "dataEnd",
  "targetDate",
  "direction",
  "probabilityUp",
  "expectedReturn",
  "lower80",
  "upper80",
  "lower95",
  "upper95",
  "realisedDate",
  "realisedReturn",
  "hit",
] as const satisfies readonly (keyof LedgerRow)[];

const NUMERIC = new Set([
  "modelVersion",
  "probabilityUp",
  "expectedReturn",
  "lower80",
  "upper80",
  "lower95",
  "upper95",
  "realisedReturn",
]);

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatLedger(rows: readonly LedgerRow[]): string {
  const lines = [LEDGER_COLUMNS.join(",")];
  for (const row of rows) lines.push(LEDGER_COLUMNS.map((c) => cell(row[c])).join(","));
  return lines.join("\n") + "\n";
}

export function parseLedger(text: string, source = "ledger.csv"): LedgerRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return records.map((r, i) => {
    const typed: Record<string, unknown> = {};
    for (const c of LEDGER_COLUMNS) {
      const v = r[c] ?? "";
      if (v === "") typed[c] = null;
      else if (c === "hit") typed[c] = v === "true";
      else if (NUMERIC.has(c)) typed[c] = Number(v);
      else typed[c] = v;
    }
    const parsed = ledgerRowSchema.safeParse(typed);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ArtifactError(
        `${source} row ${i + 2}: ${issue?.path.join(".")}: ${issue?.message}`,
      );
    }
    return parsed.data;
  });
}

export async function readLedger(path: string): Promise<LedgerRow[]> {
  if (!existsSync(path)) return [];
  return parseLedger(await readFile(path, "utf8"), path);
}

export async function writeLedger(path: string, rows: readonly LedgerRow[]): Promise<void> {
  await writeFileAtomic(path, formatLedger(rows));
}

const key = (r: Pick<LedgerRow, "symbol" | "dataEnd">) => `${r.symbol}@${r.dataEnd}`;

/** Appends forecasts not yet published for their symbol and data end; earlier rows stay as they are. */
export function appendForecasts(
  ledger: readonly LedgerRow[],
  fresh: readonly LedgerRow[],
): { rows: LedgerRow[]; appended: number } {
  const seen = new Set(ledger.map(key));
  const rows = [...ledger];
  for (const f of fresh) {
    if (seen.has(key(f))) continue;
    seen.add(key(f));
    rows.push(f);
  }
  return { rows, appended: rows.length - ledger.length };
}

export interface CloseSeries {
  dates: readonly string[];
  close: ArrayLike<number>;
}

/** Fills the realised outcome of rows whose next session has closed; touches nothing else. */
export function fillOutcomes(
  ledger: readonly LedgerRow[],
  closes: ReadonlyMap<string, CloseSeries>,
): { rows: LedgerRow[]; filled: number } {
  let filled = 0;
  const rows = ledger.map((row) => {
    if (row.realisedReturn !== null) return row;
    const series = closes.get(row.symbol);
    if (!series) return row;
    const at = series.dates.indexOf(row.dataEnd);
    if (at < 0 || at + 1 >= series.dates.length) return row;
    const realisedReturn = Math.log(series.close[at + 1]! / series.close[at]!);
    filled++;
    return {
      ...row,
      realisedDate: series.dates[at + 1]!,
      realisedReturn,
      hit: (row.direction === "up") === realisedReturn > 0,
    };
  });
  return { rows, filled };
}
