/**
 * The live source against a fake Yahoo on 127.0.0.1 serving the real snapshot prices, with a
 * fault per symbol. Global fetch is disabled: every request must go through the injected one.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parsePriceCsv } from "../../core/price-csv.js";
import {
  fetchDailyBars,
  fetchDailyBarsMany,
  mergeRawCsv,
  rowsToRawCsv,
  type SymbolFetchResult,
  type YahooFetchOptions,
} from "../../pipeline/sources/yahoo-chart.js";
import {
  csvFileFor,
  snapshotBars,
  startFakeYahoo,
  type Fault,
  type FakeYahoo,
} from "../helpers/fake-yahoo.js";

const PRICES = "data/snapshot/prices";

let fake: FakeYahoo | undefined;
let sleeps: number[] = [];

async function start(faults: Record<string, Fault> = {}, latencyMs = 0): Promise<FakeYahoo> {
  fake = await startFakeYahoo({ pricesDir: PRICES, faults, latencyMs });
  return fake;
}

function options(server: FakeYahoo, overrides: Partial<YahooFetchOptions> = {}): YahooFetchOptions {
  return {
    fetch: server.fetch,
    timeoutMs: 2000,
    retries: 3,
    backoffBaseMs: 100,
    concurrency: 3,
    deadlineMs: 10_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
}

/** The snapshot's bars in [from, to] as the rows Yahoo would send. */
function snapshotRows(symbol: string, from: string, to = "9999-12-31") {
  return snapshotBars(PRICES, symbol)!.filter((b) => b.date >= from && b.date <= to);
}

function expectOk(r: SymbolFetchResult) {
  if (!r.ok) throw new Error(`${r.symbol}: ${r.kind}: ${r.error}`);
  return r;
}

beforeEach(() => {
  sleeps = [];
  vi.stubGlobal("fetch", () => Promise.reject(new Error("global fetch is disabled in tests")));
  // yahoo-finance2 console.error()s the URL of every non-OK answer; the faults are deliberate.
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await fake?.close();
  fake = undefined;
});

describe("fetching from the fake Yahoo", () => {
  it("gives ^BSESN's real bars for a range, dated in India, with no cookie or crumb request", async () => {
    const server = await start();
    const r = expectOk(
      await fetchDailyBars("^BSESN", { from: "2023-01-02", to: "2023-01-31" }, options(server)),
    );
    expect(r.attempts).toBe(1);
    expect(r.bars).toEqual(snapshotRows("^BSESN", "2023-01-02", "2023-01-31"));
    expect(r.bars).toHaveLength(21);
    expect(server.chartRequests.map((c) => c.symbol)).toEqual(["^BSESN"]);
    expect(server.otherRequests).toEqual([]);
  });

  it("fetches incrementally: only the rows after the stored last date", async () => {
    const server = await start();
    const r = expectOk(
      await fetchDailyBars("RELIANCE.NS", { from: "2023-06-26" }, options(server)),
    );
    expect(r.bars.map((b) => b.date)).toEqual([
      "2023-06-26",
      "2023-06-27",
      "2023-06-28",
      "2023-06-30",
    ]);
    const upToDate = await fetchDailyBars("RELIANCE.NS", { from: "2023-07-01" }, options(server));
    expect(upToDate).toEqual({ symbol: "RELIANCE.NS", ok: true, bars: [], attempts: 1 });
  });

  it("merges an incremental fetch into the stored CSV to give back the full file", async () => {
    const server = await start();
    const full = readFileSync(csvFileFor(PRICES, "RELIANCE.NS"), "utf8");
    const cut = full.indexOf("\n2023-06-01,");
    const stored = full.slice(0, cut + 1);
    const r = expectOk(
      await fetchDailyBars("RELIANCE.NS", { from: "2023-06-01" }, options(server)),
    );
    expect(r.bars).toHaveLength(21);
    expect(mergeRawCsv(stored, r.bars)).toBe(full);
  });

  it("keeps Yahoo's null days as null rows that validation will quarantine", async () => {
    const nullDates = ["2023-03-02", "2023-03-06"];
    const server = await start({ "TCS.NS": { type: "null-prices", dates: nullDates } });
    const r = expectOk(
      await fetchDailyBars("TCS.NS", { from: "2023-03-01", to: "2023-03-07" }, options(server)),
    );
    const expected = snapshotRows("TCS.NS", "2023-03-01", "2023-03-07").map((b) =>
      nullDates.includes(b.date)
        ? {
            date: b.date,
            open: null,
            high: null,
            low: null,
            close: null,
            adjClose: null,
            volume: null,
          }
        : b,
    );
    expect(r.bars).toEqual(expected);
    const parsed = parsePriceCsv(rowsToRawCsv(r.bars));
    expect(parsed.rejected.map((x) => [x.date, x.reason])).toEqual(
      nullDates.map((d) => [d, "null-row"]),
    );
    expect(parsed.bars).toHaveLength(expected.length - 2);
  });

  it("serves the cookie and crumb pages yahoo-finance2 would ask for, from the fake", async () => {
    const server = await start();
    const page = await server.fetch("https://finance.yahoo.com/quote/AAPL");
    expect(page.headers.get("set-cookie")).toContain("A3=fake-cookie");
    const crumb = await server.fetch("https://query1.finance.yahoo.com/v1/test/getcrumb");
    expect(await crumb.text()).toBe("fake-crumb");
    expect(server.otherRequests).toEqual(["/quote/AAPL", "/v1/test/getcrumb"]);
  });
});

