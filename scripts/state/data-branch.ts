/**
 * Persisted pipeline state on a git branch (default `data`) of the same repository: restore
 * copies the branch's files into the artifacts folder at the start of a run; save commits the
 * state files (state-files.ts) on top of the branch and pushes, so every run is a commit and a
 * bad run can be rolled back by resetting the branch. The branch holds only state, no code.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { git } from "./git.js";
import { stateFiles } from "./state-files.js";

interface BranchRef {
  /** the repository folder (a clone with an `origin` remote) */
  repoDir: string;
  remote?: string;
  branch: string;
}

const README = `# Pipeline state

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
    await writeFile(join(dir, "README.md"), README);
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
