/**
 * The artifact contracts: every file the pipeline writes under `artifacts/` has its schema here.
 * The pipeline, the server and the dashboard's data loaders import these and nothing else
 * from each other.
 */
import { z } from "zod";

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

/** One daily bar, Yahoo's CSV columns (Date,Open,High,Low,Close,Adj Close,Volume). */
export const barSchema = z.object({
  date: isoDate,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  adjClose: z.number(),
  volume: z.number(),
});
export type Bar = z.infer<typeof barSchema>;

/** A symbol of the universe (data/snapshot/universe.csv). */
export const symbolInfoSchema = z.object({
  symbol: z.string().min(1),
  name: z.string(),
  sector: z.string(),
  /** true for the index itself */
  isIndex: z.boolean(),
  /** false for a former member kept for its history (WIPRO) */
  currentMember: z.boolean(),
});
export type SymbolInfo = z.infer<typeof symbolInfoSchema>;

const quarantineReasons = [
  "null-row",
  "unparseable",
  "duplicate-date",
  "out-of-order",
  "non-positive-price",
  "negative-volume",
  "high-below-open-close",
  "low-above-open-close",
  "holiday-filler",
  "stale-price-run",
  "reverting-spike",
] as const;
export const quarantineReasonSchema = z.enum(quarantineReasons);
export type QuarantineReason = z.infer<typeof quarantineReasonSchema>;

export const quarantinedRowSchema = z.object({
  date: z.string(),
  reason: quarantineReasonSchema,
  detail: z.string(),
  /** the raw row as it was read, so nothing is lost */
  raw: z.string(),
});
export type QuarantinedRow = z.infer<typeof quarantinedRowSchema>;

export const jumpWarningSchema = z.object({
  date: isoDate,
  /** log return of the close against the previous kept close */
  logReturn: z.number(),
  detail: z.string(),
});
export type JumpWarning = z.infer<typeof jumpWarningSchema>;

export const symbolQualitySchema = z.object({
  symbol: z.string(),
  rowsRead: z.number().int().nonnegative(),
  rowsKept: z.number().int().nonnegative(),
  firstDate: isoDate.nullable(),
  lastDate: isoDate.nullable(),
  quarantined: z.array(quarantinedRowSchema),
  /** large moves that were kept because they did not revert */
  jumps: z.array(jumpWarningSchema),
});
export type SymbolQuality = z.infer<typeof symbolQualitySchema>;

/** artifacts/prices/quality.json */
export const qualityReportSchema = z.object({
  schemaVersion: z.literal(1),
  symbols: z.array(symbolQualitySchema),
});
export type QualityReport = z.infer<typeof qualityReportSchema>;

export const featureDefinitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  group: z.string(),
  description: z.string(),
  formula: z.string(),
  parameters: z.record(z.string(), z.number()),
  /** the technicalindicators call(s) behind it */
  libraryCall: z.string(),
  /** bars dropped at the start of a series before this feature is valid and start-independent */
  warmupBars: z.number().int().nonnegative(),
});
export type FeatureDefinition = z.infer<typeof featureDefinitionSchema>;

/** artifacts/features/features.json */
export const featureManifestSchema = z.object({
  schemaVersion: z.literal(1),
  featureCount: z.literal(45),
  features: z.array(featureDefinitionSchema).length(45),
  /** sha256 of the feature definitions (names, formulas, parameters) */
  featureSetHash: z.string(),
  /** sha256 of the validated price files the table was computed from */
  dataHash: z.string(),
  /** sha256 of features.arrow */
  tableHash: z.string(),
  table: z.string(),
  rows: z.number().int().nonnegative(),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      rows: z.number().int().nonnegative(),
      firstDate: isoDate.nullable(),
      lastDate: isoDate.nullable(),
    }),
  ),
});
export type FeatureManifest = z.infer<typeof featureManifestSchema>;

const stageStatusSchema = z.enum(["ran", "skipped", "failed"]);

export const stageRecordSchema = z.object({
  stage: z.string(),
  status: stageStatusSchema,
  durationMs: z.number().nonnegative(),
  inputHash: z.string(),
  outputHash: z.string().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

/** artifacts/runs/<run-id>.json */
export const runReportSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  command: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  status: z.enum(["succeeded", "failed"]),
  options: z.record(z.string(), z.unknown()),
  stages: z.array(stageRecordSchema),
  error: z.string().nullable(),
});
export type RunReport = z.infer<typeof runReportSchema>;

