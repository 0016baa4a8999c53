/**
 * A fake Yahoo on 127.0.0.1 for the live-source tests: v8 chart answers built from the real
 * snapshot CSVs, in the shape of the recorded responses in tests/fixtures/yahoo-chart, plus
 * a fault plan per symbol. `fake.fetch` sends every URL (any Yahoo host) to this server, so
 * nothing leaves the machine.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";

export type Fault =
  /** 429 for the first `times` requests, then normal answers */
  | { type: "rate-limit"; times: number; retryAfterSeconds?: number }
  /** 500 for the first `times` requests, or always */
  | { type: "server-error"; times: number | "always" }
  /** accepts the request and never answers */
  | { type: "hang" }
  | { type: "malformed-json" }
  | { type: "missing-timestamp" }
  | { type: "missing-indicators" }
  /** Yahoo's null bars: every value null on these dates */
  | { type: "null-prices"; dates: string[] };

interface FakeYahooOptions {
  /** folder of `<SYM>.csv` files; `^BSESN` is `BSESN.csv` */
  pricesDir: string;
  faults?: Record<string, Fault>;
  /** delay before each chart answer, so overlapping requests can be counted */
  latencyMs?: number;
}

export interface ChartRequestRecord {
  symbol: string;
  period1: number;
  period2: number;
}

export interface FakeYahoo {
  origin: string;
  /** a fetch that rewrites any URL's origin to this server */
  fetch: typeof fetch;
  chartRequests: ChartRequestRecord[];
  /** every non-chart request (cookie page, getcrumb, anything else) */
  otherRequests: string[];
  /** the most chart requests that were open at the same time */
  readonly maxInFlight: number;
  requestsFor(symbol: string): number;
  close(): Promise<void>;
}

// Captured at load, so a test may stub globalThis.fetch to prove nothing else goes out.
const realFetch = globalThis.fetch;

const IST_OFFSET_S = 19_800;
const SESSION_OPEN_S = 9 * 3600 + 15 * 60;
const barsCache = new Map<string, Bar[]>();

/** 09:15 IST on `date`, as Yahoo stamps an Indian daily bar. */
function istOpenTimestamp(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000 + SESSION_OPEN_S - IST_OFFSET_S;
}

export function csvFileFor(pricesDir: string, symbol: string): string {
  return join(pricesDir, `${symbol.replace(/^\^/, "")}.csv`);
}

export function snapshotBars(pricesDir: string, symbol: string): Bar[] | undefined {
  const file = csvFileFor(pricesDir, symbol);
  if (!barsCache.has(file)) {
    if (!existsSync(file)) return undefined;
    barsCache.set(file, parsePriceCsv(readFileSync(file, "utf8"), file).bars);
  }
  return barsCache.get(file);
}

function chartBody(symbol: string, all: Bar[], period1: number, period2: number, fault?: Fault) {
  const bars = all.filter((b) => {
    const t = istOpenTimestamp(b.date);
    return t >= period1 && t < period2;
  });
  const nullDates = new Set(fault?.type === "null-prices" ? fault.dates : []);
  const value = (b: Bar, v: number) => (nullDates.has(b.date) ? null : v);
  const last = all.at(-1);
  const meta = {
    currency: "INR",
    symbol,
    exchangeName: symbol.startsWith("^") ? "BSE" : "NSI",
    fullExchangeName: symbol.startsWith("^") ? "BSE" : "NSE",
    instrumentType: symbol.startsWith("^") ? "INDEX" : "EQUITY",
    firstTradeDate: all[0] ? istOpenTimestamp(all[0].date) : 0,
    regularMarketTime: last ? istOpenTimestamp(last.date) + 6 * 3600 : 0,
    hasPrePostMarketData: false,
    gmtoffset: IST_OFFSET_S,
    timezone: "IST",
    exchangeTimezoneName: "Asia/Kolkata",
    regularMarketPrice: last?.close ?? 0,
    priceHint: 2,
    dataGranularity: "1d",
    range: "",
    validRanges: ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
  };
  const result: Record<string, unknown> =
    bars.length === 0
      ? // Yahoo's answer for a range without trading days
        { meta, indicators: { quote: [{}], adjclose: [{}] } }
      : {
          meta,
          timestamp: bars.map((b) => istOpenTimestamp(b.date)),
          indicators: {
            quote: [
              {
                open: bars.map((b) => value(b, b.open)),
                high: bars.map((b) => value(b, b.high)),
                low: bars.map((b) => value(b, b.low)),
                close: bars.map((b) => value(b, b.close)),
                volume: bars.map((b) => value(b, b.volume)),
              },
            ],
            adjclose: [{ adjclose: bars.map((b) => value(b, b.adjClose)) }],
          },
        };
  if (fault?.type === "missing-timestamp") delete result.timestamp;
  if (fault?.type === "missing-indicators") delete result.indicators;
  return { chart: { result: [result], error: null } };
}

