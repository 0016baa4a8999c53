/**
 * Assembles the server: logging, error shape, security, metrics, docs and the route groups,
 * each registering itself. Builds nothing heavy: the model bundle is loaded afterwards by
 * `app.bundles.load()` (main.ts does it once the server listens).
 */
import { readFileSync } from "node:fs";
import { constants as zlib } from "node:zlib";
import compress from "@fastify/compress";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Config } from "../../core/config.js";
import { BundleHolder, type BundleLoader } from "./bundle/bundle-holder.js";
import docs from "./plugins/docs.js";
import errorHandling, { formatSchemaErrors } from "./plugins/error-handling.js";
import { inlineScriptHashes } from "./plugins/inline-script-hashes.js";
import metrics from "./plugins/metrics.js";
import security, { parseList } from "./plugins/security.js";
import { adminRoutes } from "./routes/admin.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { forecastRoutes } from "./routes/forecasts.js";
import { stdoutLog } from "./log-destination.js";
import { requestIds } from "./request-id.js";
import { OneLineRequestLog } from "./request-log.js";
import { healthRoutes } from "./routes/health.js";
import { ledgerRoutes } from "./routes/ledger.js";
import { modelRoutes } from "./routes/model.js";
import { predictRoutes } from "./routes/predict.js";
import { runRoutes } from "./routes/runs.js";

declare module "fastify" {
  interface FastifyInstance {
    /** the model bundle being served; load() it once the server listens */
    bundles: BundleHolder;
  }
}

interface AppOptions {
  config: Config;
  /** where the JSON logs go (stdout by default) */
  logStream?: LogStream;
  /** replaces the bundle loader (tests of the holder's states) */
  loader?: BundleLoader;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version ?? "0.0.0");
}

interface LogStream {
  write(line: string): void;
}

function loggerOptions(config: Config, stream: LogStream | undefined) {
  return {
    level: config.LOG_LEVEL,
    // never log credentials, whatever a serializer or a debug line includes
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["x-api-key"]',
        "headers.authorization",
        "authorization",
      ],
      censor: "[redacted]",
    },
    ...(stream ? { stream } : {}),
  };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const ownLog = options.logStream ? undefined : stdoutLog();
  const app = Fastify({
    logger: loggerOptions(config, options.logStream ?? ownLog?.stream),
    genReqId: requestIds(),
    logController: new OneLineRequestLog(),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY === "true",
    schemaErrorFormatter: formatSchemaErrors,
    // errors found before routing (a malformed URL) get the API's error shape too
    frameworkErrors: (error, _request, reply: FastifyReply) =>
      reply.code(400).send({ error: "bad-request", message: error.message }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON, and CSV or multipart on /api/predict only: anything else is a 415
  app.removeContentTypeParser("text/plain");

  const bundles = new BundleHolder(config.ARTIFACTS_DIR, app.log, options.loader);
  app.decorate("bundles", bundles);
  app.addHook("onClose", async () => {
    bundles.close();
    ownLog?.close();
  });

  await app.register(errorHandling);
  await app.register(security, {
    corsOrigins: parseList(config.CORS_ORIGINS, /,/),
    frameAncestors: parseList(config.FRAME_ANCESTORS, /\s+/),
    scriptHashes: await inlineScriptHashes(config.DASHBOARD_DIR),
  });
  // a GET has no body to decompress: only the routes that take one pay for the compression
  // plugin's request hook (registered first, so the plugin's own onRoute hook sees it)
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat();
    if (route.decompress === undefined && !methods.includes("POST")) route.decompress = false;
  });
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ["br", "gzip", "deflate"],
    // on-the-fly brotli at its default quality (11) costs far more than it saves
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  // docs first: it documents the routes registered after it
  await app.register(docs, { version: packageVersion() });
  await app.register(metrics, { bundles });

  const rateLimit = (max: number) => ({ max, timeWindow: config.RATE_LIMIT_WINDOW_MS });
  await app.register(healthRoutes, { bundles });
  await app.register(forecastRoutes, { bundles });
  await app.register(predictRoutes, {
    bundles,
    bodyLimit: config.BODY_LIMIT_BYTES,
    rateLimit: rateLimit(config.PREDICT_RATE_LIMIT),
  });
  await app.register(modelRoutes, { bundles });
  await app.register(ledgerRoutes, { bundles });
  await app.register(runRoutes, { bundles });
  if (config.ADMIN_TOKEN !== undefined) {
    await app.register(adminRoutes, {
      bundles,
      token: config.ADMIN_TOKEN,
      rateLimit: rateLimit(config.RELOAD_RATE_LIMIT),
    });
  }
  await app.register(dashboardRoutes, { dir: config.DASHBOARD_DIR });
  return app;
}
