/**
 * The `replay` command of the pipeline CLI (registered by pipeline/cli.ts).
 */
import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../../core/config.js";
import { workDirFor, type PipelineContext } from "../context.js";
import { createProgress } from "../progress.js";
import { UsageError, loadUniverse } from "../universe.js";
import { formatReplaySummary, runReplay } from "./replay.js";

interface ReplayCliOptions {
  from: string;
  to: string;
  dataDir?: string;
  symbols?: string[];
  workers?: number;
  json?: boolean;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  return value;
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number, 0 or more");
  return Number(value);
}

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function registerReplayCommand(program: Command): void {
  program
    .command("replay")
    .description(
      "rerun the daily workflow over past trading days as it would have run: validate, retrain on schedule, forecast, fill the ledger",
    )
    .requiredOption("--from <date>", "first trading day to replay (YYYY-MM-DD)", isoDate)
    .requiredOption("--to <date>", "last trading day to replay (YYYY-MM-DD)", isoDate)
    .option(
      "--data-dir <dir>",
      "read this folder of Yahoo-format CSV files instead of the snapshot",
    )
    .option("--symbols <list>", "comma-separated symbols (default: the whole universe)", list)
    .option(
      "--workers <n>",
      "forecast worker threads (default: the CPU count, at most 4; 0: the main thread)",
      count,
    )
    .option("--json", "print the summary as JSON on stdout (progress is silent)")
    .action(async (opts: ReplayCliOptions) => {
      const config = loadConfig();
      if (opts.from > opts.to) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
      const ctx: PipelineContext = {
        config,
        options: {
          source: "snapshot",
          force: false,
          from: opts.from,
          to: opts.to,
          ...(opts.dataDir ? { dataDir: resolve(opts.dataDir) } : {}),
          ...(opts.symbols ? { symbols: opts.symbols } : {}),
        },
        universe: await loadUniverse(config.SNAPSHOT_DIR),
        artifactsDir: config.ARTIFACTS_DIR,
        workDir: workDirFor(config.ARTIFACTS_DIR, undefined),
        progress: createProgress(opts.json ? "silent" : "auto"),
      };
      try {
        const summary = await runReplay(ctx, {
          ...(opts.workers === undefined ? {} : { workers: opts.workers }),
        });
        if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
        else console.log(formatReplaySummary(summary, config.INDEX_SYMBOL));
      } finally {
        ctx.progress.close();
      }
    });
}
