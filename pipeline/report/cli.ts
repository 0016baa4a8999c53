#!/usr/bin/env node
/**
 * `npm run report`: the champion's evaluation as markdown on stdout, and in the generated
 * section of README.md unless `--no-write`.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { loadConfig } from "../../core/config.js";
import { ArtifactError, writeFileAtomic } from "../../core/store.js";
import { loadChampionEvaluation } from "./load.js";
import { renderReadmeSection, renderReport, replaceGeneratedSection } from "./render.js";

export interface ReportIo {
  stdout(text: string): void;
  stderr(text: string): void;
  now(): Date;
}

const processIo: ReportIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => new Date(),
};

/** The metrics path as a reader of the README sees it: relative to the README when inside. */
function displayPath(path: string, readmePath: string): string {
  const rel = relative(dirname(resolve(readmePath)), resolve(path));
  const shown = rel.startsWith("..") || isAbsolute(rel) ? resolve(path) : rel;
  return shown.split(sep).join("/");
}

async function updateReadme(readmePath: string, section: string): Promise<boolean> {
  if (!existsSync(readmePath)) throw new ArtifactError(`${readmePath} not found (see --readme)`);
  const readme = await readFile(readmePath, "utf8");
  const updated = replaceGeneratedSection(readme, section);
  if (updated === readme) return false;
  await writeFileAtomic(readmePath, updated);
  return true;
}

/** Runs the report for `argv` (the arguments after the script name). Throws on failure. */
export async function main(argv: readonly string[], io: ReportIo = processIo): Promise<void> {
  const program = new Command("report")
    .description("print the champion's evaluation and write it into README.md")
    .option("--artifacts-dir <dir>", "where the pipeline wrote its artifacts (default: config)")
    .option("--readme <path>", "the README to update", "README.md")
    .option("--no-write", "print only; leave the README alone")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  await program.parseAsync([...argv], { from: "user" });
  const opts = program.opts<{ artifactsDir?: string; readme: string; write: boolean }>();

  const artifactsDir = opts.artifactsDir ?? loadConfig().ARTIFACTS_DIR;
  const { metrics, card, metricsPath } = await loadChampionEvaluation(artifactsDir);
  const report = renderReport(metrics, card);
  io.stdout(report);
  if (!opts.write) return;

  const date = io.now().toISOString().slice(0, 10);
  const section = renderReadmeSection(report, displayPath(metricsPath, opts.readme), date);
  const changed = await updateReadme(opts.readme, section);
  io.stderr(`${opts.readme}: generated section ${changed ? "updated" : "already up to date"}\n`);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (invokedDirectly) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    // commander has already printed its own messages (and --help, which exits 0)
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
