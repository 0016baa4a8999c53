/**
 * The predictor on real ^BSESN bars with a small seeded (untrained) MLP and a card built for it:
 * the forecast's fields, too few bars, start-independence, and no look-ahead (a forecast made
 * at date D equals the network's output on the feature-table row of D computed from the full
 * history, i.e. the row training and evaluation see).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { symbolForecastSchema, type Bar, type ModelCard } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { conformalQuantile } from "../../pipeline/model/conformal.js";
import { applyPlatt } from "../../pipeline/model/platt.js";
import { nextWeekday } from "../../pipeline/forecast/describe.js";
import { computeFeatures } from "../../pipeline/indicators/compute.js";
import { FEATURE_NAMES } from "../../pipeline/indicators/registry.js";
import { initBackend } from "../../pipeline/model/backend.js";
import { predictRows } from "../../pipeline/model/infer.js";
import { buildMlp } from "../../pipeline/model/networks.js";
import {
  MIN_BARS,
  PredictionInputError,
  createPredictor,
  loadPredictor,
  type Predictor,
} from "../../pipeline/model/predictor.js";
import { fitScaler } from "../../pipeline/model/scaler.js";
import { saveModelArtifacts } from "../../pipeline/model/serialize.js";
import { validateBars } from "../../pipeline/quality/rules.js";
import { makeCard } from "../helpers/model-card.js";

const K = FEATURE_NAMES.length;
const VOL_INDEX = FEATURE_NAMES.indexOf("vol_20");
const ABOUT = { symbol: "^BSESN", name: "S&P BSE SENSEX", sector: "Index", isIndex: true };
/** 0.25, 0.5, ..., 5 in a scrambled order: the predictor must sort them */
const SCORES = Array.from({ length: 20 }, (_, i) => 0.25 * (((i * 7) % 20) + 1));

function loadBars(): Bar[] {
  const file = join(import.meta.dirname, "../../data/snapshot/prices/BSESN.csv");
  const parsed = parsePriceCsv(readFileSync(file, "utf8"), file);
  return validateBars("^BSESN", parsed, { jumpThreshold: 0.18, staleRunDays: 5 }).kept;
}

