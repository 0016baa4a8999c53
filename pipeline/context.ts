/**
 * What every stage receives: configuration, where to read and write, which symbols, the
 * command-line options and the progress reporter.
 */
import { join } from "node:path";
import { paths } from "../core/artifact-layout.js";
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
  return shard ? join(paths.shardsDir(artifactsDir), shardLabel(shard)) : artifactsDir;
}
