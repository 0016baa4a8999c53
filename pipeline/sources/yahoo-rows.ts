/**
 * Yahoo's v8 chart result (`chart.result[0]`) as daily rows dated in the exchange's own
 * timezone. Null prices are kept: validation quarantines them, as with Yahoo's web download.
 */
import { z } from "zod";

export interface YahooDailyRow {
  /** YYYY-MM-DD, the trading date at the exchange (not the UTC date of the timestamp) */
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adjClose: number | null;
  volume: number | null;
}

const values = z.array(z.number().nullable());

const chartSchema = z.object({
  meta: z.object({
    symbol: z.string().optional(),
    gmtoffset: z.number().optional(),
    exchangeTimezoneName: z.string().optional(),
  }),
  timestamp: z.array(z.number()).optional(),
  indicators: z.object({
    quote: z.array(
      z.object({ open: values, high: values, low: values, close: values, volume: values }),
    ),
    adjclose: z.array(z.object({ adjclose: values.optional() })).optional(),
  }),
});

type ChartRowsResult = { ok: true; rows: YahooDailyRow[] } | { ok: false; error: string };

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = ["chart.result[0]", ...issue.path.map(String)].join(".");
  return /received undefined/.test(issue.message)
    ? `${path} is missing`
    : `${path}: ${issue.message}`;
}

/** Formats a unix time as the calendar date in a timezone, or at a fixed UTC offset. */
export function exchangeDateFormatter(
  timezoneName: string | undefined,
  gmtoffsetSeconds: number | undefined,
): ((unixSeconds: number) => string) | undefined {
  if (timezoneName) {
    try {
      // en-CA formats as YYYY-MM-DD; the IANA zone also gets historical DST right.
      const format = new Intl.DateTimeFormat("en-CA", {
        timeZone: timezoneName,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      });
      return (t) => format.format(new Date(t * 1000));
    } catch {
      // an unknown zone name: fall through to the numeric offset
    }
  }
  if (gmtoffsetSeconds === undefined) return undefined;
  return (t) => new Date((t + gmtoffsetSeconds) * 1000).toISOString().slice(0, 10);
}

/**
 * Rows of `chart` whose exchange-local date is within [from, to] (inclusive; `to` open-ended
 * when absent). A result without `timestamp` and with an empty quote is Yahoo's answer for a
 * range without trading days, so it is zero rows; without `timestamp` but with quotes it is
 * malformed. When the range includes today and the market is open, the last row is the live,
 * still-changing bar; Yahoo revises it later, which `mergeRawCsv` allows for.
 */
export function chartToDailyRows(
  chart: unknown,
  range: { from: string; to?: string },
): ChartRowsResult {
  const parsed = chartSchema.safeParse(chart);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.slice(0, 3).map(describeIssue).join("; ") };
  }
  const { meta, timestamp, indicators } = parsed.data;
  const quote = indicators.quote[0];
  if (timestamp === undefined) {
    if (quote === undefined || quote.close.length === 0) return { ok: true, rows: [] };
    return {
      ok: false,
      error: `chart.result[0].timestamp is missing but the quote has ${quote.close.length} value(s)`,
    };
  }
  if (quote === undefined) {
    return { ok: false, error: "chart.result[0].indicators.quote[0] is missing" };
  }
  // Close stands in for a missing adjclose indicator, as in core/price-csv.
  const adjclose = indicators.adjclose?.[0]?.adjclose ?? quote.close;
  const series = { ...quote, adjclose };
  for (const [name, column] of Object.entries(series)) {
    if (column.length !== timestamp.length) {
      return {
        ok: false,
        error: `chart.result[0] has ${timestamp.length} timestamps but ${column.length} ${name} values`,
      };
    }
  }
  const toDate = exchangeDateFormatter(meta.exchangeTimezoneName, meta.gmtoffset);
  if (!toDate) {
    return {
      ok: false,
      error: "chart.result[0].meta has neither exchangeTimezoneName nor gmtoffset",
    };
  }

  const rows: YahooDailyRow[] = [];
  timestamp.forEach((t, i) => {
    const date = toDate(t);
    if (date < range.from || (range.to !== undefined && date > range.to)) return;
    const row: YahooDailyRow = {
      date,
      open: quote.open[i] ?? null,
      high: quote.high[i] ?? null,
      low: quote.low[i] ?? null,
      close: quote.close[i] ?? null,
      adjClose: adjclose[i] ?? null,
      volume: quote.volume[i] ?? null,
    };
    // Yahoo sometimes sends the live bar twice (at the session open and at the last trade):
    // the later one is the current one.
    if (rows.at(-1)?.date === date) rows[rows.length - 1] = row;
    else rows.push(row);
  });
  return { ok: true, rows };
}
