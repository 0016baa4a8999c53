/**
 * The features must not depend on where a series starts: computed from the full history and
 * from the same file starting 100, 300 or 1000 bars later, every feature agrees on every shared
 * date within 1e-6 relative (1e-9 absolute near zero). There is no exception.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { computeFeatureColumns, computeFeatures } from "../../pipeline/indicators/compute.js";
import { FEATURES, FEATURE_NAMES, type FeatureName } from "../../pipeline/indicators/registry.js";

function loadBars(file: string, from = ""): Bar[] {
  const path = new URL(`../../data/snapshot/prices/${file}`, import.meta.url);
  return parsePriceCsv(readFileSync(path, "utf8"), file).bars.filter((b) => b.date >= from);
}

const SYMBOLS = [
  { file: "BSESN.csv", from: "" },
  { file: "RELIANCE.NS.csv", from: "" },
  { file: "INFY.NS.csv", from: "" },
  { file: "HDFCBANK.NS.csv", from: "" },
  // 2003-2009 is a 1,700-day run of identical holiday-filler bars that validation quarantines
  { file: "NESTLEIND.NS.csv", from: "2010-01-01" },
];
const OFFSETS = [100, 300, 1000];

function agree(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-6 * Math.max(Math.abs(a), Math.abs(b)), 1e-9);
}

describe.each(SYMBOLS)("start-independence on $file", ({ file, from }) => {
  const bars = loadBars(file, from);

  it("computeFeatures agrees on every shared date for starts 100, 300 and 1000 bars later", () => {
    const base = computeFeatures(bars);
    for (const offset of OFFSETS) {
      const later = computeFeatures(bars.slice(offset));
      expect(later.dates.length).toBeGreaterThan(1000);
      // later row i is bar offset + MAX_WARMUP_BARS + i, base row offset + i
      expect(later.dates).toEqual(base.dates.slice(offset));
      const disagreements: string[] = [];
      FEATURE_NAMES.forEach((name, k) => {
        const a = base.columns[k]!;
        const b = later.columns[k]!;
        for (let i = 0; i < b.length; i++) {
          if (!agree(a[offset + i]!, b[i]!)) {
            disagreements.push(`${name} ${later.dates[i]} ${a[offset + i]} vs ${b[i]}`);
          }
        }
      });
      expect(disagreements.slice(0, 5), `start +${offset}`).toEqual([]);
    }
  });

  it("each feature is start-independent from its own registry warm-up on", () => {
    const base = computeFeatureColumns(bars);
    for (const offset of OFFSETS) {
      const later = computeFeatureColumns(bars.slice(offset));
      for (const f of FEATURES) {
        const a = base[f.name as FeatureName];
        const b = later[f.name as FeatureName];
        let bad = 0;
        for (let i = f.warmupBars; i < b.length; i++) if (!agree(a[offset + i]!, b[i]!)) bad++;
        expect(bad, `${f.name} start +${offset}`).toBe(0);
      }
    }
  });

  it("the exponential features do need their warm-up: their first outputs depend on the start", () => {
    const base = computeFeatureColumns(bars);
    const later = computeFeatureColumns(bars.slice(300));
    const firstOutput: Partial<Record<FeatureName, number>> = {
      close_ema_26: 25,
      rsi_14: 14,
      adx_14: 27,
      macd_signal: 33,
    };
    for (const [name, i] of Object.entries(firstOutput)) {
      const a = base[name as FeatureName][300 + i]!;
      const b = later[name as FeatureName][i]!;
      expect(Number.isFinite(b), name).toBe(true);
      expect(agree(a, b), `${name}: ${a} vs ${b}`).toBe(false);
    }
  });
});
