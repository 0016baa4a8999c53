/** The published forecasts: all of them, or one symbol's. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { forecastBundleSchema, symbolForecastSchema } from "../../../core/contracts.js";
import { ApiError } from "../api-error.js";
import { commonErrors, symbolParamsSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, servingBundle } from "./serve-json.js";

export const forecastRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/api/forecast",
    {
      schema: {
        summary: "The newest forecast for the index and every constituent (latest.json)",
        tags: ["forecasts"],
        response: {
          200: forecastBundleSchema,
          304: z.null().describe("unchanged since the ETag sent in If-None-Match"),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const bundle = servingBundle(bundles);
      reply.header("etag", bundle.forecastEtag).header("cache-control", "no-cache");
      if (request.headers["if-none-match"] === bundle.forecastEtag)
        return reply.code(304).send(null);
      return sendJson(reply, bundle.forecastJson);
    },
  );

  app.get(
    "/api/forecast/:symbol",
    {
      schema: {
        summary: "The newest forecast for one symbol",
        tags: ["forecasts"],
        params: symbolParamsSchema,
        response: { 200: symbolForecastSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const bundle = servingBundle(bundles);
      const symbol = bundle.symbols.resolve(request.params.symbol);
      const json = symbol === undefined ? undefined : bundle.forecastJsonBySymbol.get(symbol);
      if (json === undefined) {
        throw new ApiError(
          404,
          "unknown-symbol",
          `no forecast for "${request.params.symbol}"; published symbols: ${bundle.symbols.symbols.join(", ")}`,
        );
      }
      return sendJson(reply, json);
    },
  );
};
