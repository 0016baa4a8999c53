import { describe, expect, it } from "vitest";
import { barsToCsv, shockLastClose } from "../../dashboard/src/components/analytics.js";
import { fetchSeries } from "../../dashboard/src/components/series.js";
import {
  formatCount,
  formatPercent,
  formatPoints,
  formatSignedPoints,
} from "../../dashboard/src/components/format.js";
import { requestForecast } from "../../dashboard/src/components/predict.js";
import {
  filterRows,
  freshnessRows,
  indicatorRows,
  sortRows,
} from "../../dashboard/src/components/rows.js";
import type { SymbolSeries } from "../../dashboard/src/components/types.js";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("Indian number formatting", () => {
  it("groups in lakhs and crores and signs moves with a real minus", () => {
    expect(formatCount(15601399)).toBe("1,56,01,399");
    expect(formatPoints(64718.5586)).toBe("64,718.56");
    expect(formatSignedPoints(-412.3)).toBe("−412.30");
    expect(formatPercent(0.0123, 2, true)).toBe("+1.23%");
    expect(formatPercent(-0.00001, 2, true)).toBe("0.00%");
  });
});

describe("the what-if client of POST /api/predict", () => {
  const forecast = {
    modelVersion: 3,
    barsReceived: 10,
    barsUsed: 10,
    forecast: { probabilityUp: 0.52 },
  };

  it("returns the API's forecast", async () => {
    const outcome = await requestForecast({ csv: "x" }, async () => json(200, forecast));
    expect(outcome).toEqual({ kind: "forecast", answer: forecast });
  });

  it("passes on the API's rejection with its message", async () => {
    const outcome = await requestForecast({ csv: "x" }, async () =>
      json(400, { error: "malformed-csv", message: "line 2: bad date" }),
    );
    expect(outcome).toEqual({
      kind: "rejected",
      status: 400,
      code: "malformed-csv",
      message: "line 2: bad date",
    });
  });

  it("calls the API absent on a static host or with no server at all", async () => {
    const notFound = await requestForecast(
      { csv: "x" },
      async () => new Response("not found", { status: 404 }),
    );
    expect(notFound.kind).toBe("absent");
    const notAllowed = await requestForecast(
      { csv: "x" },
      async () => new Response("", { status: 405 }),
    );
    expect(notAllowed.kind).toBe("absent");
    const offline = await requestForecast({ csv: "x" }, async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(offline).toMatchObject({
      kind: "absent",
      detail: expect.stringMatching(/Failed to fetch/),
    });
  });

  it("sends a CSV as text/csv with the symbol in the query", async () => {
    let seen: { url: string; init?: RequestInit } | undefined;
    await requestForecast({ csv: "Date,Open\n", symbol: "M&M.NS" }, async (url, init) => {
      seen = { url, init };
      return json(200, forecast);
    });
    expect(seen?.url).toBe("api/predict?symbol=M%26M.NS");
    expect(seen?.init?.headers).toEqual({ "content-type": "text/csv" });
  });
});

const series: SymbolSeries = {
  symbol: "X.NS",
  slug: "X.NS",
  name: "X",
  sector: "S",
  isIndex: false,
  dates: ["2024-01-01", "2024-01-02", "2024-01-03"],
  open: [10, 11, 12],
  high: [11, 12, 13],
  low: [9, 10, 11],
  close: [10.5, 11.5, 12.5],
  adjClose: [10.4, 11.4, 12.4],
  volume: [100, 200, 300],
  features: { rsi_14: [null, 40, 60] },
  predictorBars: 2,
};

describe("the what-if bars", () => {
  it("moves the last close and widens the day's range to hold it", () => {
    const moved = shockLastClose(series, 0.1);
    expect(moved.close[2]).toBeCloseTo(13.75, 10);
    expect(moved.high[2]).toBeCloseTo(13.75, 10);
    expect(moved.low[2]).toBe(11);
    expect(series.close[2]).toBe(12.5);
  });

  it("writes the last bars as Yahoo's CSV", () => {
    expect(barsToCsv(series, 2)).toBe(
      "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,11,12,10,11.5,11.4,200\n2024-01-03,12,13,11,12.5,12.4,300\n",
    );
  });
});

describe("table rows", () => {
  it("sorts with nulls last in both directions", () => {
    const rows = [{ v: 2 }, { v: null }, { v: 5 }, { v: 1 }];
    expect(sortRows(rows, (r) => r.v, false).map((r) => r.v)).toEqual([1, 2, 5, null]);
    expect(sortRows(rows, (r) => r.v, true).map((r) => r.v)).toEqual([5, 2, 1, null]);
  });

  it("filters by every word and by sector", () => {
    const rows = [
      { symbol: "INFY.NS", name: "Infosys", sector: "IT" },
      { symbol: "TCS.NS", name: "Tata Consultancy", sector: "IT" },
      { symbol: "TATASTEEL.NS", name: "Tata Steel", sector: "Metals" },
    ];
    expect(filterRows(rows, "tata", null).map((r) => r.symbol)).toEqual(["TCS.NS", "TATASTEEL.NS"]);
    expect(filterRows(rows, "tata", "IT").map((r) => r.symbol)).toEqual(["TCS.NS"]);
    expect(filterRows(rows, "", null)).toHaveLength(3);
  });

  it("leaves out the days before an indicator's warm-up", () => {
    expect(indicatorRows(series, "rsi_14").map((r) => r.value)).toEqual([40, 60]);
    expect(indicatorRows(series, "rsi_14", 2).map((r) => r.value)).toEqual([60]);
  });

  it("measures freshness against the index and the build", () => {
    const quality = [
      { symbol: "^BSESN", lastDate: "2024-01-10", rowsKept: 5 },
      { symbol: "X.NS", lastDate: "2024-01-08", rowsKept: 4 },
    ].map((q) => ({
      ...q,
      rowsRead: q.rowsKept,
      firstDate: "2024-01-01",
      quarantined: 0,
      byReason: {},
      jumps: 0,
    }));
    const rows = freshnessRows(quality, "^BSESN", "2024-01-20T10:00:00Z");
    expect(rows.map((r) => [r.behindIndex, r.ageDays])).toEqual([
      [0, 10],
      [2, 12],
    ]);
  });
});

describe("loading a symbol's series", () => {
  it("falls back to the live preview's _file/ path", async () => {
    const asked: string[] = [];
    const got = await fetchSeries<{ ok: boolean }>("M_M.NS", async (url) => {
      asked.push(url);
      return url.startsWith("./_file/")
        ? json(200, { ok: true })
        : new Response("", { status: 404 });
    });
    expect(got).toEqual({ ok: true });
    expect(asked).toEqual(["./data/symbols/M_M.NS.json", "./_file/data/symbols/M_M.NS.json"]);
  });
});
