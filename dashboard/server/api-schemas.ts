/**
 * The API's request and response schemas (zod, turned into JSON Schema for the OpenAPI
 * document). Response bodies reuse the artifact contracts, so the API says exactly what the
 * pipeline publishes.
 */
import { z } from "zod";
import {
  aliasesSchema,
  evaluationMetricsSchema,
  isoDate,
  ledgerRowSchema,
  modelCardSchema,
  symbolForecastSchema,
} from "../../core/contracts.js";

export const errorBodySchema = z
  .object({
    error: z.string().describe("a stable, machine-readable code, e.g. invalid-request"),
    message: z.string().describe("what is wrong, for a person"),
  })
  .describe("Every error answer");
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const healthSchema = z.object({
  status: z.literal("ok"),
  uptimeSeconds: z.number(),
});

export const readinessSchema = z.object({
  status: z.enum(["starting", "loading", "ready", "failed"]),
  reason: z.string().nullable(),
  modelVersion: z.number().int().nullable(),
  loadedAt: z.string().nullable(),
});

const symbolText = z.string().min(1).max(40);

export const symbolParamsSchema = z.object({
  symbol: symbolText.describe("^BSESN, BSESN, INFY.NS or INFY (case-insensitive)"),
});

/** The most bars one request may carry; the body size limit usually binds first. */
const MAX_REQUEST_BARS = 20_000;

export const barInputSchema = z.object({
  date: isoDate,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  adjClose: z.number().optional().describe("defaults to close"),
});
export type BarInput = z.infer<typeof barInputSchema>;

export const predictBodySchema = z
  .object({
    symbol: symbolText
      .optional()
      .describe("a published symbol, for the forecast's name and sector; omit for any series"),
    bars: z
      .array(barInputSchema)
      .min(1)
      .max(MAX_REQUEST_BARS)
      .describe("daily bars, oldest first; only the newest bars the model reads are used"),
  })
  .describe(
    "JSON, or a Yahoo-format CSV (Date,Open,High,Low,Close,Adj Close,Volume) sent as text/csv or as a multipart file; name the symbol with ?symbol= or a multipart field",
  );
export type PredictBody = z.infer<typeof predictBodySchema>;

export const predictQuerySchema = z.object({
  symbol: symbolText.optional().describe("the symbol of a CSV upload"),
});

export const predictResponseSchema = z.object({
  modelVersion: z.number().int(),
  barsReceived: z.number().int(),
  barsUsed: z.number().int(),
  forecast: symbolForecastSchema,
});

export const modelResponseSchema = z.object({
  card: modelCardSchema,
  aliases: aliasesSchema,
  evaluation: evaluationMetricsSchema.nullable(),
});

export const ledgerQuerySchema = z.object({
  symbol: symbolText.optional(),
  limit: z.coerce.number().int().min(1).max(10_000_000).optional().describe("the newest N rows"),
});

export const ledgerResponseSchema = z.object({
  count: z.number().int(),
  rows: z.array(ledgerRowSchema),
});

export const reloadResponseSchema = z.object({
  reloaded: z.literal(true),
  modelVersion: z.number().int(),
  previousModelVersion: z.number().int().nullable(),
  loadedAt: z.string(),
  durationMs: z.number(),
});

/** Error answers every route may give. */
export const commonErrors = {
  400: errorBodySchema,
  404: errorBodySchema,
  429: errorBodySchema,
  500: errorBodySchema,
  503: errorBodySchema,
};
