import { describe, expect, it } from "vitest";
import { chartToDailyRows, exchangeDateFormatter } from "../../pipeline/sources/yahoo-rows.js";

const meta = { symbol: "^BSESN", gmtoffset: 19800, exchangeTimezoneName: "Asia/Kolkata" };
/** 09:15 IST */
const ist = (date: string) => Date.parse(`${date}T09:15:00+05:30`) / 1000;

function chart(dates: string[], closes: (number | null)[]) {
  return {
    meta,
    timestamp: dates.map(ist),
    indicators: {
      quote: [
        {
          open: [...closes],
          high: [...closes],
          low: [...closes],
          close: [...closes],
          volume: [...closes],
        },
      ],
      adjclose: [{ adjclose: [...closes] }],
    },
  };
}

describe("chartToDailyRows", () => {
  it("maps the parallel arrays to rows and keeps nulls", () => {
    const r = chartToDailyRows(chart(["2024-01-01", "2024-01-02"], [1.5, null]), {
      from: "2024-01-01",
    });
    expect(r).toEqual({
      ok: true,
      rows: [
        {
          date: "2024-01-01",
          open: 1.5,
          high: 1.5,
          low: 1.5,
          close: 1.5,
          adjClose: 1.5,
          volume: 1.5,
        },
        {
          date: "2024-01-02",
          open: null,
          high: null,
          low: null,
          close: null,
          adjClose: null,
          volume: null,
        },
      ],
    });
  });

  it("treats no timestamp with an empty quote as a range without trading days", () => {
    const empty = { meta, indicators: { quote: [], adjclose: [{}] } };
    expect(chartToDailyRows(empty, { from: "2024-01-01" })).toEqual({ ok: true, rows: [] });
    const raw = {
      meta,
      indicators: { quote: [{ close: [], open: [], high: [], low: [], volume: [] }] },
    };
    expect(chartToDailyRows(raw, { from: "2024-01-01" })).toEqual({ ok: true, rows: [] });
  });

  it("says what is missing", () => {
    const noTimestamp: Record<string, unknown> = chart(["2024-01-01"], [1]);
    delete noTimestamp.timestamp;
    expect(chartToDailyRows(noTimestamp, { from: "2024-01-01" })).toEqual({
      ok: false,
      error: "chart.result[0].timestamp is missing but the quote has 1 value(s)",
    });
    const noIndicators: Record<string, unknown> = chart(["2024-01-01"], [1]);
    delete noIndicators.indicators;
    expect(chartToDailyRows(noIndicators, { from: "2024-01-01" })).toEqual({
      ok: false,
      error: "chart.result[0].indicators is missing",
    });
    const noClose = chart(["2024-01-01"], [1]);
    delete (noClose.indicators.quote[0] as Partial<(typeof noClose.indicators.quote)[0]>).close;
    const r = chartToDailyRows(noClose, { from: "2024-01-01" });
    expect(r.ok ? "" : r.error).toBe("chart.result[0].indicators.quote.0.close is missing");
  });

  it("rejects arrays that are not parallel to the timestamps", () => {
    const c = chart(["2024-01-01", "2024-01-02"], [1, 2]);
    c.indicators.quote[0]!.volume = [1];
    expect(chartToDailyRows(c, { from: "2024-01-01" })).toEqual({
      ok: false,
      error: "chart.result[0] has 2 timestamps but 1 volume values",
    });
  });

  it("rejects a result it cannot date", () => {
    const c = { ...chart(["2024-01-01"], [1]), meta: { symbol: "X" } };
    expect(chartToDailyRows(c, { from: "2024-01-01" }).ok).toBe(false);
  });

  it("uses close for adjClose when Yahoo sends no adjclose indicator", () => {
    const c: Record<string, unknown> = chart(["2024-01-01"], [7]);
    c.indicators = { quote: (c as ReturnType<typeof chart>).indicators.quote };
    const r = chartToDailyRows(c, { from: "2024-01-01" });
    expect(r.ok && r.rows[0]!.adjClose).toBe(7);
  });

  it("keeps the later of two bars on one date (Yahoo's doubled live bar)", () => {
    const c = chart(["2024-01-01", "2024-01-02"], [1, 2]);
    c.timestamp.push(Date.parse("2024-01-02T15:30:00+05:30") / 1000);
    for (const column of Object.values(c.indicators.quote[0]!)) column.push(3);
    c.indicators.adjclose[0]!.adjclose.push(3);
    const r = chartToDailyRows(c, { from: "2024-01-01" });
    expect(r.ok && r.rows.map((x) => [x.date, x.close])).toEqual([
      ["2024-01-01", 1],
      ["2024-01-02", 3],
    ]);
  });
});

describe("exchangeDateFormatter", () => {
  const lateUtc = Date.parse("2024-03-09T20:00:00Z") / 1000;

  it("dates by the exchange's zone, not UTC", () => {
    expect(exchangeDateFormatter("Asia/Kolkata", undefined)!(lateUtc)).toBe("2024-03-10");
    expect(exchangeDateFormatter("America/New_York", undefined)!(lateUtc)).toBe("2024-03-09");
  });

  it("falls back to the offset for an unknown zone name, and gives up without either", () => {
    expect(exchangeDateFormatter("Nowhere/Atlantis", 19800)!(lateUtc)).toBe("2024-03-10");
    expect(exchangeDateFormatter(undefined, undefined)).toBeUndefined();
  });
});
