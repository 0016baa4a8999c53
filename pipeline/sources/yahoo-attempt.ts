/**
 * One request for one symbol through yahoo-finance2's `chart()`, bounded by a timeout and the
 * run's deadline, with its failure classified for the retry loop.
 *
 * The library is used with `validateResult: false`: its schema requires many `meta` fields
 * Yahoo adds and drops over time, which would fail a run over data we do not read; the fields
 * we do read are checked in yahoo-rows.ts. `chart()` needs no cookie or crumb (only quote,
 * quoteSummary, options and screener fetch one), so the only request is the chart URL.
 */
import YahooFinance from "yahoo-finance2";
import { parseRetryAfterMs } from "./retry-policy.js";
import { chartToDailyRows, type YahooDailyRow } from "./yahoo-rows.js";

export type FailureKind =
  "not-found" | "rate-limited" | "server-error" | "timeout" | "network" | "malformed" | "deadline";

type AttemptOutcome =
  | { ok: true; rows: YahooDailyRow[] }
  | { ok: false; kind: FailureKind; error: string; retryable: boolean; retryAfterMs?: number };

interface AttemptRequest {
  symbol: string;
  range: { from: string; to?: string };
  period1: Date;
  period2: Date;
  fetch: typeof fetch;
  timeoutMs: number;
  deadline: AbortSignal;
}

interface RecordedResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

const SILENT = () => {};
let client: InstanceType<typeof YahooFinance> | undefined;

function yahooClient(): InstanceType<typeof YahooFinance> {
  client ??= new YahooFinance({
    versionCheck: false,
    suppressNotices: ["yahooSurvey"],
    validation: { logErrors: false, logOptionsErrors: true },
    logger: {
      debug: SILENT,
      info: SILENT,
      dir: SILENT,
      // The library declares Node 22 as its minimum and says so on every construction;
      // 3.15 is the last line that runs on our Node 20 and chart() works on it.
      warn: (...args: unknown[]) => {
        if (!String(args[0]).includes("Unsupported environment")) console.warn(...args);
      },
      error: (...args: unknown[]) => console.error(...args),
    },
  });
  return client;
}

/** Rejects as soon as `signal` aborts, even if `promise` never settles (a fetch ignoring it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface ChartEnvelope {
  chart?: { result?: unknown[] | null; error?: { code?: string; description?: string } | null };
}

function classifyResponse(
  response: RecordedResponse,
  range: AttemptRequest["range"],
  libraryError: unknown,
): AttemptOutcome {
  const json = parseJson(response.body) as ChartEnvelope | undefined;
  const yahooError = json?.chart?.error;
  const http = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.status === 404 || yahooError?.code === "Not Found") {
    const why = yahooError?.description ?? "Not Found";
    return { ok: false, kind: "not-found", error: `${why} (${http})`, retryable: false };
  }
  if (response.status === 429) {
    const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
    return {
      ok: false,
      kind: "rate-limited",
      error: `rate limited (${http})`,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (response.status >= 500) {
    return { ok: false, kind: "server-error", error: http, retryable: true };
  }
  if (response.status >= 400) {
    // 400 (bad range), 401/403 (refused): a retry would get the same answer.
    const why = yahooError?.description ?? response.body.slice(0, 200);
    return { ok: false, kind: "server-error", error: `${http}: ${why}`, retryable: false };
  }
  if (json === undefined) {
    const start = JSON.stringify(response.body.slice(0, 80));
    return { ok: false, kind: "malformed", error: `body is not JSON: ${start}`, retryable: false };
  }
  if (yahooError) {
    const why = `${yahooError.code ?? "error"}: ${yahooError.description ?? ""}`;
    return { ok: false, kind: "malformed", error: `Yahoo answered ${why}`, retryable: false };
  }
  const first = json.chart?.result?.[0];
  const rows = first === undefined ? undefined : chartToDailyRows(first, range);
  const error =
    first === undefined
      ? "chart.result[0] is missing"
      : rows?.ok === false
        ? rows.error
        : errorText(libraryError);
  return { ok: false, kind: "malformed", error, retryable: false };
}

/** One HTTP attempt; never throws. */
export async function attemptChart(request: AttemptRequest): Promise<AttemptOutcome> {
  const { symbol, range, timeoutMs, deadline } = request;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onDeadline = () => controller.abort(deadline.reason);
  deadline.addEventListener("abort", onDeadline, { once: true });
  if (deadline.aborted) onDeadline();

  let recorded: RecordedResponse | undefined;
  let fetchFailed = false;
  // Reads the whole body under the attempt's signal (a stalled body also times out) and keeps
  // status, headers and text for classification; the library gets an identical Response.
  const recordingFetch: typeof fetch = async (input, init) => {
    let response: Response;
    let body: string;
    try {
      response = await request.fetch(input, { ...init, signal: controller.signal });
      body = await response.text();
    } catch (error) {
      fetchFailed = true;
      throw error;
    }
    const url = input instanceof Request ? input.url : String(input);
    const { status, statusText, headers } = response;
    if (url.includes("/v8/finance/chart/")) recorded = { status, statusText, headers, body };
    const nullBody = status === 204 || status === 205 || status === 304;
    return new Response(nullBody ? null : body, { status, statusText, headers });
  };

  try {
    const chart = await untilAborted(
      yahooClient().chart(
        symbol,
        { period1: request.period1, period2: request.period2, interval: "1d", return: "object" },
        {
          fetch: recordingFetch,
          validateResult: false,
          // The library queues requests process-wide (4 at a time by default). Our pool in
          // yahoo-chart.ts is the limit; a second queue would only let the attempt's timeout
          // run while it waits.
          queue: { concurrency: Number.POSITIVE_INFINITY },
        },
      ),
      controller.signal,
    );
    const rows = chartToDailyRows(chart, range);
    return rows.ok
      ? { ok: true, rows: rows.rows }
      : { ok: false, kind: "malformed", error: rows.error, retryable: false };
  } catch (error) {
    if (deadline.aborted) {
      return { ok: false, kind: "deadline", error: "deadline passed", retryable: false };
    }
    if (timedOut) {
      return {
        ok: false,
        kind: "timeout",
        error: `no answer within ${timeoutMs} ms`,
        retryable: true,
      };
    }
    if (recorded) return classifyResponse(recorded, range, error);
    if (fetchFailed) {
      return { ok: false, kind: "network", error: errorText(error), retryable: true };
    }
    // The library refused before any request (e.g. its option checks): retrying cannot help.
    const refused = `yahoo-finance2: ${errorText(error)}`;
    return { ok: false, kind: "malformed", error: refused, retryable: false };
  } finally {
    clearTimeout(timer);
    deadline.removeEventListener("abort", onDeadline);
  }
}
