/**
 * `npm start` (dashboard/start.ts) as a process: a pipeline that fails stops it with a
 * non-zero exit code and a message that says what failed and what to do, before any server
 * starts.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";

const ROOT = join(import.meta.dirname, "../..");

describe("npm start", () => {
  it("exits non-zero with a clear message when the pipeline fails", () => {
    const root = tempArtifactsDir("server-start-");
    // a snapshot with its universe but no prices: ingest fails at its first symbol
    mkdirSync(join(root, "snapshot", "prices"), { recursive: true });
    cpSync(join(ROOT, "data", "snapshot", "universe.csv"), join(root, "snapshot", "universe.csv"));
    const run = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["dashboard/start.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        ARTIFACTS_DIR: join(root, "artifacts"),
        SNAPSHOT_DIR: join(root, "snapshot"),
        DATA_SOURCE: "snapshot",
        PORT: "0",
      },
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/pipeline run \S+: failed in [\d.]+ s \(ingest failed\)/);
    expect(run.stderr).toMatch(
      /error: the pipeline failed, so the server was not started: ingest failed: no price file/,
    );
    expect(run.stderr).toContain("npm run serve");
    expect(run.stdout).not.toMatch(/Server listening/);
    expect(existsSync(join(root, "artifacts", "runs"))).toBe(true);
  });
});
