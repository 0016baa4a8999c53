/**
 * The state that outlives a scheduled run: what ingest continues from (raw prices), the
 * validated prices, the model registry, the forecasts and ledger, the run reports, and the
 * evaluations of the versions the aliases point at. Features, shards and stage caches are
 * recomputed; other versions' evaluations (tens of MB each) are not kept.
 */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { paths } from "../../core/artifact-layout.js";
import { aliasesSchema } from "../../core/contracts.js";

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