describe("faults", () => {
  it("429 then success, no Retry-After: backs off with jitter, then the right rows", async () => {
    const server = await start({ "INFY.NS": { type: "rate-limit", times: 2 } });
    const r = expectOk(
      await fetchDailyBars("INFY.NS", { from: "2023-06-01", to: "2023-06-09" }, options(server)),
    );
    expect(r.attempts).toBe(3);
    expect(r.bars).toEqual(snapshotRows("INFY.NS", "2023-06-01", "2023-06-09"));
    expect(sleeps).toEqual([75, 150]); // 100 * 2^(n-1) * (0.5 + 0.5 * 0.5)
    expect(server.requestsFor("INFY.NS")).toBe(3);
  });

  it("429 with Retry-After: waits what the server asked", async () => {
    const server = await start({
      "ITC.NS": { type: "rate-limit", times: 1, retryAfterSeconds: 2 },
    });
    const r = expectOk(await fetchDailyBars("ITC.NS", { from: "2023-06-26" }, options(server)));
    expect(r.attempts).toBe(2);
    expect(r.bars).toEqual(snapshotRows("ITC.NS", "2023-06-26"));
    expect(sleeps).toEqual([2000]);
  });

  it("429 for good: rate-limited after every attempt", async () => {
    const server = await start({ "ITC.NS": { type: "rate-limit", times: 99 } });
    const r = await fetchDailyBars("ITC.NS", { from: "2023-06-26" }, options(server));
    expect(r).toMatchObject({ ok: false, kind: "rate-limited", attempts: 4 });
    expect(server.requestsFor("ITC.NS")).toBe(4);
  });

  it("500 then success", async () => {
    const server = await start({ "SBIN.NS": { type: "server-error", times: 1 } });
    const r = expectOk(await fetchDailyBars("SBIN.NS", { from: "2023-06-26" }, options(server)));
    expect(r.attempts).toBe(2);
    expect(r.bars).toEqual(snapshotRows("SBIN.NS", "2023-06-26"));
    expect(sleeps).toEqual([75]);
  });

  it("500 always: server-error after retries + 1 attempts", async () => {
    const server = await start({ "SBIN.NS": { type: "server-error", times: "always" } });
    const r = await fetchDailyBars(
      "SBIN.NS",
      { from: "2023-06-26" },
      options(server, { retries: 2 }),
    );
    expect(r).toMatchObject({ ok: false, kind: "server-error", attempts: 3 });
    expect(!r.ok && r.error).toMatch(/HTTP 500.*gave up after 3 attempts/);
    expect(server.requestsFor("SBIN.NS")).toBe(3);
  });

  it("a hang ends by the per-request timeout, retried, within timeout * (retries + 1)", async () => {
    const server = await start({ "LT.NS": { type: "hang" } });
    const timeoutMs = 200;
    const started = performance.now();
    const r = await fetchDailyBars(
      "LT.NS",
      { from: "2023-06-26" },
      options(server, { timeoutMs, retries: 2 }),
    );
    const elapsed = performance.now() - started;
    expect(r).toMatchObject({ ok: false, kind: "timeout", attempts: 3 });
    expect(elapsed).toBeGreaterThanOrEqual(3 * timeoutMs - 20);
    expect(elapsed).toBeLessThan(3 * timeoutMs + 400);
    expect(server.requestsFor("LT.NS")).toBe(3);
  });

  it("malformed JSON: malformed, not retried", async () => {
    const server = await start({ "NTPC.NS": { type: "malformed-json" } });
    const r = await fetchDailyBars("NTPC.NS", { from: "2023-06-26" }, options(server));
    expect(r).toMatchObject({ ok: false, kind: "malformed", attempts: 1 });
    expect(!r.ok && r.error).toMatch(/^body is not JSON: /);
    expect(server.requestsFor("NTPC.NS")).toBe(1);
  });

  it("a body without timestamp: malformed, says what is missing", async () => {
    const server = await start({ "NTPC.NS": { type: "missing-timestamp" } });
    const r = await fetchDailyBars("NTPC.NS", { from: "2023-06-26" }, options(server));
    expect(r).toMatchObject({ ok: false, kind: "malformed", attempts: 1 });
    expect(!r.ok && r.error).toBe(
      "chart.result[0].timestamp is missing but the quote has 4 value(s)",
    );
  });

  it("a body without indicators: malformed, says what is missing", async () => {
    const server = await start({ "NTPC.NS": { type: "missing-indicators" } });
    const r = await fetchDailyBars("NTPC.NS", { from: "2023-06-26" }, options(server));
    expect(r).toMatchObject({ ok: false, kind: "malformed", attempts: 1 });
    expect(!r.ok && r.error).toBe("chart.result[0].indicators is missing");
  });

  it("an unknown symbol: not-found from Yahoo's 404 body, not retried", async () => {
    const server = await start();
    const r = await fetchDailyBars("NOSUCH.NS", { from: "2023-06-26" }, options(server));
    expect(r).toMatchObject({ ok: false, kind: "not-found", attempts: 1 });
    expect(!r.ok && r.error).toBe("No data found, symbol may be delisted (HTTP 404 Not Found)");
    expect(server.requestsFor("NOSUCH.NS")).toBe(1);
  });

  it("a refused connection: network, retried", async () => {
    const server = await start();
    await server.close();
    fake = undefined;
    const r = await fetchDailyBars(
      "TCS.NS",
      { from: "2023-06-26" },
      options(server, { retries: 1 }),
    );
    expect(r).toMatchObject({ ok: false, kind: "network", attempts: 2 });
    expect(sleeps).toEqual([75]);
  });
});

