/** The published forecasts: all of them, or one symbol's. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { forecastBundleSchema, symbolForecastSchema } from "../../../core/contracts.js";
import { ApiError } from "../api-error.js";
import { commonErrors, symbolParamsSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, sendJsonBytes, servingBundle } from "./serve-json.js";

/**
 * The encoding to send a precompressed answer in: brotli or gzip when the client accepts it
 * (a q of 0 refuses), else none.
 */
export function pickEncoding(acceptEncoding: string | undefined): "br" | "gzip" | "identity" {
  if (acceptEncoding === undefined || acceptEncoding === "") return "identity";
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name = "", ...params] = part.split(";").map((p) => p.trim());
    const q = params.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) accepted.add(name);
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return accepted.has("*") ? "br" : "identity";
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
