import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { failureSummary } from "../../dashboard/build.js";
import { loaderContext, symbolSlug } from "../../dashboard/loaders/artifacts.js";
import { loadForecastData } from "../../dashboard/loaders/forecast.js";

const dirs: string[] = [];
function tempArtifacts(): string {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-loaders-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the dashboard's data loaders", () => {
  it("fail naming the artifact that is missing", async () => {
    const ctx = loaderContext({ ARTIFACTS_DIR: tempArtifacts() });
    await expect(loadForecastData(ctx)).rejects.toThrow(/forecasts\/latest\.json is missing/);
  });

  it("fail naming the artifact that is invalid", async () => {
    const dir = tempArtifacts();
    mkdirSync(join(dir, "forecasts"));
    writeFileSync(join(dir, "forecasts", "latest.json"), JSON.stringify({ schemaVersion: 1 }));
    const ctx = loaderContext({ ARTIFACTS_DIR: dir });
    await expect(loadForecastData(ctx)).rejects.toThrow(/latest\.json/);
  });

  it("name symbol files safely", () => {
    expect(symbolSlug("^BSESN")).toBe("BSESN");
    expect(symbolSlug("M&M.NS")).toBe("M_M.NS");
  });
});

describe("a failed dashboard build", () => {
  it("reports the data loaders' messages", () => {
    const output =
      "load /data/forecast.json → [missing] dashboard data loader forecast.json failed: /a/forecasts/latest.json is missing\n" +
      "load /data/x → [missing] success\n";
    expect(failureSummary(output)).toBe(
      "dashboard data loader forecast.json failed: /a/forecasts/latest.json is missing",
    );
  });
});