describe("fetchDailyBarsMany", () => {
  const symbols = [
    "^BSESN",
    "RELIANCE.NS",
    "TCS.NS",
    "INFY.NS",
    "HDFCBANK.NS",
    "ITC.NS",
    "SBIN.NS",
    "LT.NS",
  ];

  it("never has more than `concurrency` requests open, and uses all of them", async () => {
    const server = await start({}, 40);
    const done: string[] = [];
    const results = await fetchDailyBarsMany(
      symbols.map((symbol) => ({ symbol, from: "2023-06-01", to: "2023-06-30" })),
      options(server, { concurrency: 3 }),
      (r) => done.push(r.symbol),
    );
    expect(server.maxInFlight).toBe(3);
    expect(results.map((r) => r.symbol)).toEqual(symbols);
    expect(done.sort()).toEqual([...symbols].sort());
    for (const r of results) {
      expect(expectOk(r).bars).toEqual(snapshotRows(r.symbol, "2023-06-01", "2023-06-30"));
    }
  });

  it("with concurrency 1, one request at a time", async () => {
    const server = await start({}, 10);
    const results = await fetchDailyBarsMany(
      symbols.slice(0, 4).map((symbol) => ({ symbol, from: "2023-06-26" })),
      options(server, { concurrency: 1 }),
    );
    expect(server.maxInFlight).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("gives every symbol its own result across mixed faults, and survives a throwing onDone", async () => {
    const server = await start({
      "TCS.NS": { type: "rate-limit", times: 1 },
      "INFY.NS": { type: "malformed-json" },
      "ITC.NS": { type: "server-error", times: "always" },
    });
    const requests = ["^BSESN", "TCS.NS", "INFY.NS", "NOSUCH.NS", "ITC.NS"].map((symbol) => ({
      symbol,
      from: "2023-06-26",
    }));
    const results = await fetchDailyBarsMany(requests, options(server, { retries: 1 }), () => {
      throw new Error("progress bar broke");
    });
    expect(results.map((r) => [r.symbol, r.ok ? "ok" : r.kind, r.attempts])).toEqual([
      ["^BSESN", "ok", 1],
      ["TCS.NS", "ok", 2],
      ["INFY.NS", "malformed", 1],
      ["NOSUCH.NS", "not-found", 1],
      ["ITC.NS", "server-error", 2],
    ]);
  });

  it("stops everything at the deadline and reports the unfinished symbols as deadline", async () => {
    const server = await start({ "LT.NS": { type: "hang" }, "SBIN.NS": { type: "hang" } });
    const deadlineMs = 700;
    const requests = ["^BSESN", "LT.NS", "SBIN.NS", "TCS.NS", "ITC.NS"].map((symbol) => ({
      symbol,
      from: "2023-06-26",
    }));
    const reported: SymbolFetchResult[] = [];
    const started = performance.now();
    const results = await fetchDailyBarsMany(
      requests,
      options(server, { concurrency: 2, timeoutMs: 300, retries: 10, deadlineMs }),
      (r) => reported.push(r),
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 20);
    expect(elapsed).toBeLessThan(deadlineMs + 300);
    expect(results.map((r) => [r.symbol, r.ok ? "ok" : r.kind])).toEqual([
      ["^BSESN", "ok"],
      ["LT.NS", "deadline"],
      ["SBIN.NS", "deadline"],
      ["TCS.NS", "deadline"],
      ["ITC.NS", "deadline"],
    ]);
    // the hung ones were tried (timeouts at 300 and 600 ms); the last two never started
    expect(results[1]!.attempts).toBeGreaterThanOrEqual(2);
    expect(results[2]!.attempts).toBeGreaterThanOrEqual(2);
    expect(results.slice(3).map((r) => r.attempts)).toEqual([0, 0]);
    expect(server.requestsFor("TCS.NS") + server.requestsFor("ITC.NS")).toBe(0);
    expect(reported).toHaveLength(5);
  });

  it("a long Retry-After does not outlive the deadline", async () => {
    const server = await start({
      "TCS.NS": { type: "rate-limit", times: 5, retryAfterSeconds: 20 },
    });
    const started = performance.now();
    const [r] = await fetchDailyBarsMany(
      [{ symbol: "TCS.NS", from: "2023-06-26" }],
      options(server, { deadlineMs: 300, sleep: undefined }), // the real sleep
    );
    expect(performance.now() - started).toBeLessThan(300 + 300);
    expect(r).toMatchObject({ ok: false, kind: "deadline", attempts: 1 });
  });
});
