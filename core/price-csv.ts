/**
 * Yahoo's daily price CSV (`Date,Open,High,Low,Close,Adj Close,Volume`), the format of the
 * snapshot, of `--data-dir` folders and of `artifacts/prices/<symbol>.csv`.
 * Lines are split on commas here, not by csv-parse: the format has no quoting, and csv-parse's
 * tokenising alone takes about 3x as long as this whole parse over the snapshot, paid on every
 * forced data-stage run (`npx tsx tests/bench/price-csv.bench.ts` prints both, side by side).
 */
import type { Bar } from "./contracts.js";

export const PRICE_CSV_HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";
const COLUMNS = ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"] as const;

export class PriceCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PriceCsvError";
  }
}

/** A line that is not a usable bar, kept verbatim so validation can quarantine it. */
export interface RejectedLine {
  line: number;
  date: string;
  raw: string;
  reason: "null-row" | "unparseable";
  detail: string;
}

export interface ParsedPriceCsv {
  bars: Bar[];
  /** the raw text of each bar's line, parallel to `bars` */
  rawLines: string[];
  rejected: RejectedLine[];
}

function columnIndexes(headerLine: string, source: string): number[] {
  const header = headerLine.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  const missing = COLUMNS.filter((c) => c !== "Adj Close" && !header.includes(c));
  if (missing.length > 0) {
    throw new PriceCsvError(
      `${source}: not a Yahoo price CSV, missing column(s) ${missing.join(", ")}; ` +
        `expected the header "${PRICE_CSV_HEADER}"`,
    );
  }
  // Adj Close is optional on input (some exports omit it); Close stands in for it.
  return COLUMNS.map((c) =>
    c === "Adj Close" && !header.includes(c) ? header.indexOf("Close") : header.indexOf(c),
  );
}

/**
 * Parses a Yahoo price CSV. A wrong header throws; a bad row never does: it is returned in
 * `rejected` with its reason, so nothing is lost.
 */
export function parsePriceCsv(text: string, source = "price CSV"): ParsedPriceCsv {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerLine = lines[0];
  if (headerLine === undefined || headerLine.trim() === "") {
    throw new PriceCsvError(`${source}: empty file, expected the header "${PRICE_CSV_HEADER}"`);
  }
  const idx = columnIndexes(headerLine, source);
  const bars: Bar[] = [];
  const rawLines: string[] = [];
  const rejected: RejectedLine[] = [];
  const [di, oi, hi, li, ci, ai, vi] = idx as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const valueIdx = [oi, hi, li, ci, ai, vi];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.length === 0 || raw.trim() === "") continue;
    const cells = raw.split(",");
    const date = (cells[di] ?? "").trim();
    if (!isIsoDate(date)) {
      rejected.push({
        line: i + 1,
        date,
        raw,
        reason: "unparseable",
        detail: `bad date "${date}"`,
      });
      continue;
    }
    const open = Number(cells[oi]);
    const high = Number(cells[hi]);
    const low = Number(cells[li]);
    const close = Number(cells[ci]);
    const adjClose = Number(cells[ai]);
    const volume = Number(cells[vi]);
    // Number("") is 0, so empty cells need their own check on this (rare) slow path
    if (
      !(
        Number.isFinite(open) &&
        Number.isFinite(high) &&
        Number.isFinite(low) &&
        Number.isFinite(close) &&
        Number.isFinite(adjClose) &&
        Number.isFinite(volume)
      ) ||
      valueIdx.some((j) => (cells[j] ?? "").trim() === "")
    ) {
      const values = valueIdx.map((j) => (cells[j] ?? "").trim());
      if (values.some((v) => v.toLowerCase() === "null")) {
        rejected.push({
          line: i + 1,
          date,
          raw,
          reason: "null-row",
          detail: "Yahoo sent null prices",
        });
        continue;
      }
      const badAt = values.findIndex((v) => v === "" || !Number.isFinite(Number(v)));
      rejected.push({
        line: i + 1,
        date,
        raw,
        reason: "unparseable",
        detail: `${COLUMNS[badAt + 1]} is "${values[badAt]}", not a number`,
      });
      continue;
    }
    bars.push({ date, open, high, low, close, adjClose, volume });
    rawLines.push(raw);
  }
  return { bars, rawLines, rejected };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD with a real month and day (cheaper than Date.parse on every line). */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text[4] !== "-" || text[7] !== "-") return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1]!) return false;
  return m !== 2 || d < 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

export function barToCsvLine(b: Bar): string {
  return `${b.date},${b.open},${b.high},${b.low},${b.close},${b.adjClose},${b.volume}`;
}

/** Serialises bars in Yahoo's CSV layout; numbers round-trip exactly. */
export function formatPriceCsv(bars: readonly Bar[]): string {
  return [PRICE_CSV_HEADER, ...bars.map(barToCsvLine)].join("\n") + "\n";
}
