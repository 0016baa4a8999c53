#!/usr/bin/env node
/**
 * The pipeline CLI: `npm run pipeline -- <command> [options]`.
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { ConfigError, loadConfig } from "../core/config.js";
import type { RunReport } from "../core/contracts.js";
import { PriceCsvError } from "../core/price-csv.js";
import { ArtifactError } from "../core/store.js";
import { workDirFor, type PipelineContext, type PipelineOptions } from "./context.js";
import { createProgress } from "./progress.js";
import { ALL_STAGES, DATA_STAGES, STAGES_BY_COMMAND, runPipeline } from "./run.js";
import type { StageDefinition } from "./stage-runner.js";
import { UsageError, loadUniverse, parseShard } from "./universe.js";
import { formatRegistry, listRegistry } from "./registry/listing.js";
import { rollback } from "../core/registry-store.js";
import { registerReplayCommand } from "./replay/command.js";
import { registerZooCommand } from "./zoo/command.js";

interface CliOptions {
  source: "snapshot" | "yahoo";
  dataDir?: string;
  symbols?: string[];
  from?: string;
  to?: string;
  shard?: string;
  force?: boolean;
  json?: boolean;
}

function isoDateArg(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  return value;
}

function symbolList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

async function buildContext(opts: CliOptions): Promise<PipelineContext> {
  const config = loadConfig();
  const options: PipelineOptions = {
    source: opts.source ?? config.DATA_SOURCE,
    force: Boolean(opts.force),
    ...(opts.dataDir ? { dataDir: resolve(opts.dataDir) } : {}),
    ...(opts.symbols ? { symbols: opts.symbols } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.shard ? { shard: parseShard(opts.shard) } : {}),
  };
  if (options.from && options.to && options.from > options.to) {
    throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  }
  if (options.dataDir && options.source === "yahoo") {
    throw new UsageError(
      "--data-dir reads local CSV files; it cannot be combined with --source yahoo",
    );
  }
  return {
    config,
    options,
    universe: await loadUniverse(config.SNAPSHOT_DIR),
    artifactsDir: config.ARTIFACTS_DIR,
    workDir: workDirFor(config.ARTIFACTS_DIR, options.shard),
    progress: createProgress(opts.json ? "silent" : "auto"),
  };
}

function printSummary(report: RunReport, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  for (const s of report.stages) {
    const seconds = (s.durationMs / 1000).toFixed(2).padStart(7);
    console.log(`${s.status.padEnd(8)} ${s.stage.padEnd(9)} ${seconds} s  ${s.message}`);
  }
  console.log(`run ${report.runId}: ${report.status}`);
}

function hintFor(error: unknown): string {
  if (error instanceof ConfigError) return "";
  if (error instanceof UsageError) return " (see --help)";
  if (error instanceof PriceCsvError) return " (fix or remove the file, then rerun)";
  if (error instanceof ArtifactError) return "";
  return "";
}

async function execute(command: string, stages: readonly StageDefinition[], opts: CliOptions) {
  const ctx = await buildContext(opts);
  const report = await runPipeline(ctx, command, stages);
  printSummary(report, Boolean(opts.json));
  if (report.status === "failed") {
    console.error(`error: ${report.error}`);
    process.exitCode = 1;
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name("pipeline")
    .description(
      "sensex-mlops pipeline: ingest -> validate -> features (-> train -> evaluate -> register -> forecast)",
    )
    .showHelpAfterError();

  const withOptions = (cmd: Command) =>
    cmd
      .addOption(
        new Option("--source <source>", "where prices come from").choices(["snapshot", "yahoo"]),
      )
      .option(
        "--data-dir <dir>",
        "ingest from this folder of Yahoo-format CSV files instead of the snapshot",
      )
      .option(
        "--symbols <list>",
        "comma-separated symbols (default: the whole universe)",
        symbolList,
      )
      .option("--from <date>", "first date to ingest (YYYY-MM-DD)", isoDateArg)
      .option("--to <date>", "last date to ingest (YYYY-MM-DD)", isoDateArg)
      .option("--shard <i/n>", "work on shard i of n of the symbols (data stages); join with merge")
      .option("--force", "rerun stages even when their inputs are unchanged")
      .option("--json", "print a machine-readable summary on stdout");

  const stageCommands: [string, string, readonly StageDefinition[]][] = [
    ["ingest", "fetch or copy raw prices into artifacts/raw", [STAGES_BY_COMMAND.ingest!]],
    [
      "validate",
      "check prices, quarantine bad rows, write artifacts/prices",
      [STAGES_BY_COMMAND.validate!],
    ],
    [
      "features",
      "compute the 45 indicators into artifacts/features",
      [STAGES_BY_COMMAND.features!],
    ],
    [
      "train",
      "train the network into the registry as the next version",
      [STAGES_BY_COMMAND.train!],
    ],
    [
      "evaluate",
      "walk-forward evaluation against the baselines, and the leakage gates",
      [STAGES_BY_COMMAND.evaluate!],
    ],
    ["register", "apply the promotion policy to the candidate", [STAGES_BY_COMMAND.register!]],
    [
      "forecast",
      "forecast the next session with the champion; update the ledger",
      [STAGES_BY_COMMAND.forecast!],
    ],
    ["merge", "join the outputs of --shard runs into artifacts/", [STAGES_BY_COMMAND.merge!]],
  ];
  for (const [name, description, stages] of stageCommands) {
    withOptions(program.command(name).description(description)).action((opts: CliOptions) =>
      execute(name, stages, opts),
    );
  }
  withOptions(
    program.command("run").description("run every stage in order (data stages only with --shard)"),
  ).action((opts: CliOptions) => execute("run", opts.shard ? DATA_STAGES : ALL_STAGES, opts));
  const registry = program
    .command("registry")
    .description("list model versions and aliases, or roll back");
  registry
    .command("list", { isDefault: true })
    .description("list versions, aliases and promotion decisions")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const rows = await listRegistry(config.ARTIFACTS_DIR);
      if (opts.json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      else for (const line of formatRegistry(rows)) console.log(line);
    });
  registry
    .command("rollback")
    .description("point the champion at an earlier version (default: the previous promoted one)")
    .option("--to <version>", "the version to make champion", (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError("expected a version number");
      return Number(v);
    })
    .action(async (opts: { to?: number }) => {
      const config = loadConfig();
      const { from, to } = await rollback(config.ARTIFACTS_DIR, opts.to);
      console.log(
        `champion: version ${from ?? "none"} -> version ${to}; run \`npm run pipeline -- forecast --force\` to republish`,
      );
    });
  registerReplayCommand(program);
  registerZooCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}${hintFor(error)}`);
    process.exitCode = error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
  }
}

await main(process.argv);