/** artifacts/raw/manifest.json: what ingest fetched or copied, and which symbols are stale */
export const rawManifestSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.string(),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  symbols: z.array(symbolInfoSchema),
  /** symbols whose live fetch failed; their last good data was kept */
  stale: z.array(z.object({ symbol: z.string(), reason: z.string() })),
});
export type RawManifest = z.infer<typeof rawManifestSchema>;

// ---------------------------------------------------------------------------------------------
// The model half: evaluation, registry, forecasts, ledger.

const modelKindSchema = z.enum(["mlp", "lstm"]);

/** Metrics of one model (or baseline) over the walk-forward test days of one scope. */
export const modelMetricsSchema = z.object({
  model: z.string(),
  n: z.number().int().nonnegative(),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  mcc: z.number(),
  brier: z.number(),
  brierSkill: z.number(),
  logLoss: z.number(),
  logLossSkill: z.number(),
  /** null for models without a return forecast (always-up, logistic) */
  mae: z.number().nullable(),
  rmse: z.number().nullable(),
  r2OutOfSample: z.number().nullable(),
  ece: z.number(),
  pesaranTimmermann: z.object({ statistic: z.number().nullable(), pValue: z.number() }),
  /**
   * HLN-corrected Diebold-Mariano against each other model: on squared return errors when both
   * forecast returns, else on the Brier loss of the probabilities
   */
  dieboldMariano: z.record(
    z.string(),
    z.object({
      loss: z.enum(["squared-return-error", "brier"]),
      statistic: z.number().nullable(),
      /** two-sided */
      pValue: z.number(),
      /** one-sided: this model has the lower loss */
      pValueBetter: z.number(),
      /** one-sided: the other model has the lower loss */
      pValueWorse: z.number(),
    }),
  ),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export const reliabilityBinSchema = z.object({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().nonnegative(),
  meanPredicted: z.number().nullable(),
  observedRate: z.number().nullable(),
});

const coverageSchema = z.object({
  level: z.number(),
  coverage: z.number(),
  meanWidth: z.number(),
});

const backtestSummarySchema = z.object({
  strategy: z.string(),
  costBps: z.number(),
  totalReturn: z.number(),
  annualReturn: z.number(),
  sharpe: z.number().nullable(),
  maxDrawdown: z.number(),
  turnoverPerYear: z.number(),
  exposure: z.number(),
});

export const leakageGateSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  detail: z.string(),
});
export type LeakageGate = z.infer<typeof leakageGateSchema>;

