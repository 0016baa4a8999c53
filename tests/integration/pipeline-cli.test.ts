import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runReportSchema } from "../../core/contracts.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";

const exec = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec("node", ["--import", "tsx", "pipeline/cli.ts", ...args], {
      env: { ...process.env, CI: "true", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("pipeline CLI", () => {
  it("lists its commands and options in --help", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const word of ["ingest", "validate", "features", "run", "merge"])
      expect(stdout).toContain(word);
    const run = await cli(["run", "--help"]);
    for (const opt of [
      "--source",
      "--data-dir",
      "--symbols",
      "--from",
      "--to",
      "--shard",
      "--force",
      "--json",
    ]) {
      expect(run.stdout).toContain(opt);
    }
  });

  it("runs the data stages and prints a JSON report, then skips them", async () => {
    const env = { ARTIFACTS_DIR: tempArtifactsDir() };
    const first = await cli(["run", "--symbols", "^BSESN,INFY.NS", "--json"], env);
    expect(first.code).toBe(0);
    const report = runReportSchema.parse(JSON.parse(first.stdout));
    expect(report.status).toBe("succeeded");
    expect(report.stages.map((s) => s.stage)).toEqual(
      expect.arrayContaining(["ingest", "validate", "features"]),
    );
    const second = await cli(["run", "--symbols", "^BSESN,INFY.NS"], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/skipped\s+ingest/);
    expect(second.stderr).toMatch(/skipped: inputs unchanged/);
  });

  it("exits 2 with one clear message on a usage or configuration error", async () => {
    const badShard = await cli(["ingest", "--shard", "5/4"]);
    expect(badShard.code).toBe(2);
    expect(badShard.stderr).toMatch(/--shard must be i\/n/);
    const badDate = await cli(["ingest", "--from", "2020-13-45"]);
    expect(badDate.code).not.toBe(0);
    expect(badDate.stderr).toMatch(/YYYY-MM-DD/);
    const badSymbol = await cli(["ingest", "--symbols", "NOPE"]);
    expect(badSymbol.code).toBe(1);
    expect(badSymbol.stderr).toMatch(/unknown symbol "NOPE"/);
    const badConfig = await cli(["ingest"], { YAHOO_RETRIES: "lots" });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/YAHOO_RETRIES/);
  });
});
