/**
 * The one configuration module: a zod schema over environment variables (and `.env`).
 * Every key is documented in `.env.example`; every default runs offline.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";

const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();

export const configSchema = z.object({
  /** where the pipeline writes everything */
  ARTIFACTS_DIR: z.string().min(1).default("artifacts"),
  /** the embedded real price history */
  SNAPSHOT_DIR: z.string().min(1).default("data/snapshot"),
  /** snapshot (offline) or yahoo (live) */
  DATA_SOURCE: z.enum(["snapshot", "yahoo"]).default("snapshot"),
  INDEX_SYMBOL: z.string().min(1).default("^BSESN"),
  /** first date fetched from Yahoo when nothing is stored yet */
  YAHOO_START_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
    .default("2000-01-01"),
  YAHOO_CONCURRENCY: positiveInt.max(16).default(4),
  YAHOO_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  YAHOO_TIMEOUT_MS: positiveInt.default(15_000),
  YAHOO_DEADLINE_MS: positiveInt.default(180_000),
  YAHOO_BACKOFF_BASE_MS: positiveInt.default(500),
  /** a close-to-close log move larger than this is checked for a reverting spike */
  VALIDATE_JUMP_THRESHOLD: positiveNumber.max(5).default(0.18),
  /** a flat zero-volume run at least this long is a stale price, not a holiday */
  VALIDATE_STALE_RUN_DAYS: positiveInt.default(5),
  /** seed of every random draw in training (initialisers, dropout, batch order) */
  MODEL_SEED: z.coerce.number().int().min(0).default(42),
  TRAIN_MAX_EPOCHS: positiveInt.max(500).default(10),
  TRAIN_BATCH_SIZE: positiveInt.default(2048),
  TRAIN_LEARNING_RATE: positiveNumber.max(1).default(0.002),
  TRAIN_PATIENCE: positiveInt.default(2),
  /** share of the latest training dates held out for early stopping */
  TRAIN_VALIDATION_FRACTION: positiveNumber.max(0.5).default(0.1),
  /** trading dates dropped between the training block and the early-stopping block */
  TRAIN_GAP_DAYS: z.coerce.number().int().min(0).default(5),
  /** first out-of-sample date of the walk-forward evaluation */
  WALK_FORWARD_FIRST_TEST_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
    .default("2012-01-01"),
  /** trading dates per walk-forward fold: the models are refitted this often */
  WALK_FORWARD_REFIT_EVERY: positiveInt.default(500),
  /** trading dates dropped between each fold's training data and its test days */
  WALK_FORWARD_EMBARGO_DAYS: z.coerce.number().int().min(0).default(5),
  /**
   * the walk-forward reruns when the recipe, the code or the rows before the current period
   * change, and once a period: days per period (7: weekly, from Monday; 1: every run)
   */
  EVALUATION_CADENCE_DAYS: positiveInt.max(366).default(7),
  /** `pipeline replay`: trading sessions between retrainings of the replayed model */
  REPLAY_RETRAIN_EVERY: positiveInt.default(60),
  /** a candidate must reach the champion's Brier skill plus this to replace it */
  PROMOTION_MIN_BRIER_SKILL_GAIN: z.coerce.number().default(0),
  /** significance level of the promotion policy's Diebold-Mariano test against always-up */
  PROMOTION_SIGNIFICANCE: positiveNumber.max(0.5).default(0.05),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** the API server (dashboard/server): port and interface it listens on */
  PORT: z.coerce.number().int().min(0).max(65_535).default(7860),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** enables POST /api/admin/reload (at least 16 characters); without it the route does not exist */
  ADMIN_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(16, "use at least 16 characters").optional(),
  ),
  /** comma-separated browser origins allowed to call the API (CORS); none by default */
  CORS_ORIGINS: z.string().default(""),
  /** the largest request body the server accepts, in bytes (JSON, CSV or a multipart upload) */
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /** requests per client and RATE_LIMIT_WINDOW_MS to POST /api/predict */
  PREDICT_RATE_LIMIT: positiveInt.default(300),
  /** requests per client and RATE_LIMIT_WINDOW_MS to POST /api/admin/reload */
  RELOAD_RATE_LIMIT: positiveInt.default(10),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  /** trust X-Forwarded-For from a reverse proxy, so rate limits apply per client behind it */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  /** the built dashboard served at / */
  DASHBOARD_DIR: z.string().min(1).default("dashboard/dist"),
  /** CSP frame-ancestors, space-separated (self, none or origins): who may embed the pages */
  FRAME_ANCESTORS: z.string().min(1).default("self"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads `.env` (if present) under the process environment, which wins. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  dotenvPath: string = resolve(".env"),
): Config {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") merged[key] = value;
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join(".") ?? "?";
    throw new ConfigError(
      `Invalid configuration: ${key}=${JSON.stringify(merged[key])}: ${issue?.message}. ` +
        `Fix ${key} in the environment or .env (see .env.example).`,
    );
  }
  return result.data;
}
