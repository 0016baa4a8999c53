/**
 * Serving, shared by `npm run serve` (main.ts) and `npm start` (start.ts): listens at once (so
 * /healthz answers from the first moment), then loads the model bundle (/readyz turns 200 when
 * it is ready), and closes cleanly on SIGINT or SIGTERM.
 */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../core/config.js";
import { buildApp } from "./app.js";

export async function serve(config: Config): Promise<FastifyInstance> {
  const app = await buildApp({ config });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, "shutting down");
      // stop accepting connections and let requests in flight finish
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  await app.bundles.load();
  return app;
}
