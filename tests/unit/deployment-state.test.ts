/**
 * The scheduled pipeline's persisted state: saved to a `data` branch and restored from it
 * (against a local bare repository standing in for origin), a shard seeded with its own
 * symbols' stored prices, and the release digest that decides whether to deploy.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  releaseDigest,
  restoreState,
  saveState,
  seedShard,
  stateFiles,
} from "../../scripts/state.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
  });

function put(root: string, rel: string, content: string) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

function artifacts(): string {
  const dir = mkdtempSync(join(tmpdir(), "state-artifacts-"));
  put(dir, "raw/INFY.NS.csv", "Date,Open\n");
  put(dir, "prices/INFY.NS.csv", "Date,Open\n");
  put(dir, "registry/aliases.json", '{"champion": 2, "challenger": null}');
  put(dir, "registry/models/1/card.json", "{}");
  put(dir, "registry/models/2/card.json", "{}");
  put(dir, "evaluation/1/metrics.json", "{}");
  put(dir, "evaluation/2/metrics.json", "{}");
  put(dir, "forecasts/latest.json", '{"f":1}');
  put(dir, "forecasts/ledger.csv", "date\n");
  put(dir, "runs/r1.json", "{}");
  put(dir, "features/features.arrow", "big");
  put(dir, "shards/1-of-2/raw/X.csv", "x");
  put(dir, "prices/.cache/validate.json", "{}");
  return dir;
}

function repoWithOrigin(): string {
  const root = mkdtempSync(join(tmpdir(), "state-repo-"));
  git(root, "init", "--quiet", "--bare", "origin.git");
  git(root, "clone", "--quiet", join(root, "origin.git"), "work");
  const work = join(root, "work");
  writeFileSync(join(work, "code.ts"), "// code\n");
  git(work, "add", ".");
  git(work, "commit", "--quiet", "-m", "code");
  git(work, "push", "--quiet", "origin", "HEAD");
  return work;
}

describe("state files", () => {
  it("keep prices, registry, forecasts, runs and the aliased evaluations; not features, shards or caches", async () => {
    expect(await stateFiles(artifacts())).toEqual([
      "evaluation/2/metrics.json",
      "forecasts/latest.json",
      "forecasts/ledger.csv",
      "prices/INFY.NS.csv",
      "raw/INFY.NS.csv",
      "registry/aliases.json",
      "registry/models/1/card.json",
      "registry/models/2/card.json",
      "runs/r1.json",
    ]);
  });
});

describe("the data branch", () => {
  it("restores nothing on a first run, then round-trips the state, one commit per change", async () => {
    const work = repoWithOrigin();
    const ref = { repoDir: work, branch: "data" };
    const fresh = mkdtempSync(join(tmpdir(), "state-restore-"));
    expect(await restoreState(ref, fresh)).toBe(0);

    const source = artifacts();
    const first = await saveState(ref, source, "run 1");
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(await saveState(ref, source, "run 2")).toBeNull(); // unchanged: no commit

    put(source, "forecasts/latest.json", '{"f":2}');
    expect(await saveState(ref, source, "run 3")).toMatch(/^[0-9a-f]{40}$/);
    const log = git(join(work, "..", "origin.git"), "log", "--format=%s", "data");
    expect(log.trim().split("\n")).toEqual(["run 3", "run 1"]);
    // the code branch is untouched
    expect(git(join(work, "..", "origin.git"), "ls-tree", "--name-only", "data")).not.toContain(
      "code.ts",
    );

    expect(await restoreState(ref, fresh)).toBe(9);
    expect(readFileSync(join(fresh, "forecasts/latest.json"), "utf8")).toBe('{"f":2}');
    expect(existsSync(join(fresh, "features"))).toBe(false);
    expect(git(work, "worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 60_000);
});

describe("seedShard", () => {
  it("copies the stored raw prices of the shard's own symbols into its folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seed-"));
    for (const s of ["BSESN", "INFY.NS", "TCS.NS", "HDFCBANK.NS"]) put(dir, `raw/${s}.csv`, s);
    const one = await seedShard(dir, "data/snapshot", "1/2");
    const two = await seedShard(dir, "data/snapshot", "2/2");
    expect(one.length + two.length).toBe(4);
    expect(one.filter((s) => two.includes(s))).toEqual([]);
    for (const s of one)
      expect(existsSync(join(dir, "shards/1-of-2/raw", `${s.replace(/^\^/, "")}.csv`))).toBe(true);
  });
});

describe("releaseDigest", () => {
  it("changes with the champion or the forecasts, and only then", async () => {
    const dir = artifacts();
    const before = await releaseDigest(dir);
    put(dir, "runs/r2.json", "{}");
    expect(await releaseDigest(dir)).toBe(before);
    put(dir, "forecasts/latest.json", '{"f":9}');
    const after = await releaseDigest(dir);
    expect(after).not.toBe(before);
    put(dir, "registry/aliases.json", '{"champion": 1, "challenger": null}');
    expect(await releaseDigest(dir)).not.toBe(after);
  });
});
