/**
 * Numbers and dates as an Indian reader expects them: en-IN digit grouping (1,23,456.78),
 * index points with two decimals, percentages with an explicit sign where they are moves.
 * Pure functions: no DOM, so they run in the browser, in the loaders and in unit tests alike.
 */
export const LOCALE = "en-IN";

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, options);
    cache.set(key, f);
  }
  return f;
}

const DASH = "–";
const MINUS = "−";

/** Replaces the hyphen-minus of a negative number with a real minus sign. */
const withMinus = (text: string) => text.replace(/^-/, MINUS);

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Index points or prices: 64,718.56 */
export function formatPoints(x: number | null | undefined, digits = 2): string {
  if (!finite(x)) return DASH;
  return withMinus(
    numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x),
  );
}

/** A move in points with its sign: +66.99, −412.30 */
export function formatSignedPoints(x: number | null | undefined, digits = 2): string {
  if (!finite(x)) return DASH;
  const text = formatPoints(Math.abs(x), digits);
  return `${x > 0 ? "+" : x < 0 ? MINUS : ""}${text}`;
}

/** A fraction as a percentage: 0.0123 -> 1.23% (signed: +1.23%) */
export function formatPercent(
  fraction: number | null | undefined,
  digits = 2,
  signed = false,
): string {
  if (!finite(fraction)) return DASH;
  const pct = fraction * 100;
  const body = numberFormat({
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Math.abs(pct));
  const rounded = Number(Math.abs(pct).toFixed(digits));
  const sign = rounded === 0 ? "" : pct < 0 ? MINUS : signed ? "+" : "";
  return `${sign}${body}%`;
}

/** A probability: 0.5135 -> 51.4% */
export function formatProbability(p: number | null | undefined, digits = 1): string {
  return formatPercent(p, digits);
}

/** A count with en-IN grouping: 156013 -> 1,56,013 */
export function formatCount(x: number | null | undefined): string {
  if (!finite(x)) return DASH;
  return withMinus(numberFormat({ maximumFractionDigits: 0 }).format(x));
}

/** A plain number with a few decimals (statistics, p-values): 0.527 */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  return withMinus(
    numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x),
  );
}

/** A p-value: 0.527, 0.004, < 0.001 */
export function formatPValue(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  return p < 0.001 ? "< 0.001" : formatNumber(p, 3);
}

const dateFormat = new Intl.DateTimeFormat(LOCALE, {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** 2023-06-30 -> 30 Jun 2023 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** An ISO timestamp as its UTC date and minute: 2026-11-24 13:02 UTC */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A duration: 850 ms, 12.3 s, 2 min 5 s */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
