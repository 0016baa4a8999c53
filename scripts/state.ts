/**
 * `npm run state -- <command>`: the scheduled pipeline's state between runs.
 *
 *   restore [--branch data] [--artifacts DIR]   copy the state branch into the artifacts folder
 *   save [--branch data] [--message TEXT]       commit the state files to the branch and push
 *   seed-shard --shard i/n                      seed shard i's raw folder with its own symbols
 *   digest                                      print the release digest (champion + forecasts)
 *
 * The state lives on a git branch (default `data`) of the same repository: restore copies the
 * branch's files in at the start of a run; save commits the state files on top of the branch and
 * pushes, so every run is a commit and a bad run is rolled back by resetting the branch. The
 * branch holds only state, no code. save needs push rights (the persist job's `contents: write`).
 * The state is what ingest continues from (raw prices), the validated prices, the model
 * registry, the forecasts and ledger, the run reports, and the evaluations of the versions the
 * aliases point at. Features, shards and stage caches are recomputed; other versions'
 * evaluations (tens of MB each) are not kept.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { paths, symbolFileName } from "../core/artifact-layout.js";
import { loadConfig } from "../core/config.js";
import { aliasesSchema } from "../core/contracts.js";
import { workDirFor } from "../pipeline/context.js";
import { loadUniverse, parseShard, selectShard, sortSymbols } from "../pipeline/universe.js";

/** Runs git and returns its stdout; a failure throws with git's own message. */
function git(cwd: string, args: readonly string[], allowed: readonly number[] = [0]) {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  const status = result.status ?? 1;
  if (!allowed.includes(status)) {
    throw new Error(`git ${args.join(" ")} exited with ${status}: ${result.stderr.trim()}`);
  }
  return { status, stdout: result.stdout };
}

const STATE_DIRS = ["raw", "prices", "registry", "forecasts", "runs"] as const;

async function walk(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue; // stage caches, temporary files
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Files of the persisted state, relative to the artifacts folder, sorted. */
export async function stateFiles(artifactsDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const d of STATE_DIRS) files.push(...(await walk(join(artifactsDir, d))));
  const aliasesPath = paths.aliases(artifactsDir);
  if (existsSync(aliasesPath)) {
    const aliases = aliasesSchema.parse(JSON.parse(await readFile(aliasesPath, "utf8")));
    const versions = new Set([aliases.champion, aliases.challenger].filter((v) => v !== null));
    for (const v of [...versions].sort((a, b) => a - b)) {
      files.push(...(await walk(paths.evaluationDir(artifactsDir, v))));
    }
  }
  return files.map((f) => relative(artifactsDir, f).split("\\").join("/")).sort();
}

/**
 * The digest of what a deployment shows: the champion alias and the published forecasts. The
 * pipeline compares it before and after a run and deploys only when it changed.
 */
const RELEASE_FILES = ["registry/aliases.json", "forecasts/latest.json"] as const;

