/**
 * The OpenAPI document (from the routes' zod schemas) at /api/openapi.json and interactive
 * docs at /docs. Swagger UI's files are served from node_modules: nothing from a CDN.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

interface DocsOptions {
  version: string;
}

async function docs(app: FastifyInstance, options: DocsOptions) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "sensex-mlops API",
        description:
          "Next-trading-day forecasts for the SENSEX and its constituents, from the champion model of the pipeline. Errors are `{error, message}`.",
        version: options.version,
      },
      tags: [
        { name: "forecasts", description: "the published forecasts and on-demand predictions" },
        { name: "model", description: "the champion model, its track record and the runs" },
        { name: "operations", description: "health, readiness, metrics, admin" },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // no badge from the online validator
    uiConfig: { validatorUrl: null, deepLinking: false },
  });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

export default fp(docs, { name: "docs" });
