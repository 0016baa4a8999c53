/**
 * The validation rules on the real snapshot (data/snapshot/prices), with the configuration's
 * defaults, against what is known to be wrong (and right) in it: data/snapshot/README.md.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { symbolQualitySchema, type QuarantineReason } from "../../core/contracts.js";
import { configSchema } from "../../core/config.js";
import { parsePriceCsv, type ParsedPriceCsv } from "../../core/price-csv.js";
import { validateBars, type ValidationResult } from "../../pipeline/quality/rules.js";

const PRICES_DIR = "data/snapshot/prices";
const defaults = configSchema.parse({});
const OPTIONS = {
  jumpThreshold: defaults.VALIDATE_JUMP_THRESHOLD,
  staleRunDays: defaults.VALIDATE_STALE_RUN_DAYS,
};

const parsed = new Map<string, ParsedPriceCsv>();
const results = new Map<string, ValidationResult>();

beforeAll(() => {
  for (const file of readdirSync(PRICES_DIR).filter((f) => f.endsWith(".csv"))) {
    const symbol = file.replace(/\.csv$/, "");
    const p = parsePriceCsv(readFileSync(join(PRICES_DIR, file), "utf8"), file);
    parsed.set(symbol, p);
    results.set(symbol, validateBars(symbol, p, OPTIONS));
  }
});

function result(symbol: string): ValidationResult {
  const r = results.get(symbol);
  if (!r) throw new Error(`no snapshot file for ${symbol}`);
  return r;
}

function reasonOn(symbol: string, date: string): QuarantineReason | undefined {
  return result(symbol).quality.quarantined.find((q) => q.date === date)?.reason;
}

function keptBar(symbol: string, date: string) {
  return result(symbol).kept.find((b) => b.date === date);
}

function jumpOn(symbol: string, date: string) {
  return result(symbol).quality.jumps.find((j) => j.date === date);
}

function reasonsBetween(symbol: string, from: string, to: string): QuarantineReason[] {
  return result(symbol)
    .quality.quarantined.filter((q) => q.date >= from && q.date <= to)
    .map((q) => q.reason);
}

const stocks = () => [...results.keys()].filter((s) => s.endsWith(".NS"));

describe("validation of the real snapshot: bookkeeping", () => {
  it("uses the configuration defaults", () => {
    expect(OPTIONS).toEqual({ jumpThreshold: 0.18, staleRunDays: 5 });
    expect(results.size).toBe(32);
  });

  it("accounts for every row read and writes a valid quality record", () => {
    for (const [symbol, r] of results) {
      const q = symbolQualitySchema.parse(r.quality);
      const p = parsed.get(symbol)!;
      expect(q.rowsRead, symbol).toBe(p.bars.length + p.rejected.length);
      expect(q.rowsRead, symbol).toBe(q.rowsKept + q.quarantined.length);
      const dates = r.kept.map((b) => b.date);
      expect(
        dates.every((d, i) => i === 0 || d > dates[i - 1]!),
        symbol,
      ).toBe(true);
      expect(
        q.quarantined.every((x) => x.raw.startsWith(`${x.date},`)),
        symbol,
      ).toBe(true);
    }
  });

  it("finds no row breaking the order, price, volume or High/Low rules in this data", () => {
    const structural = new Set<QuarantineReason>([
      "duplicate-date",
      "out-of-order",
      "non-positive-price",
      "negative-volume",
      "high-below-open-close",
      "low-above-open-close",
    ]);
    const hits = [...results.values()].flatMap((r) =>
      r.quality.quarantined.filter((q) => structural.has(q.reason)),
    );
    expect(hits).toEqual([]);
  });
});

describe("validation of the real snapshot: bad ticks", () => {
  it.each(["RELIANCE.NS", "M&M.NS", "BAJFINANCE.NS", "TCS.NS"])(
    "%s: the flat zero-volume print of 2005-07-28 (2x-11x the price) is a reverting spike",
    (symbol) => {
      expect(reasonOn(symbol, "2005-07-28")).toBe("reverting-spike");
      // the bad tick is 07-28 only: 07-29 trades back at the 07-27 level and is kept without a
      // warning, because it is compared with the last kept close (07-27), not with the spike
      expect(keptBar(symbol, "2005-07-27")).toBeDefined();
      expect(keptBar(symbol, "2005-07-29")).toBeDefined();
      expect(jumpOn(symbol, "2005-07-29")).toBeUndefined();
    },
  );

  it("other symbols' 2005-07-28 rows (flat, zero volume, within 18%) are holiday filler", () => {
    for (const symbol of ["BHARTIARTL.NS", "ICICIBANK.NS", "ITC.NS", "KOTAKBANK.NS", "SBIN.NS"]) {
      expect(reasonOn(symbol, "2005-07-28"), symbol).toBe("holiday-filler");
    }
  });

  it("TATASTEEL: four flat prints at 7x the price in 2003-04 are reverting spikes", () => {
    const spikes = result("TATASTEEL.NS").quality.quarantined.filter(
      (q) => q.reason === "reverting-spike",
    );
    expect(spikes.map((q) => q.date)).toEqual([
      "2003-04-14",
      "2003-11-26",
      "2003-12-25",
      "2004-04-26",
    ]);
  });

  it("KOTAKBANK: two flat prints at 1/5 of the price in late 2003 are reverting spikes", () => {
    const spikes = result("KOTAKBANK.NS").quality.quarantined.filter(
      (q) => q.reason === "reverting-spike",
    );
    expect(spikes.map((q) => q.date)).toEqual(["2003-11-26", "2003-12-25"]);
  });

  it("LT 2006-09-27: a whole bar at half the price, back the next day, is a reverting spike", () => {
    expect(reasonOn("LT.NS", "2006-09-27")).toBe("reverting-spike");
    expect(keptBar("LT.NS", "2006-09-28")).toBeDefined();
    expect(jumpOn("LT.NS", "2006-09-28")).toBeUndefined();
  });

  it("removes no other reverting spike than these (and HCLTECH's filler of 2003-10-24)", () => {
    const spikes = [...results.values()].flatMap((r) =>
      r.quality.quarantined
        .filter((q) => q.reason === "reverting-spike")
        .map((q) => `${r.quality.symbol} ${q.date}`),
    );
    expect(spikes.sort()).toEqual([
      "BAJFINANCE.NS 2005-07-28",
      "HCLTECH.NS 2003-10-24",
      "KOTAKBANK.NS 2003-11-26",
      "KOTAKBANK.NS 2003-12-25",
      "LT.NS 2006-09-27",
      "M&M.NS 2005-07-28",
      "RELIANCE.NS 2005-07-28",
      "TATASTEEL.NS 2003-04-14",
      "TATASTEEL.NS 2003-11-26",
      "TATASTEEL.NS 2003-12-25",
      "TATASTEEL.NS 2004-04-26",
      "TCS.NS 2005-07-28",
    ]);
  });
});

describe("validation of the real snapshot: level shifts kept with a warning", () => {
  // These gap to a new level and stay there, so they are not reverting spikes. They come from
  // corporate actions and from history stitched across a listing, which the rules cannot undo.
  it("LT 2004-05-19 (-45%, the cement demerger) is kept with a jump warning", () => {
    expect(keptBar("LT.NS", "2004-05-19")?.close).toBeCloseTo(54.7956, 3);
    expect(jumpOn("LT.NS", "2004-05-19")?.logReturn).toBeCloseTo(-0.6, 2);
  });

  it("LT's 22 frozen rows after it are a stale run, and the resumption is a kept jump", () => {
    const frozen = reasonsBetween("LT.NS", "2004-05-24", "2004-06-22");
    expect(frozen).toEqual(Array(22).fill("stale-price-run"));
    // compared with the last kept close, 2004-05-21, not with the frozen rows
    expect(jumpOn("LT.NS", "2004-06-23")?.detail).toContain("on 2004-05-21");
    expect(keptBar("LT.NS", "2004-05-21")).toBeDefined();
  });

  it("ULTRACEMCO 2004-08-24 (-76%, the listing after the demerger) is kept with a warning", () => {
    expect(keptBar("ULTRACEMCO.NS", "2004-08-24")).toBeDefined();
    expect(jumpOn("ULTRACEMCO.NS", "2004-08-24")?.logReturn).toBeCloseTo(-1.412, 3);
    expect(keptBar("ULTRACEMCO.NS", "2004-08-23")).toBeDefined();
  });

  it("BAJAJFINSV's 2008 demerger drops (03-14, then the listing on 05-26) are kept", () => {
    expect(jumpOn("BAJAJFINSV.NS", "2008-03-14")?.logReturn).toBeCloseTo(-1.016, 3);
    expect(jumpOn("BAJAJFINSV.NS", "2008-05-26")?.logReturn).toBeCloseTo(-2.61, 2);
    expect(reasonsBetween("BAJAJFINSV.NS", "2008-03-01", "2008-06-30")).toEqual([]);
  });
});

describe("validation of the real snapshot: stale prices", () => {
  it("NESTLEIND: every row before 2010-01-08 is a stale-price run; 2010-01-08 is kept first", () => {
    const q = result("NESTLEIND.NS").quality;
    expect(q.firstDate).toBe("2010-01-08");
    const before = q.quarantined.filter((x) => x.date < "2010-01-08");
    expect(before).toHaveLength(
      parsed.get("NESTLEIND.NS")!.bars.filter((b) => b.date < "2010-01-08").length,
    );
    expect(new Set(before.map((x) => x.reason))).toEqual(new Set(["stale-price-run"]));
    // 1,703 rows frozen at 527.05, and the 160 unadjusted rows before them that they cut off
    expect(before.filter((x) => x.detail.startsWith("flat at 527.05"))).toHaveLength(1703);
    expect(jumpOn("NESTLEIND.NS", "2010-01-08")).toBeUndefined();
  });

  it("TCS: the ~300 flat zero-volume rows of 2002-2004 are all quarantined", () => {
    const p = parsed.get("TCS.NS")!;
    const flatZero = p.bars.filter(
      (b) =>
        b.date < "2005-01-01" &&
        b.volume === 0 &&
        b.open === b.close &&
        b.high === b.close &&
        b.low === b.close,
    );
    expect(flatZero.length).toBeGreaterThan(290);
    const kept = new Set(result("TCS.NS").kept.map((b) => b.date));
    expect(flatZero.filter((b) => kept.has(b.date))).toEqual([]);
    expect(reasonsBetween("TCS.NS", "2003-04-02", "2004-05-05")).toEqual(
      Array(286).fill("stale-price-run"),
    );
    // a frozen year ending +202% away: the 2002-03 rows before it cannot be joined to TCS's
    // series, so the first kept row is the first trade after the run
    expect(result("TCS.NS").quality.firstDate).toBe("2004-05-06");
  });

  it("JSWSTEEL: 22 rows frozen at 40.91 in Feb-Mar 2005 are a stale run, history kept", () => {
    expect(reasonsBetween("JSWSTEEL.NS", "2005-02-21", "2005-03-22")).toEqual(
      Array(22).fill("stale-price-run"),
    );
    expect(result("JSWSTEEL.NS").quality.firstDate).toBe("2003-05-08");
  });
});

describe("validation of the real snapshot: holiday filler", () => {
  it.each(["2008-11-27", "2009-04-30", "2009-10-13", "2014-04-24", "2014-10-15"])(
    "market closure %s is holiday filler on every stock",
    (date) => {
      for (const symbol of stocks()) {
        // NESTLEIND was frozen until 2010-01-07: those rows belong to its stale run
        const frozen = symbol === "NESTLEIND.NS" && date < "2010-01-08";
        expect(reasonOn(symbol, date), symbol).toBe(frozen ? "stale-price-run" : "holiday-filler");
      }
    },
  );

  it("single filler rows inside live series are quarantined", () => {
    expect(reasonOn("INFY.NS", "2003-04-14")).toBe("holiday-filler");
    expect(reasonOn("JSWSTEEL.NS", "2022-09-12")).toBe("holiday-filler");
    expect(reasonOn("JSWSTEEL.NS", "2021-11-04")).toBe("holiday-filler");
    expect(reasonOn("HCLTECH.NS", "2003-02-13")).toBe("holiday-filler");
    expect(reasonsBetween("SBIN.NS", "2000-03-17", "2000-03-20")).toEqual([
      "holiday-filler",
      "holiday-filler",
    ]);
  });

  it("HCLTECH's zero-volume Saturday 2010-02-06 with moving prices is kept", () => {
    expect(keptBar("HCLTECH.NS", "2010-02-06")?.volume).toBe(0);
  });
});

describe("validation of the real snapshot: genuine moves are kept", () => {
  it.each([
    ["AXISBANK.NS", "2020-03-23"],
    ["INFY.NS", "2013-04-12"],
    ["SBIN.NS", "2017-10-25"],
    ["TATAMOTORS.NS", "2021-10-13"],
    ["INDUSINDBK.NS", "2020-03-16"],
    ["INDUSINDBK.NS", "2020-03-18"],
    ["INDUSINDBK.NS", "2020-03-23"],
    ["INDUSINDBK.NS", "2020-03-26"],
    ["INFY.NS", "2003-04-10"],
  ])("%s %s is kept with a jump warning", (symbol, date) => {
    const jump = jumpOn(symbol, date);
    expect(keptBar(symbol, date), `${symbol} ${date}`).toBeDefined();
    expect(Math.abs(jump?.logReturn ?? 0)).toBeGreaterThan(0.18);
  });

  it("keeps every INDUSINDBK row of March 2020", () => {
    expect(reasonsBetween("INDUSINDBK.NS", "2020-03-01", "2020-03-31")).toEqual([]);
  });

  it.each([
    ["HDFCBANK.NS", "2004-05-17"],
    ["WIPRO.NS", "2004-05-17"],
    ["KOTAKBANK.NS", "2006-06-08"],
    ["INDUSINDBK.NS", "2008-01-22"],
    ["ICICIBANK.NS", "2008-10-10"],
    ["SUNPHARMA.NS", "2009-05-18"],
  ])(
    "%s %s: a crash day that rebounded but traded through the previous close is kept",
    (symbol, date) => {
      expect(keptBar(symbol, date)).toBeDefined();
      expect(jumpOn(symbol, date)?.detail).toMatch(/traded through/);
    },
  );

  it("keeps the weekend Muhurat sessions 2019-10-27 and 2020-11-14 on every stock", () => {
    for (const symbol of stocks()) {
      expect(keptBar(symbol, "2019-10-27"), symbol).toBeDefined();
      expect(keptBar(symbol, "2020-11-14"), symbol).toBeDefined();
    }
  });

  it("^BSESN keeps every row: its zero volume of 1997-2003 comes with moving prices", () => {
    const r = result("BSESN");
    expect(r.quality.quarantined).toEqual([]);
    const early = r.kept.filter((b) => b.date < "2004-01-01");
    expect(early.length).toBeGreaterThan(1500);
    expect(early.filter((b) => b.volume === 0).length).toBeGreaterThan(1400);
  });
});