export async function releaseDigest(artifactsDir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const rel of RELEASE_FILES) {
    const path = join(artifactsDir, rel);
    hash.update(`${rel}\0`);
    hash.update(existsSync(path) ? await readFile(path) : "missing");
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * Seeds a shard's raw folder with the persisted raw prices of its own symbols, so a sharded live
 * ingest continues from the last stored date (ingest reads `shards/<i>-of-<n>/raw/`). The
 * symbols of a shard are chosen exactly as the pipeline chooses them (pipeline/universe.ts).
 */
export async function seedShard(
  artifactsDir: string,
  snapshotDir: string,
  shardText: string,
): Promise<string[]> {
  const shard = parseShard(shardText);
  const symbols = selectShard(sortSymbols(await loadUniverse(snapshotDir)), shard);
  const target = paths.rawDir(workDirFor(artifactsDir, shard));
  const copied: string[] = [];
  for (const s of symbols) {
    const from = join(paths.rawDir(artifactsDir), symbolFileName(s.symbol));
    if (!existsSync(from)) continue;
    await mkdir(target, { recursive: true });
    await copyFile(from, join(target, symbolFileName(s.symbol)));
    copied.push(s.symbol);
  }
  return copied;
}

interface BranchRef {
  /** the repository folder (a clone with an `origin` remote) */
  repoDir: string;
  remote?: string;
  branch: string;
}

const BRANCH_README = `# Pipeline state

Written by the scheduled workflow (.github/workflows/pipeline.yml) after each run and restored
at the start of the next: raw and validated prices, the model registry, forecasts and ledger,
run reports and the evaluations of the aliased versions. Roll back by resetting this branch to
an earlier commit. Do not edit by hand.
`;

/** True when the remote has the branch; false when it has not (the first run). */
function remoteHasBranch({ repoDir, remote = "origin", branch }: BranchRef): boolean {
  const { status } = git(repoDir, ["ls-remote", "--exit-code", "--heads", remote, branch], [0, 2]);
  return status === 0;
}

async function checkoutBranch(ref: BranchRef): Promise<{ dir: string; exists: boolean }> {
  const remote = ref.remote ?? "origin";
  const dir = await mkdtemp(join(tmpdir(), "state-branch-"));
  const exists = remoteHasBranch(ref);
  if (exists) {
    git(ref.repoDir, ["fetch", "--quiet", "--depth=1", remote, `refs/heads/${ref.branch}`]);
    git(ref.repoDir, ["worktree", "add", "--quiet", "--detach", dir, "FETCH_HEAD"]);
  } else {
    git(ref.repoDir, ["worktree", "add", "--quiet", "--detach", dir]);
    git(dir, ["checkout", "--quiet", "--orphan", ref.branch]);
    git(dir, ["rm", "-r", "--quiet", "--force", "--ignore-unmatch", "."]);
  }
  return { dir, exists };
}

async function dropWorktree(repoDir: string, dir: string) {
  git(repoDir, ["worktree", "remove", "--force", dir]);
  await rm(dir, { recursive: true, force: true });
}

/** Copies the branch's state into `artifactsDir`; returns the number of files, 0 on a first run. */
export async function restoreState(ref: BranchRef, artifactsDir: string): Promise<number> {
  if (!remoteHasBranch(ref)) return 0;
  const { dir } = await checkoutBranch(ref);
  try {
    let count = 0;
    await mkdir(artifactsDir, { recursive: true });
    for (const entry of await readdir(dir)) {
      if (entry === ".git" || entry === "README.md") continue;
      await cp(join(dir, entry), join(artifactsDir, entry), { recursive: true });
      count++;
    }
    return count === 0 ? 0 : (await stateFiles(artifactsDir)).length;
  } finally {
    await dropWorktree(ref.repoDir, dir);
  }
}

/** Commits the state files of `artifactsDir` to the branch and pushes; null when unchanged. */
export async function saveState(
  ref: BranchRef,
  artifactsDir: string,
  message: string,
): Promise<string | null> {
  const files = await stateFiles(artifactsDir);
  if (files.length === 0) throw new Error(`no state files in ${artifactsDir}: nothing to save`);
  const { dir } = await checkoutBranch(ref);
  try {
    for (const entry of await readdir(dir)) {
      if (entry !== ".git") await rm(join(dir, entry), { recursive: true, force: true });
    }
    for (const rel of files) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await cp(join(artifactsDir, rel), join(dir, rel));
    }
    await writeFile(join(dir, "README.md"), BRANCH_README);
    git(dir, ["add", "--all", "."]);
    const { status } = git(dir, ["diff", "--cached", "--quiet"], [0, 1]);
    if (status === 0) return null;
    git(dir, [
      "-c",
      "user.name=github-actions[bot]",
      "-c",
      "user.email=41898282+github-actions[bot]@users.noreply.github.com",
      "commit",
      "--quiet",
      "--message",
      message,
    ]);
    git(dir, ["push", "--quiet", ref.remote ?? "origin", `HEAD:refs/heads/${ref.branch}`]);
    return git(dir, ["rev-parse", "HEAD"]).stdout.trim();
  } finally {
    await dropWorktree(ref.repoDir, dir);
  }
}

const USAGE =
  "usage: npm run state -- restore|save [--branch data] [--artifacts DIR] [--message TEXT] | seed-shard --shard i/n | digest";

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      branch: { type: "string", default: "data" },
      artifacts: { type: "string" },
      remote: { type: "string", default: "origin" },
      message: { type: "string", default: "pipeline state" },
      shard: { type: "string" },
    },
  });
  const config = loadConfig();
  const artifactsDir = values.artifacts ?? config.ARTIFACTS_DIR;
  const ref = { repoDir: process.cwd(), remote: values.remote, branch: values.branch };
  const command = positionals[0];
  if (command === "restore") {
    const count = await restoreState(ref, artifactsDir);
    console.log(
      count === 0
        ? `state: branch ${values.branch} not found or empty; starting from the snapshot (first run)`
        : `state: restored ${count} file(s) from branch ${values.branch} into ${artifactsDir}`,
    );
  } else if (command === "save") {
    const commit = await saveState(ref, artifactsDir, values.message);
    console.log(
      commit === null
        ? `state: unchanged; nothing committed to ${values.branch}`
        : `state: committed ${commit} to ${values.branch}`,
    );
  } else if (command === "seed-shard" && values.shard) {
    const copied = await seedShard(artifactsDir, config.SNAPSHOT_DIR, values.shard);
    console.log(
      `shard ${values.shard}: seeded ${copied.length} symbol(s) from ${artifactsDir}/raw`,
    );
  } else if (command === "digest") {
    console.log(await releaseDigest(artifactsDir));
  } else {
    console.error(USAGE);
    process.exit(2);
  }
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  try {
    await main();
  } catch (error) {
    console.error(`state: ${(error as Error).message}`);
    process.exit(1);
  }
}
