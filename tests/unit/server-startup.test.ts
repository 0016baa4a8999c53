/**
 * `npm start`'s dashboard step: a build is redone when it is missing or older than the
 * artifacts it shows, with dashboard/build.ts when it exists; without it the server starts
 * anyway and says so.
 */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../core/config.js";
import {
  dashboardInputs,
  refreshDashboard,
  staleReason,
} from "../../dashboard/start/refresh-dashboard.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";

function setUp() {
  const root = tempArtifactsDir("server-startup-");
  const artifactsDir = join(root, "artifacts");
  const dashboardDir = join(root, "dist");
  mkdirSync(join(artifactsDir, "forecasts"), { recursive: true });
  writeFileSync(join(artifactsDir, "forecasts", "latest.json"), "{}");
  const config = loadConfig(
    { ARTIFACTS_DIR: artifactsDir, DASHBOARD_DIR: dashboardDir },
    join(root, "no-dotenv"),
  );
  const build = (at: Date) => {
    mkdirSync(dashboardDir, { recursive: true });
    writeFileSync(join(dashboardDir, "index.html"), "<html></html>");
    utimesSync(join(dashboardDir, "index.html"), at, at);
  };
  const touchForecast = (at: Date) =>
    utimesSync(join(artifactsDir, "forecasts", "latest.json"), at, at);
  return { config, artifactsDir, dashboardDir, build, touchForecast };
}

describe("the dashboard step of npm start", () => {
  it("finds a build stale when it is missing or older than an artifact", async () => {
    const { artifactsDir, dashboardDir, build, touchForecast } = setUp();
    const inputs = dashboardInputs(artifactsDir);
    expect(await staleReason(dashboardDir, inputs)).toMatch(/no build/);
    touchForecast(new Date("2024-01-02"));
    build(new Date("2024-01-01"));
    expect(await staleReason(dashboardDir, inputs)).toMatch(/latest\.json is newer/);
    build(new Date("2024-01-03"));
    expect(await staleReason(dashboardDir, inputs)).toBeNull();
  });

  it("builds a stale dashboard, leaves a fresh one, and starts without a builder", async () => {
    const { config, build, touchForecast } = setUp();
    const lines: string[] = [];
    const say = (line: string) => lines.push(line);
    const buildDashboard = vi.fn(async () => build(new Date("2024-02-01")));

    expect(await refreshDashboard(config, say, async () => null)).toBe("not-built");
    expect(lines.at(-1)).toMatch(/not built .*dashboard\/build\.ts is not available/);

    expect(await refreshDashboard(config, say, async () => ({ buildDashboard }))).toBe("built");
    expect(buildDashboard).toHaveBeenCalledTimes(1);

    touchForecast(new Date("2024-01-15"));
    expect(await refreshDashboard(config, say, async () => ({ buildDashboard }))).toBe(
      "up-to-date",
    );
    expect(buildDashboard).toHaveBeenCalledTimes(1);

    touchForecast(new Date("2024-03-01"));
    const failing = async () => ({
      buildDashboard: async () => {
        throw new Error("observable exploded");
      },
    });
    expect(await refreshDashboard(config, say, failing)).toBe("not-built");
    expect(lines.at(-1)).toMatch(/build failed.*observable exploded/);
  });
});
