/**
 * The two real recorded Yahoo v8 chart responses replayed through yahoo-finance2 via the
 * injected fetch: what the library hands back must come out as the exact rows Yahoo sent,
 * dated at the exchange.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fetchDailyBars, type YahooFetchOptions } from "../../pipeline/sources/yahoo-chart.js";

interface Quote {
  open: (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
  volume: (number | null)[];
}
interface ChartResult {
  meta: Record<string, unknown>;
  timestamp: number[];
  events?: { splits?: Record<string, { date: number; splitRatio: string }> };
  indicators: { quote: [Quote]; adjclose: [{ adjclose: (number | null)[] }] };
}
interface RecordedExchange {
  request: { url: string };
  response: {
    status: number;
    statusText: string;
    headers: Record<string, string>;
    bodyJson: { chart: { result: [ChartResult]; error: null } };
  };
}

function loadFixture(name: string): RecordedExchange {
  const file = new URL(`../fixtures/yahoo-chart/${name}`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")) as RecordedExchange;
}

/** Answers the recorded chart URL's path with the recorded response; anything else fails. */
function replay(exchange: RecordedExchange, edit?: (result: ChartResult) => void) {
  const body = structuredClone(exchange.response.bodyJson);
  edit?.(body.chart.result[0]);
  const urls: URL[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url);
    if (url.pathname !== new URL(exchange.request.url).pathname) {
      throw new Error(`unexpected request to ${url.href}`);
    }
    const { "content-length": _length, ...headers } = exchange.response.headers;
    const { status, statusText } = exchange.response;
    return new Response(JSON.stringify(body), { status, statusText, headers });
  };
  return { fetch, urls, result: body.chart.result[0] };
}

function options(fetch: typeof globalThis.fetch): YahooFetchOptions {
  return { fetch, timeoutMs: 2000, retries: 0, backoffBaseMs: 1, concurrency: 1, deadlineMs: 5000 };
}

/** The rows as Yahoo's arrays hold them, with the dates given. */
function expectedRows(result: ChartResult, dates: string[]) {
  const q = result.indicators.quote[0];
  const adj = result.indicators.adjclose[0].adjclose;
  return dates.map((date, i) => ({
    date,
    open: q.open[i],
    high: q.high[i],
    low: q.low[i],
    close: q.close[i],
    adjClose: adj[i],
    volume: q.volume[i],
  }));
}

const AAPL = loadFixture("chart-AAPL-2020-08-31-to-2020-11-07.json");
const WSKT = loadFixture("chart-WSKT.JK-2020-01-01-to-2020-01-03.json");

