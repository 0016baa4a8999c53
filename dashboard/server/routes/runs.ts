/** The newest pipeline run report. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runReportSchema } from "../../../core/contracts.js";
import { ApiError } from "../api-error.js";
import { commonErrors } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";
import { sendJson, servingBundle } from "./serve-json.js";

export const runRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/api/runs/latest",
    {
      schema: {
        summary: "The newest pipeline run report (runs/<id>.json)",
        tags: ["model"],
        response: { 200: runReportSchema, ...commonErrors },
      },
    },
    async (_request, reply) => {
      const json = servingBundle(bundles).latestRunJson;
      if (json === null) throw new ApiError(404, "no-runs", "no pipeline run report yet");
      return sendJson(reply, json);
    },
  );
};
