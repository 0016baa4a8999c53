/** The champion model: its card, the registry aliases and its walk-forward evaluation. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { commonErrors, modelResponseSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, servingBundle } from "./serve-json.js";

export const modelRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/api/model",
    {
      schema: {
        summary: "The champion's model card, the registry aliases and its evaluation metrics",
        tags: ["model"],
        response: { 200: modelResponseSchema, ...commonErrors },
      },
    },
    async (_request, reply) => sendJson(reply, servingBundle(bundles).modelJson),
  );
};
