/** The published forecasts: all of them, or one symbol's. */
import { Negotiator } from "@fastify/accept-negotiator";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { forecastBundleSchema, symbolForecastSchema } from "../../../core/contracts.js";
import { ApiError } from "../api-error.js";
import { commonErrors, symbolParamsSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, sendJsonBytes, servingBundle } from "./serve-json.js";

const encodings = new Negotiator<"br" | "gzip" | "identity">({
  supportedValues: ["br", "gzip", "identity"],
  // clients send a handful of distinct headers; the bound keeps odd ones from piling up
  cache: new LRUCache<string, string>({ max: 64 }),
});

/**
 * The encoding to send a precompressed answer in, by the client's Accept-Encoding (q values
 * honoured, brotli first among equals); none when it accepts neither.
 */
export function pickEncoding(acceptEncoding: string | undefined): "br" | "gzip" | "identity" {
  return encodings.negotiate(acceptEncoding ?? "") ?? "identity";
}

export const forecastRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/api/forecast",
    {
      // sent precompressed: the compression plugin has nothing to do here
      compress: false,
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
    // synchronous: an async handler's promise costs every request a turn of the microtask queue
    (request, reply) => {
      const bundle = servingBundle(bundles);
      reply
        .header("etag", bundle.forecastEtag)
        .header("cache-control", "no-cache")
        .header("vary", "accept-encoding");
      if (request.headers["if-none-match"] === bundle.forecastEtag) {
        reply.code(304).send(null);
        return;
      }
      // the bytes serialised and compressed when the bundle was loaded
      const encoding = pickEncoding(request.headers["accept-encoding"]);
      if (encoding !== "identity") reply.header("content-encoding", encoding);
      sendJsonBytes(reply, bundle.forecastBytes[encoding]);
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
