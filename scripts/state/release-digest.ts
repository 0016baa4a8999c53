/**
 * A digest of what a deployment shows: the champion alias and the published forecasts. The
 * pipeline compares it before and after a run and deploys only when it changed.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

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
