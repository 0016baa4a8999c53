/** Liveness (/healthz: the process answers) and readiness (/readyz: a bundle is serving). */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { healthSchema, readinessSchema } from "../api-schemas.js";
import type { BundleHolder } from "../bundle/bundle-holder.js";

export const healthRoutes: FastifyPluginAsyncZod<{ bundles: BundleHolder }> = async (
  app,
  { bundles },
) => {
  app.get(
    "/healthz",
    {
      schema: {
        summary: "The process is alive (200 from the first moment)",
        tags: ["operations"],
        response: { 200: healthSchema },
      },
    },
    async () => ({ status: "ok" as const, uptimeSeconds: process.uptime() }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        summary: "200 once the bundle is loaded and a warm-up prediction succeeded, else 503",
        tags: ["operations"],
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const readiness = bundles.readiness();
      return reply.code(readiness.status === "ready" ? 200 : 503).send(readiness);
    },
  );
};
