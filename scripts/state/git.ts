/** Runs git and returns its stdout; a failure throws with git's own message. */
import { spawnSync } from "node:child_process";

export function git(cwd: string, args: readonly string[], allowed: readonly number[] = [0]) {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  const status = result.status ?? 1;
  if (!allowed.includes(status)) {
    throw new Error(`git ${args.join(" ")} exited with ${status}: ${result.stderr.trim()}`);
  }
  return { status, stdout: result.stdout };
}
