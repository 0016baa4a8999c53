/**
 * Prometheus metrics at /metrics (prom-client, one registry per app): request counts and
 * latencies by route (one histogram), the served model version, the forecasts' age, bundle
 * loads, and the process metrics.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { z } from "zod";
import type { BundleHolder } from "../bundle/bundle-holder.js";

interface MetricsOptions {
  bundles: BundleHolder;
}

function bundleMetrics(registry: Registry, bundles: BundleHolder) {
  new Gauge({
    name: "sensex_model_version",
    help: "Registry version of the champion model being served (0 before one is loaded)",
    registers: [registry],
    collect() {
      this.set(bundles.current?.modelVersion ?? 0);
    },
  });
  new Gauge({
    name: "sensex_forecast_age_seconds",
    help: "Seconds since the served forecasts (forecasts/latest.json) were generated",
    registers: [registry],
    collect() {
      const bundle = bundles.current;
      if (bundle === null) this.reset();
      else this.set((Date.now() - bundle.forecastsGeneratedAtMs) / 1000);
    },
  });
  new Gauge({
    name: "sensex_ready",
    help: "1 when a bundle is loaded and serving, else 0",
    registers: [registry],
    collect() {
      this.set(bundles.readiness().status === "ready" ? 1 : 0);
    },
  });
  const loads = new Counter({
    name: "sensex_bundle_loads_total",
    help: "Bundle loads by result (loaded, refused)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  bundles.on("loaded", () => loads.inc({ result: "loaded" }));
  bundles.on("refused", () => loads.inc({ result: "refused" }));
}

async function metrics(app: FastifyInstance, options: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // one histogram gives both: its _count series counts the requests by the same labels, so a
  // separate counter would cost every request a second label hash for the same numbers
  const latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from receiving a request to the end of its answer, by method, route and status; its _count is the number of requests answered",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  bundleMetrics(registry, options.bundles);

  app.addHook("onResponse", (request, reply, done) => {
    // the route's pattern, never the raw URL, so random paths cannot add label values
    latency.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics (text exposition format)",
        tags: ["operations"],
        response: { 200: z.string() },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}

export default fp(metrics, { name: "metrics" });
