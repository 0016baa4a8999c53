/**
 * Seeds a shard's raw folder with the persisted raw prices of its own symbols, so a sharded live
 * ingest continues from the last stored date (ingest reads `shards/<i>-of-<n>/raw/`). The
 * symbols of a shard are chosen exactly as the pipeline chooses them (pipeline/universe.ts).
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { workDirFor } from "../../pipeline/context.js";
import {
  loadUniverse,
  parseShard,
  selectShard,
  sortSymbols,
  symbolFileName,
} from "../../pipeline/universe.js";
import { paths } from "../../core/artifact-layout.js";

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
