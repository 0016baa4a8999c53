/**
 * `npm run docker:smoke [-- --artifacts DIR --dashboard DIR --keep]`: replays the serving
 * image's steps in a temporary folder and probes it (see scripts/docker/smoke.ts). Needs a
 * pipeline run (the champion model) and a built dashboard, as `docker build` does.
 */
import { parseArgs } from "node:util";
import { runServingSmoke } from "./docker/smoke.js";

const { values } = parseArgs({
  options: {
    artifacts: { type: "string" },
    dashboard: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const started = Date.now();
try {
  const result = await runServingSmoke({
    repoDir: process.cwd(),
    ...(values.artifacts ? { artifactsDir: values.artifacts } : {}),
    ...(values.dashboard ? { dashboardDir: values.dashboard } : {}),
    keep: values.keep,
    log: (line) => console.log(line),
  });
  console.log(`/readyz: ${result.readyz}`);
  console.log(`/api/forecast: ${result.forecastSymbols} forecast(s)`);
  console.log(`serving smoke passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (values.keep) console.log(`kept ${result.dir}`);
} catch (error) {
  console.error(`serving smoke failed: ${(error as Error).message}`);
  process.exit(1);
}
