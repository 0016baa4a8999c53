import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { computeFeatures } from "../../pipeline/indicators/compute.js";
import { buildDataset, type CloseSeries } from "../../pipeline/model/dataset.js";
import { validateBars } from "../../pipeline/quality/rules.js";

const PRICES = join(import.meta.dirname, "../../data/snapshot/prices");
const OPTIONS = { jumpThreshold: 0.18, staleRunDays: 5 };

function keptBars(file: string, symbol: string): Bar[] {
  const text = readFileSync(join(PRICES, file), "utf8");
  return validateBars(symbol, parsePriceCsv(text, file), OPTIONS).kept;
}

function datasetOf(symbols: [string, Bar[]][]) {
  const parts = symbols.map(([symbol, bars]) => ({ symbol, ...computeFeatures(bars) }));
  const closes = new Map<string, CloseSeries>(
    symbols.map(([symbol, bars]) => [
      symbol,
      { dates: bars.map((b) => b.date), close: Float64Array.from(bars, (b) => b.close) },
    ]),
  );
  return buildDataset(parts, closes);
}

describe("the pooled dataset on the real snapshot", () => {
  const index = keptBars("BSESN.csv", "^BSESN");
  const stock = keptBars("INFY.NS.csv", "INFY.NS");
  const CUT = 25;
  const full = datasetOf([
    ["^BSESN", index],
    ["INFY.NS", stock],
  ]);
  const earlier = datasetOf([
    ["^BSESN", index.slice(0, -CUT)],
    ["INFY.NS", stock.slice(0, -CUT)],
  ]);

  it("appending bars changes no earlier row, and only each old forecast row gains a target", () => {
    const k = full.labelled.featureCount;
    expect(k).toBe(45);
    for (let s = 0; s < 2; s++) {
      const rowsOf = (d: typeof full, sym: number) =>
        Array.from(d.labelled.symbolIndex.keys()).filter((i) => d.labelled.symbolIndex[i] === sym);
      const oldRows = rowsOf(earlier, s);
      const newRows = rowsOf(full, s);
      oldRows.forEach((r, j) => {
        const q = newRows[j]!;
        expect(full.labelled.dates[q]).toBe(earlier.labelled.dates[r]);
        expect(full.labelled.ret[q]).toBe(earlier.labelled.ret[r]);
        expect(full.labelled.x.subarray(q * k, (q + 1) * k)).toEqual(
          earlier.labelled.x.subarray(r * k, (r + 1) * k),
        );
      });
      const gained = newRows[oldRows.length]!;
      expect(full.labelled.dates[gained]).toBe(earlier.forecast.dates[s]);
      expect(full.labelled.x.subarray(gained * k, (gained + 1) * k)).toEqual(
        earlier.forecast.x.subarray(s * k, (s + 1) * k),
      );
      expect(newRows.length - oldRows.length).toBe(CUT);
    }
    expect(full.forecast.dates).toEqual([index.at(-1)!.date, stock.at(-1)!.date]);
  });

  it("has targets that are next-day moves, not a leak-shaped rate", () => {
    const { ret, up, n } = full.labelled;
    const upRate = up.reduce((a, b) => a + b, 0) / n;
    expect(upRate).toBeGreaterThan(0.45);
    expect(upRate).toBeLessThan(0.58);
    const maxAbs = ret.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
    expect(maxAbs).toBeLessThan(0.5);
    expect(full.labelled.x.every(Number.isFinite)).toBe(true);
  });
});