const icSummarySchema = z.object({
  days: z.number().int().nonnegative(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  icir: z.number().nullable(),
  t: z.number().nullable(),
  /** one-sided, H1: the mean daily rank IC is above zero */
  pValue: z.number().nullable(),
  positiveShare: z.number().nullable(),
});

const rankerMetricsSchema = z.object({
  model: z.string(),
  /** all walk-forward test days, the days before the recipe-selection cut, and the days from it */
  whole: icSummarySchema,
  selection: icSummarySchema,
  holdout: icSummarySchema,
  byYear: z.array(
    z.object({
      year: z.string(),
      days: z.number().int(),
      mean: z.number().nullable(),
      icir: z.number().nullable(),
      t: z.number().nullable(),
    }),
  ),
  quantiles: z.array(
    z.object({
      quantile: z.number().int(),
      meanReturn: z.number().nullable(),
      days: z.number().int(),
    }),
  ),
  /** mean daily top-k minus bottom-k return, close to close, before costs */
  spreadMean: z.number().nullable(),
  trainingSeconds: z.number().nonnegative(),
});

const topkSummarySchema = z.object({
  timing: z.enum(["next-open", "close-to-close"]),
  tradable: z.boolean(),
  k: z.number().int().positive(),
  nDrop: z.number().int().nonnegative(),
  costBps: z.number(),
  days: z.number().int().nonnegative(),
  annualReturn: z.number().nullable(),
  benchmarkAnnualReturn: z.number().nullable(),
  indexAnnualReturn: z.number().nullable(),
  excessAnnualReturn: z.number().nullable(),
  sharpe: z.number().nullable(),
  maxDrawdown: z.number().nullable(),
  turnoverPerYear: z.number().nullable(),
  spreadAnnualReturn: z.number().nullable(),
});

export const rankingMetricsSchema = z.object({
  /** the recipe evaluated and how many recipes the zoo tried to choose it */
  recipe: z.string(),
  recipeHash: z.string(),
  recipesTried: z.number().int().nonnegative(),
  /** first date of the part the recipe choice never saw */
  selectionCut: isoDate,
  members: z.number().int().nonnegative(),
  models: z.array(rankerMetricsSchema),
  /** the champion recipe against each ranking baseline: paired t-test on the daily IC difference */
  comparisons: z.array(
    z.object({
      baseline: z.string(),
      meanDifference: z.number().nullable(),
      t: z.number().nullable(),
      pValueBetter: z.number().nullable(),
      /** the same test on the days from the selection cut only (the recipe choice never saw them) */
      holdout: z
        .object({
          meanDifference: z.number().nullable(),
          t: z.number().nullable(),
          pValueBetter: z.number().nullable(),
        })
        .optional(),
    }),
  ),
  /** share of test days whose scores vary across the members (std above the gate's threshold) */
  varyingDayShare: z.number(),
  backtest: z.array(topkSummarySchema),
  /** the members' probability of a rise (market probability and relative score combined), on later folds */
  memberProbability: z
    .object({
      n: z.number().int(),
      brierSkill: z.number().nullable(),
      ece: z.number().nullable(),
      reliability: z.array(reliabilityBinSchema),
    })
    .nullable(),
});
export type RankingMetrics = z.infer<typeof rankingMetricsSchema>;

/** artifacts/evaluation/<version>/metrics.json */
export const evaluationMetricsSchema = z.object({
  schemaVersion: z.literal(1),
  version: z.number().int().positive(),
  createdAt: z.string(),
  folds: z.number().int().positive(),
  refitEvery: z.number().int().positive(),
  embargoDays: z.number().int().nonnegative(),
  firstTestDate: isoDate,
  lastTestDate: isoDate,
  /** scope "index" is ^BSESN alone; "constituents" pools the current members */
  scopes: z.record(
    z.string(),
    z.object({
      n: z.number().int().nonnegative(),
      upRate: z.number(),
      models: z.array(modelMetricsSchema),
      reliability: z.array(reliabilityBinSchema),
      coverage: z.array(coverageSchema),
      backtest: z.array(backtestSummarySchema),
    }),
  ),
  gates: z.array(leakageGateSchema),
  /** rows dated before this were evaluated (the cadence's period start) */
  evaluatedBefore: isoDate.optional(),
  /** the version whose walk-forward this is, when reused within the cadence period */
  reusedFrom: z.number().int().positive().optional(),
  /** the index's probability as published (Platt fitted on earlier folds) against always-up */
  calibratedIndex: z
    .object({
      n: z.number().int(),
      brierSkill: z.number(),
      alwaysUpBetterP: z.number(),
      meanDistanceFromHalf: z.number(),
      /** before the shrink toward the base rate */
      plattBrierSkill: z.number().optional(),
      shrinkWeight: z.number().min(0).max(1).optional(),
    })
    .nullable()
    .optional(),
  /** the members' ranking task: the champion recipe and the ranking baselines on the same folds */
  ranking: rankingMetricsSchema.optional(),
});
export type EvaluationMetrics = z.infer<typeof evaluationMetricsSchema>;

const lineageSchema = z.object({
  dataHash: z.string(),
  featureSetHash: z.string(),
  configHash: z.string(),
  codeCommit: z.string(),
});

export const promotionDecisionSchema = z.object({
  promoted: z.boolean(),
  comparedWith: z.number().int().positive().nullable(),
  reasons: z.array(z.string()),
  decidedAt: z.string(),
});
export type PromotionDecision = z.infer<typeof promotionDecisionSchema>;

/** artifacts/registry/models/<version>/card.json */
export const modelCardSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  version: z.number().int().positive(),
  createdAt: z.string(),
  kind: modelKindSchema,
  backend: z.string(),
  lineage: lineageSchema,
  signature: z.object({
    featureNames: z.array(z.string()).length(45),
    inputShape: z.array(z.number().int().nullable()),
    outputs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nullable()) })),
  }),
  /** standardisation fitted on training rows only */
  scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  /** return targets are scaled by this before training */
  returnScale: z.number().positive(),
  training: z.object({
    rows: z.number().int().positive(),
    firstDate: isoDate,
    lastDate: isoDate,
    epochs: z.number().int().nonnegative(),
    bestEpoch: z.number().int().nonnegative(),
    validationLoss: z.number(),
    seed: z.number().int(),
    durationMs: z.number().nonnegative(),
  }),
  /** conformal state carried into forecasting: normalised absolute residuals and alphas */
  conformal: z.object({
    scores: z.array(z.number()),
    alphas: z.record(z.string(), z.number()),
  }),
  /**
   * Platt scaling of the network's probability, fitted on walk-forward (out-of-sample) forecasts
   * of the index, then shrunk toward the index's training up-rate by a weight fitted on the
   * walk-forward's calibrated forecasts (0: the published probability is the base rate)
   */
  calibration: z
    .object({
      a: z.number(),
      b: z.number(),
      toward: z.number().min(0).max(1).optional(),
      weight: z.number().min(0).max(1).optional(),
    })
    .nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  gates: z.array(leakageGateSchema),
  decision: promotionDecisionSchema.nullable(),
  /** the members' ranker (ranker.json + ranker.bin beside the model) */
  ranker: z
    .object({
      recipe: z.string(),
      recipeHash: z.string(),
      inputs: z.enum(["cross-section", "cross-section+raw"]),
      /** standardisation of the raw features for a +raw recipe, fitted on the training rows */
      scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).nullable(),
      rows: z.number().int().positive(),
      lastDate: isoDate,
      /** expected next-session log return relative to the members' mean, per unit of score */
      excessReturnPerScore: z.number().nullable(),
      /** logistic combination of the market logit and the score into a member's probability of a rise */
      memberProbability: z
        .object({ intercept: z.number(), marketLogit: z.number(), score: z.number() })
        .nullable(),
    })
    .optional(),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

