/**
 * A replay's retraining on day R: the network of the train stage (same recipe, options and
 * seed) fitted on the rows whose target is known by R, with features from the bars validated
 * up to R, written to the registry as a new version with a full model card. Aliases untouched.
 */
import type { Bar, ModelCard } from "../../core/contracts.js";
import type { Config } from "../../core/config.js";
import { formatPriceCsv } from "../../core/price-csv.js";
import { sha256 } from "../../core/store.js";
import type { SymbolFeatures } from "../../core/feature-table.js";
import { computeFeatures, type FeatureMatrix } from "../indicators/compute.js";
import { FEATURE_NAMES, MAX_WARMUP_BARS, featureSetHash } from "../indicators/registry.js";
import { buildDataset, type CloseSeries, type LabelledRows } from "../model/dataset.js";
import { fitPlatt } from "../model/platt.js";
import { predictRows } from "../model/infer.js";
import { codeCommit, modelConfigHash, trainOptions, trainedNetworkCard } from "../model/lineage.js";
import { saveModelArtifacts } from "../model/serialize.js";
import { trainNetwork, type TrainedNetwork } from "../model/train.js";
import type { ValidateOptions } from "../quality/rules.js";
import {
  MODEL_NAME,
  nextVersion,
  writeVersion,
  type StoredModel,
} from "../../core/registry-store.js";
import { upperBound, validatedUpTo, type SymbolHistory } from "./history.js";

/** Distinct dates of held-out forecasts behind the conformal scores and the calibration. */
const CONFORMAL_DATES = 250;
const NOMINAL_ALPHAS = { "0.8": 0.2, "0.9": 0.1, "0.95": 0.05 };
const VOL_INDEX = FEATURE_NAMES.indexOf("vol_20");

/**
 * Features of a symbol's bars validated up to R. The indicators are causal (a row depends on
 * its own and earlier bars only, bit for bit: tests/integration/indicators-lookahead.test.ts),
 * so the rows up to R of one run over the bars validated up to --to are the rows a run over
 * the bars validated up to R would give, WHEN those bars are the same. They differ when
 * validation could not yet know something at R (a spike on R that reverts later, a frozen run
 * still too short to be stale); then the features are recomputed from the bars known at R.
 */
export class FeatureSource {
  private readonly full = new Map<string, { bars: Bar[]; features: FeatureMatrix }>();

  constructor(
    private readonly to: string,
    private readonly validate: ValidateOptions,
  ) {}

  private fullRun(history: SymbolHistory) {
    let run = this.full.get(history.info.symbol);
    if (!run) {
      const bars = validatedUpTo(history, this.to, this.validate);
      run = { bars, features: computeFeatures(bars) };
      this.full.set(history.info.symbol, run);
    }
    return run;
  }

  /** The feature rows dated up to `at` of `bars` (the symbol's bars validated up to `at`). */
  featuresAt(
    history: SymbolHistory,
    bars: readonly Bar[],
    at: string,
  ): { features: SymbolFeatures; recomputed: boolean } {
    const symbol = history.info.symbol;
    const run = this.fullRun(history);
    const n = upperBound(
      run.bars.map((b) => b.date),
      at,
    );
    // validateBars keeps the parsed Bar objects themselves, so identity is equality here
    const same = bars.length === n && bars.every((b, i) => b === run.bars[i]);
    if (!same) {
      const { dates, columns } = computeFeatures(bars);
      return { features: { symbol, dates, columns }, recomputed: true };
    }
    const rows = Math.max(0, n - MAX_WARMUP_BARS);
    return {
      features: {
        symbol,
        dates: run.features.dates.slice(0, rows),
        columns: run.features.columns.map((c) => c.subarray(0, rows)),
      },
      recomputed: false,
    };
  }
}

interface RetrainInput {
  /** the retrain day R: bars dated up to R are known */
  at: string;
  /** the last replayed day this model forecasts from */
  usedUntil: string;
  /** every training symbol (artifact order) with its bars validated up to R */
  snapshots: { history: SymbolHistory; bars: Bar[] }[];
}

interface RetrainResult {
  stored: StoredModel;
  trained: Omit<TrainedNetwork, "model">;
  /** symbols whose features were recomputed because validation at R differed */
  recomputed: string[];
  /** where the conformal state and calibration came from */
  conformalSource: string;
}

/**
 * On the early-stopping block's last CONFORMAL_DATES dates (rows the weights were not fitted
 * on, all known by the retrain day): the conformal scores |y - yhat| / vol, and the network's
 * probabilities with the outcomes, for Platt scaling.
 */
