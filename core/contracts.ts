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

export const quarantineReasons = [
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

export const stageStatusSchema = z.enum(["ran", "skipped", "failed"]);
export type StageStatus = z.infer<typeof stageStatusSchema>;

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