const NOT_FOUND_BODY = JSON.stringify({
  chart: {
    result: null,
    error: { code: "Not Found", description: "No data found, symbol may be delisted" },
  },
});

function send(res: ServerResponse, status: number, body: string, headers = {}) {
  const type = body.startsWith("{") ? "application/json;charset=utf-8" : "text/plain";
  res.writeHead(status, { "content-type": type, ...headers });
  res.end(body);
}

export async function startFakeYahoo(options: FakeYahooOptions): Promise<FakeYahoo> {
  const faults = options.faults ?? {};
  const chartRequests: ChartRequestRecord[] = [];
  const otherRequests: string[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  function answerChart(symbol: string, url: URL, res: ServerResponse) {
    const n = (counts.get(symbol) ?? 0) + 1;
    counts.set(symbol, n);
    const fault = faults[symbol];
    if (fault?.type === "hang") return; // the client's abort closes the socket
    if (fault?.type === "rate-limit" && n <= fault.times) {
      const retryAfter = fault.retryAfterSeconds;
      return send(res, 429, "Too Many Requests\r\n", {
        ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
      });
    }
    if (fault?.type === "server-error" && (fault.times === "always" || n <= fault.times)) {
      const error = { code: "Internal Server Error", description: "upstream timed out" };
      return send(res, 500, JSON.stringify({ chart: { result: null, error } }));
    }
    if (fault?.type === "malformed-json") return send(res, 200, '{"chart":{"result":[{"meta":');
    const bars = snapshotBars(options.pricesDir, symbol);
    if (!bars) return send(res, 404, NOT_FOUND_BODY);
    const period1 = Number(url.searchParams.get("period1"));
    const period2 = Number(url.searchParams.get("period2"));
    send(res, 200, JSON.stringify(chartBody(symbol, bars, period1, period2, fault)));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const chart = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!chart) {
      otherRequests.push(url.pathname);
      // The cookie/crumb flow yahoo-finance2 uses for quote() & co.: served, in case it asks.
      if (url.pathname.startsWith("/quote/")) {
        const cookie = "A3=fake-cookie; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure";
        return send(res, 200, "<html></html>", { "set-cookie": cookie });
      }
      if (url.pathname === "/v1/test/getcrumb") return send(res, 200, "fake-crumb");
      return send(res, 404, "no such page on the fake Yahoo");
    }
    const symbol = decodeURIComponent(chart[1]!);
    chartRequests.push({
      symbol,
      period1: Number(url.searchParams.get("period1")),
      period2: Number(url.searchParams.get("period2")),
    });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const latency = options.latencyMs ?? 0;
    if (latency > 0) setTimeout(() => answerChart(symbol, url, res), latency);
    else answerChart(symbol, url, res);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const fakeFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return realFetch(new URL(url.pathname + url.search, origin), init);
  };

  return {
    origin,
    fetch: fakeFetch,
    chartRequests,
    otherRequests,
    get maxInFlight() {
      return maxInFlight;
    },
    requestsFor: (symbol) => counts.get(symbol) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
