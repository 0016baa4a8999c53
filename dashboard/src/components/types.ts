/**
 * The shapes of the dashboard's build-time data: what the data loaders (dashboard/loaders/)
 * print and the pages read with FileAttachment(...).json(). Types only.
 */
import type {
  EvaluationMetrics,
  FeatureDefinition,
  ForecastBundle,
  LedgerRow,
  ModelCard,
  RunReport,
  SymbolForecast,
} from "../../../core/contracts.js";

export type { EvaluationMetrics, FeatureDefinition, ForecastBundle, LedgerRow, RunReport };
export type { SymbolForecast };

/** data/forecast.json: the published forecasts and where their data came from */
export interface ForecastData {
  /** when the dashboard was built (ISO), or SOURCE_DATE_EPOCH when set */
  builtAt: string;
  /** where the prices came from: "snapshot" (the embedded history) or "yahoo" */
  source: string;
  /** symbols whose live fetch failed; their last good data was kept */
  staleSymbols: { symbol: string; reason: string }[];
  bundle: ForecastBundle;
}

export interface SymbolRef {
  symbol: string;
  /** file-name-safe form used in data/symbols/<slug>.json */
  slug: string;
  name: string;
  sector: string;
  isIndex: boolean;
}

/** data/overview.json: the index history and the last day's breadth */
export interface OverviewData {
  index: SymbolRef;
  /** the index's whole close history, columnar */
  dates: string[];
  close: number[];
  breadth: {
    date: string;
    advancing: number;
    declining: number;
    unchanged: number;
    members: { symbol: string; name: string; sector: string; change: number | null }[];
  };
}

/** data/symbols/<slug>.json: the last bars of one symbol and its 45 features, columnar */
export interface SymbolSeries extends SymbolRef {
  dates: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  adjClose: number[];
  volume: number[];
  /** feature name -> values aligned with dates (null before the feature's warm-up) */
  features: Record<string, (number | null)[]>;
  /** bars the predictor reads for one forecast (warm-up plus a year of volatility history) */
  predictorBars: number;
}

/** data/features.json: the 45-feature registry and the symbols with series files */
export interface FeatureRegistryData {
  featureSetHash: string;
  features: FeatureDefinition[];
  symbols: SymbolRef[];
  /** the last bars kept per symbol in data/symbols/<slug>.json */
  seriesBars: number;
}

export type ModelCardSummary = Omit<ModelCard, "scaler" | "conformal"> & {
  conformal: { scoreCount: number; alphas: Record<string, number> };
};

export interface VersionSummary {
  version: number;
  createdAt: string;
  kind: string;
  promoted: boolean | null;
  reasons: string[];
  metrics: Record<string, number> | null;
  lineage: ModelCard["lineage"];
}

/** data/model.json: the champion, its evaluation and the registry's versions */
export interface ModelData {
  aliases: { champion: number | null; challenger: number | null };
  card: ModelCardSummary;
  versions: VersionSummary[];
  evaluation: EvaluationMetrics;
  /** reliability tables per scope (calibration.json) */
  calibration: Record<string, EvaluationMetrics["scopes"][string]["reliability"]>;
  /** backtest.csv: growth of 1 per strategy and cost, columnar */
  backtest: { dates: string[]; series: { name: string; values: number[] }[] };
  /** walk-forward folds with each model's accuracy on the index in that fold */
  folds: {
    index: number;
    firstTestDate: string;
    lastTestDate: string;
    trainRows: number;
    testDays: number;
    accuracy: Record<string, number>;
  }[];
  indexSymbol: string;
}

/** data/ledger.json */
export interface LedgerData {
  rows: LedgerRow[];
  /** rows left out (oldest first) to keep the file small */
  omitted: number;
  indexSymbol: string;
}

export interface SymbolQualitySummary {
  symbol: string;
  rowsRead: number;
  rowsKept: number;
  firstDate: string | null;
  lastDate: string | null;
  quarantined: number;
  byReason: Record<string, number>;
  jumps: number;
}

/** data/pipeline.json: runs, data quality, freshness and feature drift */
export interface PipelineData {
  runs: RunReport[];
  runCount: number;
  quality: SymbolQualitySummary[];
  /** the most recent quarantined rows of each symbol */
  quarantined: { symbol: string; date: string; reason: string; detail: string; raw: string }[];
  drift: {
    recentFrom: string;
    recentTo: string;
    recentRows: number;
    trainingFrom: string;
    trainingTo: string;
    modelVersion: number;
    features: {
      name: string;
      group: string;
      trainMean: number;
      trainStd: number;
      recentMean: number;
      /** (recent mean - training mean) / training std */
      shift: number;
    }[];
  };
}
