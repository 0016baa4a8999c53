/**
 * The one predictor: bars -> the 45 features of the last bar -> the champion network -> a
 * calibrated probability and a conformal interval -> a forecast. The forecast stage and the
 * server's `POST /api/predict` both use it, so published and served numbers cannot disagree.
 * The features come from computeLastFeatureRow, held to the training feature table by
 * tests/unit/last-row.test.ts.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Bar, ModelCard, SymbolForecast } from "../../core/contracts.js";
import { conformalQuantile } from "../evaluation/conformal.js";
import { applyPlatt } from "../evaluation/platt.js";
import { confidenceLevel, nextWeekday, plainNote, riskLevel } from "../forecast/describe.js";
import { computeLastFeatureRow } from "../indicators/last-row.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS } from "../indicators/registry.js";
import { initBackend } from "./backend.js";
import { predictRows } from "./infer.js";
import { loadModelArtifacts } from "./serialize.js";

/** Bars of history the risk level compares today's volatility with (about a year). */
export const RISK_HISTORY_BARS = 250;
/** The fewest bars a forecast can be made from: the indicators' warm-up plus the day itself. */
export const MIN_BARS = MAX_WARMUP_BARS + 1;

const VOL_INDEX = FEATURE_NAMES.indexOf("vol_20");

export class PredictionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PredictionInputError";
  }
}

export interface SymbolDescription {
  symbol: string;
  name: string;
  sector: string;
  isIndex: boolean;
}

export interface Predictor {
  card: ModelCard;
  backend: string;
  forecast(bars: readonly Bar[], about: SymbolDescription): SymbolForecast;
  dispose(): void;
}

function intervalAt(
  card: ModelCard,
  sortedScores: Float64Array,
  level: number,
  center: number,
  vol: number,
) {
  const alpha = card.conformal.alphas[String(level)] ?? 1 - level;
  // the adaptive alpha may wander outside (0, 1); keep the interval finite and non-empty
  const clamped = Math.min(1 - 1e-6, Math.max(1 / (sortedScores.length + 1), alpha));
  const q =
    sortedScores.length > 0 ? conformalQuantile(sortedScores, clamped) : Number.POSITIVE_INFINITY;
  const half = Number.isFinite(q) ? q * Math.max(vol, 1e-4) : 0.2;
  return { lower: center - half, upper: center + half };
}

export function createPredictor(
  card: ModelCard,
  model: tf.LayersModel,
  backend: string,
): Predictor {
  const scaler = card.scaler;
  const sortedScores = Float64Array.from(card.conformal.scores).sort();
  return {
    card,
    backend,
    forecast(bars, about) {
      if (bars.length < MIN_BARS) {
        throw new PredictionInputError(
          `${about.symbol}: ${bars.length} bars given; the indicators need at least ${MIN_BARS} daily bars (${MAX_WARMUP_BARS} of warm-up plus the day to forecast from)`,
        );
      }
      const row = computeLastFeatureRow(bars, RISK_HISTORY_BARS);
      const dataEnd = row.date;
      const out = predictRows(model, scaler, card.returnScale, Float32Array.from(row.values), 1);
      const probabilityUp = applyPlatt(card.calibration, out.probabilityUp[0]!);
      const expectedReturn = out.expectedReturn?.[0] ?? 0;
      const vol = row.values[VOL_INDEX]!;
      const interval80 = intervalAt(card, sortedScores, 0.8, expectedReturn, vol);
      const interval95 = intervalAt(card, sortedScores, 0.95, expectedReturn, vol);
      const confidence = confidenceLevel(probabilityUp);
      const risk = riskLevel(vol, row.volatilityHistory);
      const lastClose = bars.at(-1)!.close;
      return {
        ...about,
        dataEnd,
        lastClose,
        targetDate: nextWeekday(dataEnd),
        direction: probabilityUp >= 0.5 ? "up" : "down",
        probabilityUp,
        expectedReturn,
        expectedClose: lastClose * Math.exp(expectedReturn),
        interval80,
        interval95,
        confidence,
        risk,
        note: plainNote({
          name: about.name,
          probabilityUp,
          expectedReturn,
          interval80,
          confidence,
          risk,
        }),
      };
    },
    dispose: () => model.dispose(),
  };
}

export async function loadPredictor(stored: {
  card: ModelCard;
  modelJson: string;
  weights: Uint8Array;
}): Promise<Predictor> {
  const backend = await initBackend();
  const model = await loadModelArtifacts(stored.modelJson, stored.weights);
  return createPredictor(stored.card, model, backend);
}
