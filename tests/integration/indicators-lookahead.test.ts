/**
 * No look-ahead: the value for day t is a function of bars 0..t only, so appending future bars
 * or changing them leaves every earlier value bit-identical.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Bar } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import {
  computeFeatureColumns,
  computeFeatures,
  type FeatureMatrix,
} from "../../pipeline/indicators/compute.js";
import { createRng } from "../../core/random.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS } from "../../pipeline/indicators/registry.js";

function loadBars(file: string): Bar[] {
  const path = new URL(`../../data/snapshot/prices/${file}`, import.meta.url);
  return parsePriceCsv(readFileSync(path, "utf8"), file).bars;
}

/** Every bar after `cut` moved randomly (seeded), keeping valid OHLC and volume. */
function perturbAfter(bars: readonly Bar[], cut: number, seed: number): Bar[] {
  const rng = createRng(seed);
  const random = () => rng.uniform();
  return bars.map((b, t) => {
    if (t <= cut) return b;
    const scale = Math.exp((random() - 0.5) * 0.2);
    const open = b.open * scale * (1 + (random() - 0.5) * 0.02);
    const close = b.close * scale * (1 + (random() - 0.5) * 0.02);
    const high = Math.max(open, close, b.high * scale);
    const low = Math.min(open, close, b.low * scale);
    const volume = Math.round(b.volume * 2 * random() + 1000 * random());
    return { ...b, open, high, low, close, adjClose: close, volume };
  });
}

/** Rows of `part` that are not bit-identical to the same rows of `whole`. */
function differingRows(part: FeatureMatrix, whole: FeatureMatrix, rows: number): string[] {
  const out: string[] = [];
  FEATURE_NAMES.forEach((name, k) => {
    for (let i = 0; i < rows; i++) {
      if (!Object.is(part.columns[k]![i], whole.columns[k]![i])) {
        out.push(`${name} ${part.dates[i]}`);
      }
    }
  });
  return out;
}

describe.each(["BSESN.csv", "RELIANCE.NS.csv", "ITC.NS.csv"])("no look-ahead on %s", (file) => {
  const bars = loadBars(file);
  const full = computeFeatures(bars);

  it("appending future bars leaves every earlier row bit-identical", () => {
    const cuts = [MAX_WARMUP_BARS + 1, MAX_WARMUP_BARS + 137, Math.floor(bars.length / 2)];
    for (const n of [...cuts, bars.length - 1]) {
      const prefix = computeFeatures(bars.slice(0, n));
      expect(prefix.dates).toEqual(full.dates.slice(0, n - MAX_WARMUP_BARS));
      expect(differingRows(prefix, full, prefix.dates.length).slice(0, 5)).toEqual([]);
    }
  });

  it("perturbing every bar after a cut leaves all values up to the cut bit-identical", () => {
    const cut = Math.floor(bars.length * 0.6);
    const perturbed = perturbAfter(bars, cut, 20240611);
    const rowsUpToCut = cut - MAX_WARMUP_BARS + 1;
    const changed = computeFeatures(perturbed);
    expect(differingRows(changed, full, rowsUpToCut).slice(0, 5)).toEqual([]);

    // including the warm-up rows (NaN there is compared with Object.is too)
    const before = computeFeatureColumns(bars);
    const after = computeFeatureColumns(perturbed);
    for (const name of FEATURE_NAMES) {
      for (let t = 0; t <= cut; t++) {
        if (!Object.is(before[name][t], after[name][t])) {
          expect.fail(`${name} changed on ${bars[t]!.date}, before the cut`);
        }
      }
      // the perturbation reaches every feature after the cut, so the check above can fail
      let changedAfterCut = 0;
      for (let t = cut + 1; t < bars.length; t++) {
        if (!Object.is(before[name][t], after[name][t])) changedAfterCut++;
      }
      expect(changedAfterCut, name).toBeGreaterThan(0);
    }
  });
});
