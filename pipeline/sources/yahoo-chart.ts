/**
 * The live price source for `ingest --source yahoo`: daily bars from Yahoo's v8 chart API via
 * yahoo-finance2, retried with backoff, a few symbols at a time, under one overall deadline.
 * Every symbol gets a result; nothing here throws.
 */
import { setTimeout as delay } from "node:timers/promises";
import { backoffDelayMs } from "./retry-policy.js";
import { attemptChart, type FailureKind } from "./yahoo-attempt.js";
import type { YahooDailyRow } from "./yahoo-rows.js";

export type { YahooDailyRow } from "./yahoo-rows.js";
export { mergeRawCsv, rowsToRawCsv } from "./yahoo-raw-csv.js";

export interface YahooFetchOptions {
  /** injected (tests); default global fetch */
  fetch?: typeof fetch;
  /** per request, body included */
  timeoutMs: number;
  /** extra attempts on 429, 5xx, network errors, timeouts */
  retries: number;
  /** exponential backoff base, with jitter; a 429's Retry-After is honoured instead (capped) */
  backoffBaseMs: number;
  /** symbols in flight at once */
  concurrency: number;
  /** total deadline; symbols not done by then are reported as failed (deadline) */
  deadlineMs: number;
  /** jitter source, [0, 1) */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type SymbolFetchResult =
  | { symbol: string; ok: true; bars: YahooDailyRow[]; attempts: number }
  | { symbol: string; ok: false; error: string; kind: FailureKind; attempts: number };

interface DailyBarsRequest {
  symbol: string;
  /** first exchange-local date wanted, inclusive */
  from: string;
  /** last exchange-local date wanted, inclusive; default: up to now */
  to?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/**
 * The request window, a day wider than the range on each side: a daily bar is stamped at the
 * session open (or local midnight) at the exchange, which east of UTC can fall on the previous
 * UTC day. Rows are cut back to the range by their exchange-local date.
 */
function requestWindow(range: { from: string; to?: string }, now: number) {
  const period1 = Date.parse(`${range.from}T00:00:00Z`) - DAY_MS;
  const period2 = range.to === undefined ? now : Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY_MS;
  return period1 < period2 ? { period1: new Date(period1), period2: new Date(period2) } : undefined;
}

function failure(
  symbol: string,
  kind: FailureKind,
  error: string,
  attempts: number,
): SymbolFetchResult {
  return { symbol, ok: false, kind, error, attempts };
}

function deadlineFailure(symbol: string, attempts: number, deadlineMs: number) {
  const tried = attempts === 0 ? "before it was tried" : `after ${attempts} attempt(s)`;
  return failure(symbol, "deadline", `the ${deadlineMs} ms deadline passed ${tried}`, attempts);
}

/** Waits `ms`, or less if the deadline passes first. */
async function pause(ms: number, options: YahooFetchOptions, deadline: AbortSignal) {
  if (!options.sleep) {
    await delay(ms, undefined, { signal: deadline }).catch(() => {});
    return;
  }
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (deadline.aborted) resolve();
    deadline.addEventListener("abort", onAbort, { once: true });
  });
  await Promise.race([options.sleep(ms), aborted]);
  deadline.removeEventListener("abort", onAbort);
}

async function fetchWithRetries(
  request: DailyBarsRequest,
  options: YahooFetchOptions,
  deadline: AbortSignal,
): Promise<SymbolFetchResult> {
  const { symbol, from, to } = request;
  const range = to === undefined ? { from } : { from, to };
  const badDate = [from, to].find((d) => d !== undefined && !isIsoDate(d));
  if (badDate !== undefined) {
    return failure(symbol, "malformed", `bad range date "${badDate}", expected YYYY-MM-DD`, 0);
  }
  const window = requestWindow(range, Date.now());
  if (!window) return { symbol, ok: true, bars: [], attempts: 0 }; // nothing can exist yet

  const maxAttempts = Math.max(0, Math.floor(options.retries)) + 1;
  for (let attempt = 1; ; attempt++) {
    if (deadline.aborted) return deadlineFailure(symbol, attempt - 1, options.deadlineMs);
    const outcome = await attemptChart({
      symbol,
      range,
      ...window,
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs,
      deadline,
    });
    if (outcome.ok) return { symbol, ok: true, bars: outcome.rows, attempts: attempt };
    if (outcome.kind === "deadline") return deadlineFailure(symbol, attempt, options.deadlineMs);
    if (!outcome.retryable || attempt >= maxAttempts) {
      const tries = attempt > 1 ? ` (gave up after ${attempt} attempts)` : "";
      return failure(symbol, outcome.kind, `${outcome.error}${tries}`, attempt);
    }
    const wait =
      outcome.retryAfterMs ?? backoffDelayMs(attempt, options.backoffBaseMs, options.random);
    await pause(wait, options, deadline);
  }
}

function startDeadline(ms: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`deadline of ${ms} ms`)), ms);
  return { signal: controller.signal, stop: () => clearTimeout(timer) };
}

function unexpected(symbol: string, error: unknown): SymbolFetchResult {
  const message = error instanceof Error ? error.message : String(error);
  return failure(symbol, "network", `unexpected error: ${message}`, 0);
}

/** Daily bars of one symbol; `options.deadlineMs` bounds the whole call. */
export async function fetchDailyBars(
  symbol: string,
  range: { from: string; to?: string },
  options: YahooFetchOptions,
): Promise<SymbolFetchResult> {
  const deadline = startDeadline(options.deadlineMs);
  try {
    return await fetchWithRetries({ symbol, ...range }, options, deadline.signal);
  } catch (error) {
    return unexpected(symbol, error); // only an injected sleep/random can throw
  } finally {
    deadline.stop();
  }
}

/**
 * Daily bars of many symbols, `options.concurrency` at a time. Results are in request order;
 * `onDone` sees each as it finishes. Symbols not finished by the deadline fail with "deadline".
 */
export async function fetchDailyBarsMany(
  requests: DailyBarsRequest[],
  options: YahooFetchOptions,
  onDone?: (r: SymbolFetchResult) => void,
): Promise<SymbolFetchResult[]> {
  const deadline = startDeadline(options.deadlineMs);
  const results: (SymbolFetchResult | undefined)[] = requests.map(() => undefined);
  const finish = (i: number, result: SymbolFetchResult) => {
    results[i] = result;
    try {
      onDone?.(result);
    } catch {
      // a failing progress callback must not cost the results
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < requests.length && !deadline.signal.aborted) {
      const i = next++;
      const request = requests[i]!;
      let result: SymbolFetchResult;
      try {
        result = await fetchWithRetries(request, options, deadline.signal);
      } catch (error) {
        result = unexpected(request.symbol, error);
      }
      finish(i, result);
    }
  };
  const workers = Math.min(requests.length, Math.max(1, Math.floor(options.concurrency)));
  await Promise.all(Array.from({ length: workers }, worker));
  deadline.stop();

  requests.forEach((request, i) => {
    if (!results[i]) finish(i, deadlineFailure(request.symbol, 0, options.deadlineMs));
  });
  return results as SymbolFetchResult[];
}