/** artifacts/registry/aliases.json */
export const aliasesSchema = z.object({
  champion: z.number().int().positive().nullable(),
  challenger: z.number().int().positive().nullable(),
});
export type Aliases = z.infer<typeof aliasesSchema>;

const intervalSchema = z.object({ lower: z.number(), upper: z.number() });

const levelSchema = z.enum(["low", "medium", "high"]);

export const symbolForecastSchema = z.object({
  symbol: z.string(),
  name: z.string(),
  sector: z.string(),
  isIndex: z.boolean(),
  /** the last bar the forecast is made from */
  dataEnd: isoDate,
  lastClose: z.number().positive(),
  /** the next trading session after dataEnd (weekends skipped; exchange holidays are not known) */
  targetDate: isoDate,
  direction: z.enum(["up", "down"]),
  probabilityUp: z.number().min(0).max(1),
  /** expected next-day log return */
  expectedReturn: z.number(),
  expectedClose: z.number().positive(),
  /** conformal intervals of the next-day log return */
  interval80: intervalSchema,
  interval95: intervalSchema,
  confidence: levelSchema,
  risk: levelSchema,
  note: z.string(),
  /** a member's standing among the members for the next session (absent for the index) */
  relative: z
    .object({
      score: z.number(),
      /** 1 = expected to do best */
      rank: z.number().int().positive(),
      of: z.number().int().positive(),
      /** expected next-session log return minus the members' average */
      expectedExcessReturn: z.number(),
    })
    .optional(),
});
export type SymbolForecast = z.infer<typeof symbolForecastSchema>;

/** artifacts/forecasts/latest.json */
export const forecastBundleSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  modelVersion: z.number().int().positive(),
  dataEnd: isoDate,
  forecasts: z.array(symbolForecastSchema),
});
export type ForecastBundle = z.infer<typeof forecastBundleSchema>;

/** One row of artifacts/forecasts/ledger.csv (append-only; the realised columns are filled once known). */
export const ledgerRowSchema = z.object({
  publishedAt: z.string(),
  modelVersion: z.number().int().positive(),
  symbol: z.string(),
  dataEnd: isoDate,
  targetDate: isoDate,
  direction: z.enum(["up", "down"]),
  probabilityUp: z.number(),
  expectedReturn: z.number(),
  lower80: z.number(),
  upper80: z.number(),
  lower95: z.number(),
  upper95: z.number(),
  /** filled when the target day has closed */
  realisedDate: isoDate.nullable(),
  realisedReturn: z.number().nullable(),
  hit: z.boolean().nullable(),
});
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

/** artifacts/registry/candidate.json: the version the train stage wrote last, for evaluate and register */
export const candidateSchema = z.object({
  version: z.number().int().positive(),
  inputHash: z.string(),
});

/** Bars of history the predictor's risk level compares today's volatility with (about a year). */
export const RISK_HISTORY_BARS = 250;
