/**
 * The serving image replayed without Docker (scripts/docker-smoke.ts): the runtime stage's
 * files laid out in a temporary folder, production dependencies only (`npm ci --omit=dev`,
 * several minutes on a cold cache), the CMD started with PORT set, /readyz and /api/forecast
 * probed. Uses the small real bundle the server tests share and a stand-in dashboard build.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runServingSmoke } from "../../scripts/docker-smoke.js";
import { SERVER_TEST_SYMBOLS, sharedServerBundle } from "../helpers/server-bundle.js";

describe("serving image smoke replay", () => {
  it("installs production dependencies, starts the CMD and answers /readyz and /api/forecast", async () => {
    const artifactsDir = await sharedServerBundle();
    const dashboardDir = mkdtempSync(join(tmpdir(), "smoke-dashboard-"));
    writeFileSync(join(dashboardDir, "index.html"), "<!doctype html><title>stand-in</title>");
    const result = await runServingSmoke({ repoDir: process.cwd(), artifactsDir, dashboardDir });
    expect(JSON.parse(result.readyz)).toMatchObject({ status: "ready" });
    expect(result.forecastSymbols).toBe(SERVER_TEST_SYMBOLS.length);
  }, 900_000);
});
