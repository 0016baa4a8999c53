/**
 * `npm run serve`: serves the bundle already published in the artifacts folder, as it is.
 * `npm start` (start.ts) brings the pipeline and the dashboard up to date first.
 */
import { loadConfig } from "../../core/config.js";
import { runEntryPoint } from "./entry-point.js";
import { serve } from "./serve.js";

runEntryPoint(() => serve(loadConfig()));
