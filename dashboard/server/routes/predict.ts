/**
 * POST /api/predict: a forecast from the client's own bars (JSON, a text/csv body or a
 * multipart CSV file), computed by the champion with the shared predictor, so the same bars
 * give the published numbers.
 */
import multipart from "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { symbolForecastSchema, type SymbolForecast } from "../../../core/contracts.js";
import type { SymbolDescription } from "../../../pipeline/model/predictor.js";
import { ApiError } from "../api-error.js";
import {
  commonErrors,
  errorBodySchema,
  predictBodySchema,
  predictQuerySchema,
  predictResponseSchema,
  type PredictBody,
} from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import type { ServingBundle } from "../bundle/serving-bundle.js";
import { BodyMemo, type CheckedBars, type MemoEntry } from "../predict/body-memo.js";
import { checkBars } from "../predict/check-bars.js";
import { barsDigest } from "../predict/forecast-cache.js";
import { csvToBody, multipartToBody } from "../predict/upload-body.js";
import { servingBundle } from "./serve-json.js";

interface PredictOptions {
  bundles: BundleHolder;
  bodyLimit: number;
  rateLimit: { max: number; timeWindow: number };
}

const UPLOADED_SERIES: SymbolDescription = {
  symbol: "CUSTOM",
  name: "The uploaded series",
  sector: "unknown",
  isIndex: false,
};

function describe(bundle: ServingBundle, asked: string | undefined): SymbolDescription {
  if (asked === undefined) return UPLOADED_SERIES;
  const symbol = bundle.symbols.resolve(asked);
  const about = symbol === undefined ? undefined : bundle.descriptions.get(symbol);
  if (about === undefined) {
    throw new ApiError(
      422,
      "unknown-symbol",
      `unknown symbol "${asked}"; use one of ${bundle.symbols.symbols.join(", ")} or leave it out`,
    );
  }
  return about;
}

/**
 * The predictor's forecast, or a 422. The model passed its warm-up forecast when it was loaded,
 * so a failure here comes from these bars (e.g. prices so large or flat that an indicator is
 * not finite), whatever error class the feature code throws for it. Forecasts are cached by
 * their input (the predictor is deterministic); only good ones are kept.
 */
function forecastOf(
  request: FastifyRequest,
  bundle: ServingBundle,
  input: CheckedBars,
  about: SymbolDescription,
): SymbolForecast {
  const bars = input.used;
  const key = bundle.predictions.keyOf(input.digest, about);
  const cached = bundle.predictions.get(key);
  if (cached !== undefined) return cached;
  let forecast: SymbolForecast;
  try {
    forecast = bundle.predictor.forecast(bars, about);
  } catch (error) {
    request.log.warn({ err: error }, "no forecast from the bars given");
    throw new ApiError(
      422,
      "no-forecast",
      `these bars give no forecast: ${(error as Error).message}`,
    );
  }
  const checked = symbolForecastSchema.safeParse(forecast);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ApiError(
      422,
      "no-forecast",
      `these bars give no usable forecast (${issue?.path.join(".")}: ${issue?.message}); are the prices in a sensible range?`,
    );
  }
  bundle.predictions.set(key, forecast);
  return forecast;
}

/** The client's bars checked against this bundle's limits, and the newest window of them. */
function checkedBars(bundle: ServingBundle, input: PredictBody["bars"]): CheckedBars {
  const bars = checkBars(input, bundle.minBars);
  // the predictor reads only the newest window; older bars cannot change the forecast
  const used = bars.length > bundle.windowBars ? bars.slice(-bundle.windowBars) : bars;
  return {
    minBars: bundle.minBars,
    windowBars: bundle.windowBars,
    received: bars.length,
    used,
    digest: barsDigest(used),
  };
}

export const predictRoutes: FastifyPluginAsyncZod<PredictOptions> = async (app, options) => {
  const { bundles } = options;
  // JSON bodies by their bytes: a body seen before is neither parsed nor checked again
  const memo = new BodyMemo();
  const memoOf = new WeakMap<FastifyRequest, MemoEntry>();
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    const digest = BodyMemo.digest(text);
    const seen = memo.get(digest);
    if (seen !== undefined) {
      memoOf.set(request, seen);
      return done(null, seen.parsed);
    }
    // Fastify's own JSON parser (prototype-poisoning checks, its errors), then remembered
    parseJson(request, text, (error, parsed) => {
      if (error) return done(error, undefined);
      memoOf.set(request, memo.add(digest, parsed));
      done(null, parsed);
    });
  });
  // both parsers exist in this route group only: elsewhere CSV and multipart bodies get 415
  await app.register(multipart, {
    limits: { fileSize: options.bodyLimit, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
  });
  app.addContentTypeParser(
    ["text/csv", "application/csv"],
    { parseAs: "string" },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/api/predict",
    {
      config: { rateLimit: options.rateLimit },
      schema: {
        summary: "Forecast the next session from your own daily bars (JSON or a CSV upload)",
        tags: ["forecasts"],
        consumes: ["application/json", "text/csv", "multipart/form-data"],
        querystring: predictQuerySchema,
        body: predictBodySchema,
        response: {
          200: predictResponseSchema,
          413: errorBodySchema,
          415: errorBodySchema,
          422: errorBodySchema,
          ...commonErrors,
        },
      },
      preValidation: async (request) => {
        const { symbol } = request.query as { symbol?: unknown };
        const querySymbol = typeof symbol === "string" ? symbol : undefined;
        // the schema validates what these return, as it validates a JSON body
        if (request.isMultipart()) {
          request.body = (await multipartToBody(request, querySymbol)) as typeof request.body;
        } else if (typeof request.body === "string") {
          request.body = csvToBody(request.body, querySymbol) as typeof request.body;
        }
      },
    },
    async (request) => {
      const { body, query } = request;
      // read once: a reload swapping the bundle cannot change it under this request
      const bundle = servingBundle(bundles);
      const about = describe(bundle, body.symbol ?? query.symbol);
      // a JSON body seen before was checked before (against the same bundle limits)
      const entry = memoOf.get(request);
      let checked = entry?.checked;
      if (
        checked === undefined ||
        checked.minBars !== bundle.minBars ||
        checked.windowBars !== bundle.windowBars
      ) {
        checked = checkedBars(bundle, body.bars);
        if (entry !== undefined) entry.checked = checked;
      }
      return {
        modelVersion: bundle.modelVersion,
        barsReceived: checked.received,
        barsUsed: checked.used.length,
        forecast: forecastOf(request, bundle, checked, about),
      };
    },
  );
};
