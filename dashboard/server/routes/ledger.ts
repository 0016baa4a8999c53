/** The forecast ledger: every published forecast and, once known, what happened. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ApiError } from "../api-error.js";
import { commonErrors, ledgerQuerySchema, ledgerResponseSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, servingBundle } from "./serve-json.js";

export const ledgerRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/api/ledger",
    {
      schema: {
        summary: "Published forecasts with their realised outcomes, oldest first",
        tags: ["model"],
        querystring: ledgerQuerySchema,
        response: { 200: ledgerResponseSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const bundle = servingBundle(bundles);
      const { symbol: asked, limit } = request.query;
      const symbol = asked === undefined ? undefined : bundle.symbols.resolve(asked);
      if (asked !== undefined && symbol === undefined) {
        throw new ApiError(404, "unknown-symbol", `no ledger rows for unknown symbol "${asked}"`);
      }
      return sendJson(reply, bundle.ledger(symbol, limit).json);
    },
  );
};
