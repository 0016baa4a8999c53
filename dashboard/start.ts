/**
 * `npm start`: brings the pipeline's outputs up to date (the stage cache makes this quick when
 * nothing changed), builds the dashboard when its build is missing or stale, then serves as
 * `npm run serve` does. A failed pipeline ends it with a non-zero exit code.
 */
import { loadConfig } from "../core/config.js";
import { runEntryPoint } from "./server/entry-point.js";
import { serve } from "./server/serve.js";
import { refreshDashboard } from "./start/refresh-dashboard.js";
import { refreshPipeline } from "./start/refresh-pipeline.js";

const say = (line: string) => console.error(`start: ${line}`);

runEntryPoint(async () => {
  const config = loadConfig();
  await refreshPipeline(config, say);
  await refreshDashboard(config, say);
  await serve(config);
});