describe("createPredictor on real ^BSESN bars", () => {
  const bars = loadBars();
  const table = computeFeatures(bars);
  const rowOf = (date: string) =>
    Float32Array.from(table.columns, (c) => c[table.dates.indexOf(date)]!);
  let model: tf.LayersModel;
  let card: ModelCard;
  let predictor: Predictor;

  beforeAll(async () => {
    expect(await initBackend("wasm")).toBe("wasm");
    model = buildMlp({ seed: 11, inputSize: K, hidden: [16, 8] });
    const x = new Float32Array(table.dates.length * K);
    table.dates.forEach((_, i) => table.columns.forEach((c, k) => (x[i * K + k] = c[i]!)));
    const scaler = fitScaler(x, K);
    card = makeCard(1, {
      backend: "wasm",
      signature: {
        featureNames: [...FEATURE_NAMES],
        inputShape: [null, K],
        outputs: [
          { name: "ret", shape: [null, 1] },
          { name: "up", shape: [null, 1] },
        ],
      },
      scaler: { mean: [...scaler.mean], std: [...scaler.std] },
      returnScale: 0.01,
      conformal: { scores: SCORES, alphas: { "0.8": 0.2, "0.95": 0.05 } },
      calibration: { a: 0.05, b: 0.9 },
    });
    predictor = createPredictor(card, model, "wasm");
  });

  afterAll(() => predictor.dispose());

  it("forecasts the next weekday after the last bar, with consistent numbers", () => {
    const f = predictor.forecast(bars, ABOUT);
    expect(symbolForecastSchema.parse(f)).toEqual(f);
    expect(predictor.backend).toBe("wasm");
    expect(f).toMatchObject(ABOUT);
    expect(f.dataEnd).toBe(bars.at(-1)!.date);
    expect(f.dataEnd).toBe("2023-06-30"); // a Friday
    expect(f.targetDate).toBe("2023-07-03");
    expect(f.targetDate).toBe(nextWeekday(f.dataEnd));
    expect(f.lastClose).toBe(bars.at(-1)!.close);
    expect(f.probabilityUp).toBeGreaterThanOrEqual(0);
    expect(f.probabilityUp).toBeLessThanOrEqual(1);
    expect(f.direction).toBe(f.probabilityUp >= 0.5 ? "up" : "down");
    expect(f.expectedClose).toBeCloseTo(f.lastClose * Math.exp(f.expectedReturn), 9);
    expect(f.note.length).toBeGreaterThan(20);
  });

  it("gives nested conformal intervals around the expected return, scaled by vol_20", () => {
    const f = predictor.forecast(bars, ABOUT);
    const { interval80: i80, interval95: i95 } = f;
    expect(i95.lower).toBeLessThanOrEqual(i80.lower);
    expect(i80.upper).toBeLessThanOrEqual(i95.upper);
    expect(i80.lower).toBeLessThan(f.expectedReturn);
    expect(i80.upper).toBeGreaterThan(f.expectedReturn);
    // 20 scores: at alpha 0.2 the 17th smallest (ceil(0.8 * 21)), at 0.05 the 20th
    const sorted = Float64Array.from(SCORES).sort();
    expect(conformalQuantile(sorted, 0.2)).toBe(4.25);
    expect(conformalQuantile(sorted, 0.05)).toBe(5);
    const vol = table.columns[VOL_INDEX]!.at(-1)!;
    expect((i80.upper - i80.lower) / 2).toBeCloseTo(4.25 * vol, 9);
    expect((i95.upper - i95.lower) / 2).toBeCloseTo(5 * vol, 9);
    expect((i80.upper + i80.lower) / 2).toBeCloseTo(f.expectedReturn, 12);
  });

  it("refuses fewer than MIN_BARS bars with a PredictionInputError naming MIN_BARS", () => {
    const few = bars.slice(-(MIN_BARS - 1));
    let error: unknown;
    try {
      predictor.forecast(few, ABOUT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PredictionInputError);
    expect((error as Error).name).toBe("PredictionInputError");
    expect((error as Error).message).toContain(`at least ${MIN_BARS} daily bars`);
    expect((error as Error).message).toContain("^BSESN");
    expect(() => predictor.forecast([], ABOUT)).toThrow(PredictionInputError);
    // exactly MIN_BARS is enough
    expect(predictor.forecast(bars.slice(-MIN_BARS), ABOUT).dataEnd).toBe(bars.at(-1)!.date);
  });

  it("does not depend on where the history starts", () => {
    const full = predictor.forecast(bars, ABOUT);
    // the window the predictor uses: the last MIN_BARS - 1 + 250 bars
    const recent = predictor.forecast(bars.slice(-(MIN_BARS + 250)), ABOUT);
    for (const key of ["probabilityUp", "expectedReturn", "expectedClose"] as const) {
      expect(Math.abs(recent[key] - full[key])).toBeLessThanOrEqual(1e-9 * Math.abs(full[key]));
    }
    expect(recent.interval80.lower).toBeCloseTo(full.interval80.lower, 12);
    expect(recent.interval95.upper).toBeCloseTo(full.interval95.upper, 12);
    expect(recent.risk).toBe(full.risk);
    // the bare minimum of bars: the features are start-independent after their warm-up
    const minimal = predictor.forecast(bars.slice(-MIN_BARS), ABOUT);
    expect(minimal.probabilityUp).toBeCloseTo(full.probabilityUp, 6);
    expect(minimal.expectedReturn).toBeCloseTo(full.expectedReturn, 8);
  });

  it.each(["2008-10-24", "2016-11-09", "2020-03-23", "2023-06-28"])(
    "no look-ahead: the forecast at %s equals the network on the full-history feature row",
    (date) => {
      const cut = bars.findIndex((b) => b.date === date);
      expect(cut).toBeGreaterThan(MIN_BARS);
      const f = predictor.forecast(bars.slice(0, cut + 1), ABOUT);
      expect(f.dataEnd).toBe(date);
      expect(f.lastClose).toBe(bars[cut]!.close);
      expect(f.targetDate).toBe(nextWeekday(date));
      // the row of D in the table computed from every bar, later ones included
      const out = predictRows(model, card.scaler, card.returnScale, rowOf(date), 1);
      expect(f.probabilityUp).toBeCloseTo(applyPlatt(card.calibration, out.probabilityUp[0]!), 6);
      expect(f.expectedReturn).toBeCloseTo(out.expectedReturn![0]!, 8);
    },
  );

  it("loadPredictor on the saved artifacts forecasts the same", async () => {
    const saved = await saveModelArtifacts(model);
    const loaded = await loadPredictor({ card, ...saved });
    try {
      expect(loaded.backend).toBe("wasm");
      expect(loaded.forecast(bars, ABOUT)).toEqual(predictor.forecast(bars, ABOUT));
    } finally {
      loaded.dispose();
    }
  });
});