describe("recorded AAPL chart (2020-08-31..2020-11-07, 4:1 split)", () => {
  it("gives the 49 bars exactly as Yahoo sent them, one request, no crumb", async () => {
    const { fetch, urls, result } = replay(AAPL);
    const r = await fetchDailyBars(
      "AAPL",
      { from: "2020-08-31", to: "2020-11-06" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.attempts).toBe(1);
    expect(r.bars).toHaveLength(49);
    // A New York session opens at 13:30 or 14:30 UTC: the UTC date is the local date here.
    const dates = result.timestamp.map((t) => new Date(t * 1000).toISOString().slice(0, 10));
    expect(r.bars).toEqual(expectedRows(result, dates));
    expect(r.bars[0]!.date).toBe("2020-08-31");
    expect(r.bars.at(-1)!.date).toBe("2020-11-06");

    expect(urls).toHaveLength(1);
    const url = urls[0]!;
    expect(url.host).toBe("query2.finance.yahoo.com");
    expect(url.searchParams.get("interval")).toBe("1d");
    // a day of margin each side of the range
    expect(url.searchParams.get("period1")).toBe(String(Date.parse("2020-08-30") / 1000));
    expect(url.searchParams.get("period2")).toBe(String(Date.parse("2020-11-08") / 1000));
  });

  it("keeps the split day's bar as sent (split-adjusted prices, not re-adjusted)", async () => {
    const { fetch, result } = replay(AAPL);
    const r = await fetchDailyBars(
      "AAPL",
      { from: "2020-08-31", to: "2020-08-31" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    const split = Object.values(result.events!.splits!)[0]!;
    expect(split.splitRatio).toBe("4:1");
    expect(split.date).toBe(result.timestamp[0]);
    expect(r.bars).toEqual(expectedRows(result, ["2020-08-31"]).slice(0, 1));
    expect(r.bars[0]!.close).toBe(129.0399932861328);
  });

  it("cuts to the requested range by date", async () => {
    const { fetch, result } = replay(AAPL);
    const r = await fetchDailyBars(
      "AAPL",
      { from: "2020-09-08", to: "2020-09-11" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.bars.map((b) => b.date)).toEqual([
      "2020-09-08",
      "2020-09-09",
      "2020-09-10",
      "2020-09-11",
    ]);
    const i = result.timestamp.findIndex((t) => t === Date.parse("2020-09-08T13:30:00Z") / 1000);
    expect(r.bars[0]!.close).toBe(result.indicators.quote[0].close[i]);
  });

  it("keeps null prices as nulls", async () => {
    const { fetch } = replay(AAPL, (res) => {
      const q = res.indicators.quote[0];
      for (const column of [
        q.open,
        q.high,
        q.low,
        q.close,
        q.volume,
        res.indicators.adjclose[0].adjclose,
      ]) {
        column[3] = null;
      }
      q.volume[5] = null;
    });
    const r = await fetchDailyBars(
      "AAPL",
      { from: "2020-08-31", to: "2020-11-06" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.bars[3]).toEqual({
      date: r.bars[3]!.date,
      open: null,
      high: null,
      low: null,
      close: null,
      adjClose: null,
      volume: null,
    });
    expect(r.bars[5]!.volume).toBeNull();
    expect(r.bars[5]!.close).not.toBeNull();
    expect(r.bars).toHaveLength(49);
  });
});

describe("recorded WSKT.JK chart (Jakarta, UTC+7)", () => {
  it("gives the one bar, dated in Jakarta", async () => {
    const { fetch, result, urls } = replay(WSKT);
    const r = await fetchDailyBars(
      "WSKT.JK",
      { from: "2020-01-01", to: "2020-01-03" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.bars).toEqual(expectedRows(result, ["2020-01-02"]));
    expect(urls[0]!.pathname).toBe("/v8/finance/chart/WSKT.JK");
  });

  it("dates a bar stamped at Jakarta midnight (the previous UTC day) on the Jakarta date", async () => {
    const midnightJakarta = Date.parse("2020-01-02T00:00:00+07:00") / 1000;
    expect(new Date(midnightJakarta * 1000).toISOString().slice(0, 10)).toBe("2020-01-01");
    const { fetch, result } = replay(WSKT, (res) => {
      res.timestamp = [midnightJakarta];
    });
    const r = await fetchDailyBars(
      "WSKT.JK",
      { from: "2020-01-02", to: "2020-01-02" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.bars).toEqual(expectedRows(result, ["2020-01-02"]));
  });

  it("falls back to meta.gmtoffset without a timezone name", async () => {
    const { fetch } = replay(WSKT, (res) => {
      res.timestamp = [Date.parse("2020-01-02T00:30:00+07:00") / 1000];
      delete res.meta.exchangeTimezoneName;
    });
    const r = await fetchDailyBars(
      "WSKT.JK",
      { from: "2020-01-01", to: "2020-01-03" },
      options(fetch),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.bars.map((b) => b.date)).toEqual(["2020-01-02"]);
  });

  it("leaves out a bar before `from`", async () => {
    const { fetch } = replay(WSKT);
    const r = await fetchDailyBars("WSKT.JK", { from: "2020-01-03" }, options(fetch));
    expect(r).toMatchObject({ ok: true, bars: [], attempts: 1 });
  });
});
