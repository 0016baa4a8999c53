/**
 * What every stage receives: configuration, where to read and write, which symbols, the
 * command-line options and the progress reporter.
 */
import { join } from "node:path";
import type { Config } from "../core/config.js";
import type { SymbolInfo } from "../core/contracts.js";
import type { ProgressReporter } from "./progress.js";
import { shardLabel, type Shard } from "./universe.js";

export interface PipelineOptions {
  source: "snapshot" | "yahoo";
  dataDir?: string;
  symbols?: string[];
  from?: string;
  to?: string;
  shard?: Shard;
  force: boolean;
}

export interface PipelineContext {
  config: Config;
  options: PipelineOptions;
  universe: SymbolInfo[];
  /** the root artifacts folder */
  artifactsDir: string;
  /** where the data stages read and write: the root, or `shards/<i>-of-<n>/` for a shard */
  workDir: string;
  progress: ProgressReporter;
  /** injected in tests for the live source */
  fetch?: typeof fetch;
}

export function workDirFor(artifactsDir: string, shard: Shard | undefined): string {
  return shard ? join(artifactsDir, "shards", shardLabel(shard)) : artifactsDir;
}

export const paths = {
  rawDir: (workDir: string) => join(workDir, "raw"),
  rawManifest: (workDir: string) => join(workDir, "raw", "manifest.json"),
  pricesDir: (workDir: string) => join(workDir, "prices"),
  quality: (workDir: string) => join(workDir, "prices", "quality.json"),
  featuresDir: (workDir: string) => join(workDir, "features"),
  featureTable: (workDir: string) => join(workDir, "features", "features.arrow"),
  featureManifest: (workDir: string) => join(workDir, "features", "features.json"),
  cacheRecord: (workDir: string, stage: string) => join(workDir, ".cache", `${stage}.json`),
  runsDir: (artifactsDir: string) => join(artifactsDir, "runs"),
};
