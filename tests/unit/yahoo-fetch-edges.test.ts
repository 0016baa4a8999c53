/**
 * fetchDailyBars against scripted in-process fetches: answers a real server cannot easily
 * give (a fetch that ignores its abort signal, a body that never ends) and request checks.
 */
import { describe, expect, it, vi } from "vitest";
import { fetchDailyBars, type YahooFetchOptions } from "../../pipeline/sources/yahoo-chart.js";

function options(fetch: typeof globalThis.fetch, overrides: Partial<YahooFetchOptions> = {}) {
  const sleeps: number[] = [];
  const opts: YahooFetchOptions = {
    fetch,
    timeoutMs: 100,
    retries: 2,
    backoffBaseMs: 10,
    concurrency: 1,
    deadlineMs: 5000,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
  return { opts, sleeps };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("fetchDailyBars edge cases", () => {
  it("ends a fetch that ignores its abort signal: timeout after every attempt", async () => {
    const fetch = vi.fn(() => new Promise<Response>(() => {}));
    const { opts, sleeps } = options(fetch);
    const started = performance.now();
    const r = await fetchDailyBars("X.NS", { from: "2024-01-01" }, opts);
    expect(r).toMatchObject({ ok: false, kind: "timeout", attempts: 3 });
    expect(!r.ok && r.error).toBe("no answer within 100 ms (gave up after 3 attempts)");
    expect(performance.now() - started).toBeLessThan(3 * 100 + 300);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it("ends a body that starts and never finishes", async () => {
    const fetch = vi.fn(async () => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"chart":'));
        },
      });
      return new Response(body, { status: 200 });
    });
    const { opts } = options(fetch, { retries: 0 });
    const r = await fetchDailyBars("X.NS", { from: "2024-01-01" }, opts);
    expect(r).toMatchObject({ ok: false, kind: "timeout", attempts: 1 });
  });

  it("does not retry a 400 and says why", async () => {
    const error = { code: "Bad Request", description: "Invalid input - start date after end" };
    const fetch = vi.fn(async () => json(400, { chart: { result: null, error } }));
    const { opts } = options(fetch);
    const r = await fetchDailyBars("X.NS", { from: "2024-01-01" }, opts);
    expect(r).toMatchObject({ ok: false, kind: "server-error", attempts: 1 });
    expect(!r.ok && r.error).toBe("HTTP 400: Invalid input - start date after end");
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("reports a 200 carrying a chart.error as malformed", async () => {
    const error = { code: "Unprocessable", description: "odd" };
    const fetch = vi.fn(async () => json(200, { chart: { result: null, error } }));
    const r = await fetchDailyBars("X.NS", { from: "2024-01-01" }, options(fetch).opts);
    expect(r).toMatchObject({ ok: false, kind: "malformed", attempts: 1 });
    expect(!r.ok && r.error).toBe("Yahoo answered Unprocessable: odd");
  });

  it("rejects a bad range date without a request", async () => {
    const fetch = vi.fn(async () => json(200, {}));
    const r = await fetchDailyBars("X.NS", { from: "2024-13-01" }, options(fetch).opts);
    expect(r).toMatchObject({ ok: false, kind: "malformed", attempts: 0 });
    expect(!r.ok && r.error).toBe('bad range date "2024-13-01", expected YYYY-MM-DD');
    expect(fetch).not.toHaveBeenCalled();
  });

  it("asks nothing for a range that starts after tomorrow", async () => {
    const fetch = vi.fn(async () => json(200, {}));
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const r = await fetchDailyBars("X.NS", { from: future }, options(fetch).opts);
    expect(r).toEqual({ symbol: "X.NS", ok: true, bars: [], attempts: 0 });
    expect(fetch).not.toHaveBeenCalled();
  });

  it("reports the deadline when it passes mid-request", async () => {
    const fetch = vi.fn(() => new Promise<Response>(() => {}));
    const { opts } = options(fetch, { timeoutMs: 1000, deadlineMs: 150 });
    const started = performance.now();
    const r = await fetchDailyBars("X.NS", { from: "2024-01-01" }, opts);
    expect(performance.now() - started).toBeLessThan(150 + 300);
    expect(r).toMatchObject({ ok: false, kind: "deadline", attempts: 1 });
    expect(!r.ok && r.error).toBe("the 150 ms deadline passed after 1 attempt(s)");
  });
});
