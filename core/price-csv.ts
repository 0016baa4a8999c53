/**
 * Yahoo's daily price CSV (`Date,Open,High,Low,Close,Adj Close,Volume`), the format of the
 * snapshot, of `--data-dir` folders and of `artifacts/prices/<symbol>.csv`.
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
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (raw.trim() === "") continue;
    const cells = raw.split(",").map((c) => c.trim());
    const date = cells[idx[0]!] ?? "";
    const values = idx.slice(1).map((j) => cells[j] ?? "");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      rejected.push({
        line: i + 1,
        date,
        raw,
        reason: "unparseable",
        detail: `bad date "${date}"`,
      });
      continue;
    }
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
    const numbers = values.map((v) => (v === "" ? Number.NaN : Number(v)));
    const badAt = numbers.findIndex((n) => !Number.isFinite(n));
    if (badAt >= 0) {
      rejected.push({
        line: i + 1,
        date,
        raw,
        reason: "unparseable",
        detail: `${COLUMNS[badAt + 1]} is "${values[badAt]}", not a number`,
      });
      continue;
    }
    const [open, high, low, close, adjClose, volume] = numbers as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    bars.push({ date, open, high, low, close, adjClose, volume });
    rawLines.push(raw);
  }
  return { bars, rawLines, rejected };
}

export function barToCsvLine(b: Bar): string {
  return `${b.date},${b.open},${b.high},${b.low},${b.close},${b.adjClose},${b.volume}`;
}

/** Serialises bars in Yahoo's CSV layout; numbers round-trip exactly. */
export function formatPriceCsv(bars: readonly Bar[]): string {
  return [PRICE_CSV_HEADER, ...bars.map(barToCsvLine)].join("\n") + "\n";
}
