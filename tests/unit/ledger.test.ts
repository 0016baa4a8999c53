import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LedgerRow } from "../../core/contracts.js";
import {
  appendForecasts,
  fillOutcomes,
  formatLedger,
  parseLedger,
  readLedger,
  writeLedger,
} from "../../core/ledger.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";

function forecast(symbol: string, dataEnd: string, direction: "up" | "down" = "up"): LedgerRow {
  return {
    publishedAt: "2023-06-30T12:00:00.000Z",
    modelVersion: 1,
    symbol,
    dataEnd,
    targetDate: "2023-07-03",
    direction,
    probabilityUp: direction === "up" ? 0.53 : 0.47,
    expectedReturn: 0.0004,
    lower80: -0.01,
    upper80: 0.011,
    lower95: -0.02,
    upper95: 0.021,
    realisedDate: null,
    realisedReturn: null,
    hit: null,
  };
}

describe("forecast ledger", () => {
  it("round-trips through CSV", async () => {
    const rows = [
      forecast("^BSESN", "2023-06-29"),
      {
        ...forecast("M&M.NS", "2023-06-29", "down"),
        realisedDate: "2023-06-30",
        realisedReturn: -0.01,
        hit: true,
      },
    ];
    const path = join(tempArtifactsDir(), "forecasts", "ledger.csv");
    await writeLedger(path, rows);
    expect(await readLedger(path)).toEqual(rows);
    expect(readFileSync(path, "utf8").split("\n")[0]).toMatch(/^publishedAt,modelVersion,symbol/);
  });

  it("appends only forecasts not yet published for that symbol and data end", () => {
    const first = appendForecasts([], [forecast("^BSESN", "2023-06-29")]);
    expect(first.appended).toBe(1);
    const again = appendForecasts(first.rows, [
      { ...forecast("^BSESN", "2023-06-29"), probabilityUp: 0.9 },
      forecast("^BSESN", "2023-06-30"),
    ]);
    expect(again.appended).toBe(1);
    expect(again.rows[0]!.probabilityUp).toBe(0.53);
  });

  it("fills realised outcomes once the next session closed, never rewriting the forecast", () => {
    const ledger = [
      forecast("^BSESN", "2023-06-28"),
      forecast("^BSESN", "2023-06-29", "down"),
      forecast("^BSESN", "2023-06-30"),
    ];
    const closes = new Map([
      ["^BSESN", { dates: ["2023-06-28", "2023-06-29", "2023-06-30"], close: [100, 101, 100.5] }],
    ]);
    const { rows, filled } = fillOutcomes(ledger, closes);
    expect(filled).toBe(2);
    expect(rows[0]).toMatchObject({ realisedDate: "2023-06-29", hit: true });
    expect(rows[0]!.realisedReturn).toBeCloseTo(Math.log(1.01), 12);
    expect(rows[1]).toMatchObject({ realisedDate: "2023-06-30", hit: true });
    expect(rows[2]!.realisedReturn).toBeNull();
    const before = formatLedger(ledger)
      .split("\n")
      .map((l) => l.split(",").slice(0, 12).join(","));
    const after = formatLedger(rows)
      .split("\n")
      .map((l) => l.split(",").slice(0, 12).join(","));
    expect(after).toEqual(before);
    expect(fillOutcomes(rows, closes).filled).toBe(0);
  });

  it("names the row and field of a damaged ledger", () => {
    const text = formatLedger([forecast("^BSESN", "2023-06-29")]).replace("0.53", "lots");
    expect(() => parseLedger(text, "ledger.csv")).toThrow(/ledger\.csv row 2: probabilityUp/);
  });
});
