import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawManifestSchema } from "../../core/contracts.js";
import { readJson } from "../../core/store.js";
import { DATA_STAGES, runPipeline } from "../../pipeline/run.js";
import { cutToRange } from "../../pipeline/stages/ingest.js";
import { startFakeYahoo, type FakeYahoo } from "../helpers/fake-yahoo.js";
import { tempArtifactsDir, testContext } from "../helpers/pipeline-context.js";
import { paths } from "../../core/artifact-layout.js";

const SNAPSHOT = "data/snapshot/prices";
const FAST = {
  YAHOO_RETRIES: "1",
  YAHOO_BACKOFF_BASE_MS: "1",
  YAHOO_TIMEOUT_MS: "2000",
  YAHOO_DEADLINE_MS: "20000",
};

describe("ingest --source yahoo through the stage, against a fake Yahoo", () => {
  let fake: FakeYahoo;
  beforeAll(async () => {
    fake = await startFakeYahoo({
      pricesDir: SNAPSHOT,
      faults: { "TCS.NS": { type: "server-error", times: "always" } },
    });
  });
  afterAll(() => fake.close());

  it("fetches incrementally from the last stored date, keeps last good data on failure and says which symbols are stale", async () => {
    const root = tempArtifactsDir();
    mkdirSync(paths.rawDir(root), { recursive: true });
    const stored: Record<string, string> = {};
    for (const file of ["BSESN.csv", "INFY.NS.csv", "TCS.NS.csv"]) {
      stored[file] = cutToRange(
        readFileSync(join(SNAPSHOT, file), "utf8"),
        undefined,
        "2023-05-31",
      );
      writeFileSync(join(paths.rawDir(root), file), stored[file]!);
    }
    const ctx = await testContext(
      root,
      { source: "yahoo", symbols: ["^BSESN", "INFY.NS", "TCS.NS"] },
      FAST,
    );
    ctx.fetch = fake.fetch;
    const report = await runPipeline(ctx, "run", DATA_STAGES);
    expect(report.error).toBeNull();
    const ingest = report.stages[0]!;
    expect(ingest.message).toMatch(/2\/3 symbol\(s\) updated from Yahoo/);
    expect(ingest.message).toMatch(/STALE \(last good data kept\): TCS\.NS/);

    for (const file of ["BSESN.csv", "INFY.NS.csv"]) {
      const merged = readFileSync(join(paths.rawDir(root), file), "utf8");
      expect(merged.startsWith(stored[file]!.trimEnd())).toBe(true); // stored rows kept verbatim
      expect(merged.trimEnd().split("\n").at(-1)!.slice(0, 10)).toBe("2023-06-30");
      const dates = merged
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.slice(0, 10));
      expect(new Set(dates).size).toBe(dates.length);
    }
    // the first request for each symbol starts at its last stored date, not at the beginning
    const firstBsesn = fake.chartRequests.find((r) => r.symbol === "^BSESN")!;
    expect(new Date(firstBsesn.period1 * 1000).toISOString().slice(0, 10) >= "2023-05-29").toBe(
      true,
    );

    expect(readFileSync(join(paths.rawDir(root), "TCS.NS.csv"), "utf8")).toBe(stored["TCS.NS.csv"]);
    const manifest = await readJson(paths.rawManifest(root), rawManifestSchema);
    expect(manifest.stale.map((s) => s.symbol)).toEqual(["TCS.NS"]);
    expect(manifest.stale[0]!.reason).toMatch(/server-error/);
    expect(report.stages.map((s) => s.status)).toEqual(["ran", "ran", "ran"]);
  });

  it("fails with a clear message when a symbol has neither live nor stored data", async () => {
    const root = tempArtifactsDir();
    const ctx = await testContext(
      root,
      { source: "yahoo", symbols: ["TCS.NS"] },
      {
        ...FAST,
        SNAPSHOT_DIR: (() => {
          const dir = tempArtifactsDir("snap-");
          writeFileSync(join(dir, "universe.csv"), readFileSync("data/snapshot/universe.csv"));
          return dir;
        })(),
      },
    );
    ctx.fetch = fake.fetch;
    const report = await runPipeline(ctx, "ingest", [DATA_STAGES[0]!]);
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(
      /Yahoo gave no data and nothing is stored for: TCS\.NS \(server-error/,
    );
  });
});