function heldOutScores(
  trained: TrainedNetwork,
  data: LabelledRows,
): { scores: number[]; dates: number; p: Float64Array; up: Uint8Array } {
  const k = data.featureCount;
  const heldOut = [...new Set(data.dates.filter((d) => d >= trained.firstValidationDate))].sort();
  const first = heldOut[Math.max(0, heldOut.length - CONFORMAL_DATES)]!;
  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (data.dates[i]! >= first) rows.push(i);
  rows.sort((a, b) =>
    data.dates[a]! < data.dates[b]! ? -1 : data.dates[a]! > data.dates[b]! ? 1 : a - b,
  );
  const x = new Float32Array(rows.length * k);
  rows.forEach((r, i) => x.set(data.x.subarray(r * k, (r + 1) * k), i * k));
  const out = predictRows(trained.model, trained.scaler, trained.returnScale, x, rows.length);
  const scores = rows.map((r, i) => {
    const vol = Math.max(x[i * k + VOL_INDEX]!, 1e-4);
    return Math.abs(data.ret[r]! / vol - (out.expectedReturn?.[i] ?? 0) / vol);
  });
  return {
    scores,
    dates: heldOut.length - heldOut.indexOf(first),
    p: out.probabilityUp,
    up: Uint8Array.from(rows, (r) => data.up[r]!),
  };
}

export async function trainReplayModel(
  config: Config,
  artifactsDir: string,
  backend: string,
  source: FeatureSource,
  input: RetrainInput,
): Promise<RetrainResult> {
  const parts: SymbolFeatures[] = [];
  const closes = new Map<string, CloseSeries>();
  const recomputed: string[] = [];
  for (const { history, bars } of input.snapshots) {
    const { features, recomputed: again } = source.featuresAt(history, bars, input.at);
    if (again) recomputed.push(history.info.symbol);
    parts.push(features);
    closes.set(history.info.symbol, {
      dates: bars.map((b) => b.date),
      close: Float64Array.from(bars, (b) => b.close),
    });
  }
  // a row is labelled when the symbol's next validated bar exists, so its date is before R
  const data = buildDataset(parts, closes).labelled;
  if (data.n === 0) throw new Error(`replay: no training rows with a known target by ${input.at}`);

  const trained = await trainNetwork("mlp", data, {
    ...trainOptions(config),
    seed: config.MODEL_SEED,
  });
  let conformal: ModelCard["conformal"];
  let calibration: ModelCard["calibration"];
  let conformalSource: string;
  try {
    // fitted on rows known by the retrain day only: a champion's state would carry the later
    // days of its own walk-forward into the replayed ones
    const held = heldOutScores(trained, data);
    conformal = { scores: held.scores, alphas: { ...NOMINAL_ALPHAS } };
    calibration = fitPlatt(held.p, held.up);
    conformalSource = `conformal scores and Platt calibration from this model's forecasts on the last ${held.dates} date(s) of its early-stopping block (known by ${input.at}, not fitted on), nominal alphas`;
  } catch (error) {
    trained.model.dispose();
    throw error;
  }
  const saved = await saveModelArtifacts(trained.model);
  trained.model.dispose();

  const version = await nextVersion(artifactsDir);
  const card: ModelCard = {
    schemaVersion: 1,
    name: MODEL_NAME,
    version,
    createdAt: new Date().toISOString(),
    kind: "mlp",
    backend,
    lineage: {
      dataHash: sha256(
        input.snapshots
          .map(({ history, bars }) => `${history.info.symbol}\n${formatPriceCsv(bars)}`)
          .join("\n"),
      ),
      featureSetHash: featureSetHash(),
      configHash: modelConfigHash(config),
      codeCommit: codeCommit(),
    },
    ...trainedNetworkCard(trained, config.MODEL_SEED),
    conformal,
    calibration,
    metrics: null,
    gates: [],
    decision: {
      promoted: false,
      comparedWith: null,
      reasons: [
        `replay: trained on data up to ${input.at}, used for forecasts from ${input.at} to ${input.usedUntil}`,
        conformalSource,
      ],
      decidedAt: new Date().toISOString(),
    },
  };
  const stored: StoredModel = { card, modelJson: saved.modelJson, weights: saved.weights };
  await writeVersion(artifactsDir, stored);
  const { model: _model, ...summary } = trained;
  return { stored, trained: summary, recomputed, conformalSource };
}
