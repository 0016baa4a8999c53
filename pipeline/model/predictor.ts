/**
 * The one predictor: bars -> the 45 features of the last bar -> the champion network -> a
 * calibrated probability and a conformal interval -> a forecast. The forecast stage and the
 * server's `POST /api/predict` both use it, so published and served numbers cannot disagree.
 * The features come from computeLastFeatureRow, held to the training feature table by
 * tests/unit/last-row.test.ts.
 */
import type * as tf from "@tensorflow/tfjs";
import {
  RISK_HISTORY_BARS,
  type Bar,
  type ModelCard,
  type SymbolForecast,
} from "../../core/contracts.js";
import { conformalQuantile } from "./conformal.js";
import { applyPlatt } from "./platt.js";
import { confidenceLevel, nextWeekday, plainNote, riskLevel } from "../forecast/describe.js";
import { computeLastFeatureRow } from "../indicators/last-row.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS } from "../indicators/registry.js";
import { initBackend } from "./backend.js";
import { applyMemberProbability } from "./member-probability.js";
import { crossSectionalZ, MIN_MEMBERS_PER_DAY } from "./cross-section.js";
import { predictRows, scoreRows } from "./infer.js";
import { assembleRankerInputs } from "./recipe.js";
import { transform } from "./scaler.js";
import { loadModelArtifacts } from "./serialize.js";

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
  /** one symbol alone: the absolute forecast (a ranking needs the other members' same day) */
  forecast(bars: readonly Bar[], about: SymbolDescription): SymbolForecast;
  /**
   * The index and the members together: each member is also ranked against the others, and
   * its probability of a rise combines the market-level forecast with its relative score.
   */
  forecastAll(
    items: readonly { bars: readonly Bar[]; about: SymbolDescription }[],
  ): SymbolForecast[];
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

/** The same forecast with another probability of a rise: direction, confidence and note follow. */
function describe(f: SymbolForecast, probabilityUp: number): SymbolForecast {
  const confidence = confidenceLevel(probabilityUp);
  return {
    ...f,
    probabilityUp,
    direction: probabilityUp >= 0.5 ? "up" : "down",
    confidence,
    note: plainNote({
      name: f.name,
      probabilityUp,
      expectedReturn: f.expectedReturn,
      interval80: f.interval80,
      confidence,
      risk: f.risk,
    }),
  };
}

export function createPredictor(
  card: ModelCard,
  model: tf.LayersModel,
  backend: string,
  ranker: tf.LayersModel | null = null,
): Predictor {
  const scaler = card.scaler;
  const sortedScores = Float64Array.from(card.conformal.scores).sort();
  function absolute(bars: readonly Bar[], about: SymbolDescription) {
    if (bars.length < MIN_BARS) {
      throw new PredictionInputError(
        `${about.symbol}: ${bars.length} bars given; the indicators need at least ${MIN_BARS} daily bars (${MAX_WARMUP_BARS} of warm-up plus the day to forecast from)`,
      );
    }
    const row = computeLastFeatureRow(bars, RISK_HISTORY_BARS);
    const dataEnd = row.date;
    const out = predictRows(model, scaler, card.returnScale, Float32Array.from(row.values), 1);
    const rawProbability = out.probabilityUp[0]!;
    const probabilityUp = applyPlatt(card.calibration, rawProbability);
    const expectedReturn = out.expectedReturn?.[0] ?? 0;
    const vol = row.values[VOL_INDEX]!;
    const interval80 = intervalAt(card, sortedScores, 0.8, expectedReturn, vol);
    const interval95 = intervalAt(card, sortedScores, 0.95, expectedReturn, vol);
    const confidence = confidenceLevel(probabilityUp);
    const risk = riskLevel(vol, row.volatilityHistory);
    const lastClose = bars.at(-1)!.close;
    const forecast: SymbolForecast = {
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
    return { forecast, rawProbability, values: row.values };
  }

  return {
    card,
    backend,
    forecast: (bars, about) => absolute(bars, about).forecast,
    forecastAll(items) {
      const parts = items.map((item) => absolute(item.bars, item.about));
      const members = parts.filter((p) => !p.forecast.isIndex);
      const info = card.ranker;
      if (!ranker || !info || members.length < MIN_MEMBERS_PER_DAY)
        return parts.map((p) => p.forecast);
      const k = FEATURE_NAMES.length;
      const x = new Float32Array(members.length * k);
      members.forEach((m, i) => x.set(m.values, i * k));
      // one cross-section: the members' last bars, z-scored against each other
      const cs = crossSectionalZ(
        x,
        k,
        members.map(() => "last"),
        () => true,
      );
      const raw = info.scaler ? transform(info.scaler, x) : null;
      const scores = scoreRows(
        ranker,
        assembleRankerInputs(info, cs, raw, members.length),
        members.length,
      );
      const order = members.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      const rankOf = new Map(order.map((i, r) => [i, r + 1]));
      const relative = new Map(
        members.map((m, i) => {
          const score = scores[i]!;
          const probabilityUp = info.memberProbability
            ? applyMemberProbability(info.memberProbability, m.rawProbability, score)
            : m.forecast.probabilityUp;
          const forecast = describe(m.forecast, probabilityUp);
          const rank = rankOf.get(i)!;
          forecast.note += ` Ranked ${rank} of ${members.length} members for the next session by the ranking model.`;
          return [
            m,
            {
              ...forecast,
              relative: {
                score,
                rank: rankOf.get(i)!,
                of: members.length,
                expectedExcessReturn: (info.excessReturnPerScore ?? 0) * score,
              },
            },
          ];
        }),
      );
      return parts.map((p) => relative.get(p) ?? p.forecast);
    },
    dispose: () => {
      model.dispose();
      ranker?.dispose();
    },
  };
}

export async function loadPredictor(stored: {
  card: ModelCard;
  modelJson: string;
  weights: Uint8Array;
  ranker?: { modelJson: string; weights: Uint8Array } | undefined;
}): Promise<Predictor> {
  const backend = await initBackend();
  const model = await loadModelArtifacts(stored.modelJson, stored.weights);
  const ranker = stored.ranker
    ? await loadModelArtifacts(stored.ranker.modelJson, stored.ranker.weights)
    : null;
  return createPredictor(stored.card, model, backend, ranker);
}
