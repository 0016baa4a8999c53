/**
 * Stage 1, ingest: prices into `raw/<symbol>.csv` from the embedded snapshot, a `--data-dir`
 * folder of Yahoo CSV files, or Yahoo itself (incremental, retried, never half-written).
 * Rows are copied verbatim (Yahoo's `null` rows included) so validation sees everything.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { RawManifest, SymbolInfo } from "../../core/contracts.js";
import { PRICE_CSV_HEADER, parsePriceCsv } from "../../core/price-csv.js";
import {
  combineHashes,
  hashFiles,
  listFiles,
  writeFileAtomic,
  writeJsonAtomic,
} from "../../core/store.js";
import type { PipelineContext } from "../context.js";
import type { StageProgress } from "../progress.js";
import { fetchDailyBarsMany, mergeRawCsv } from "../sources/yahoo-chart.js";
import type { StageDefinition, StageOutcome } from "../stage-runner.js";
import {
  UsageError,
  filterSymbols,
  selectShard,
  sortSymbols,
  symbolsFromFileStems,
} from "../universe.js";
import { paths, symbolFileName, symbolFileStem } from "../../core/artifact-layout.js";

function sourceDir(ctx: PipelineContext): string {
  return ctx.options.dataDir ?? join(ctx.config.SNAPSHOT_DIR, "prices");
}

/** The symbols this ingest covers: universe (or the folder's files), `--symbols`, `--shard`. */
export async function ingestSymbols(ctx: PipelineContext): Promise<SymbolInfo[]> {
  let candidates = ctx.universe;
  if (ctx.options.dataDir && ctx.options.source === "snapshot") {
    const dir = ctx.options.dataDir;
    if (!existsSync(dir)) throw new UsageError(`--data-dir ${dir} does not exist`);
    const stems = (await listFiles(dir, ".csv")).map((f) => basename(f, ".csv"));
    if (stems.length === 0) throw new UsageError(`--data-dir ${dir} holds no .csv files`);
    candidates = symbolsFromFileStems(stems, ctx.universe);
  }
  return selectShard(
    sortSymbols(filterSymbols(candidates, ctx.options.symbols)),
    ctx.options.shard,
  );
}

function inRange(date: string, from: string | undefined, to: string | undefined): boolean {
  return (!from || date >= from) && (!to || date <= to);
}

/** Keeps the header and every line in the date range; lines with an unreadable date stay too. */
export function cutToRange(text: string, from?: string, to?: string): string {
  if (!from && !to) return text.endsWith("\n") ? text : `${text}\n`;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const kept = [lines[0] ?? PRICE_CSV_HEADER];
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    const date = line.slice(0, line.indexOf(","));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || inRange(date, from, to)) kept.push(line);
  }
  return kept.join("\n") + "\n";
}

async function ingestFromFiles(
  ctx: PipelineContext,
  symbols: SymbolInfo[],
  progress: StageProgress,
): Promise<StageOutcome> {
  const dir = sourceDir(ctx);
  let rows = 0;
  for (const s of symbols) {
    const file = join(dir, symbolFileName(s.symbol));
    if (!existsSync(file)) {
      throw new UsageError(`no price file for ${s.symbol}: expected ${file}`);
    }
    const text = await readFile(file, "utf8");
    parsePriceCsv(text.slice(0, text.indexOf("\n") + 1) || text, file); // header check: a clear error early
    const cut = cutToRange(text, ctx.options.from, ctx.options.to);
    rows += cut.split("\n").length - 2;
    await writeFileAtomic(join(paths.rawDir(ctx.workDir), symbolFileName(s.symbol)), cut);
    progress.tick(s.symbol);
  }
  await writeManifest(ctx, symbols, []);
  return {
    message: `${symbols.length} symbol(s), ${rows} row(s) from ${dir}`,
    details: { source: dir, symbols: symbols.length, rows },
  };
}

function lastDateOf(csv: string): string | undefined {
  const lines = csv.trimEnd().split(/\r?\n/);
  for (let i = lines.length - 1; i > 0; i--) {
    const date = lines[i]!.slice(0, 10);
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  }
  return undefined;
}

/** Last good data for a symbol: what ingest stored before, else the embedded snapshot. */
async function storedCsv(ctx: PipelineContext, symbol: string): Promise<string | null> {
  for (const file of [
    join(paths.rawDir(ctx.workDir), symbolFileName(symbol)),
    join(ctx.config.SNAPSHOT_DIR, "prices", symbolFileName(symbol)),
  ]) {
    if (existsSync(file)) return readFile(file, "utf8");
  }
  return null;
}

async function ingestFromYahoo(
  ctx: PipelineContext,
  symbols: SymbolInfo[],
  progress: StageProgress,
): Promise<StageOutcome> {
  const stored = new Map<string, string | null>();
  for (const s of symbols) stored.set(s.symbol, await storedCsv(ctx, s.symbol));
  const requests = symbols.map((s) => {
    const last = lastDateOf(stored.get(s.symbol) ?? "");
    return {
      symbol: s.symbol,
      // from the last stored date itself: Yahoo revises its latest bar, and mergeRawCsv replaces it
      from: ctx.options.from ?? last ?? ctx.config.YAHOO_START_DATE,
      ...(ctx.options.to ? { to: ctx.options.to } : {}),
    };
  });
  const results = await fetchDailyBarsMany(
    requests,
    {
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      timeoutMs: ctx.config.YAHOO_TIMEOUT_MS,
      retries: ctx.config.YAHOO_RETRIES,
      backoffBaseMs: ctx.config.YAHOO_BACKOFF_BASE_MS,
      concurrency: ctx.config.YAHOO_CONCURRENCY,
      deadlineMs: ctx.config.YAHOO_DEADLINE_MS,
    },
    (r) => progress.tick(`${r.symbol}${r.ok ? "" : ` (${r.kind})`}`),
  );

  const stale: RawManifest["stale"] = [];
  const kept: SymbolInfo[] = [];
  const missing: string[] = [];
  let newRows = 0;
  for (const s of symbols) {
    const result = results.find((r) => r.symbol === s.symbol);
    const before = stored.get(s.symbol) ?? null;
    const target = join(paths.rawDir(ctx.workDir), symbolFileName(s.symbol));
    if (result?.ok) {
      newRows += result.bars.length;
      await writeFileAtomic(target, mergeRawCsv(before, result.bars));
      kept.push(s);
    } else {
      const reason = result ? `${result.kind}: ${result.error}` : "no result";
      if (before === null) {
        missing.push(`${s.symbol} (${reason})`);
        continue;
      }
      stale.push({ symbol: s.symbol, reason });
      if (!existsSync(target)) await writeFileAtomic(target, before);
      kept.push(s);
      progress.log(`${s.symbol}: live fetch failed (${reason}); kept its last good data`);
    }
  }
  if (kept.length === 0) {
    throw new Error(
      `Yahoo gave no data and nothing is stored for: ${missing.join(", ")}. ` +
        "Check the network and the symbols, or run with --source snapshot.",
    );
  }
  await writeManifest(ctx, kept, stale);
  const staleNote =
    stale.length > 0
      ? `; STALE (last good data kept): ${stale.map((x) => x.symbol).join(", ")}`
      : "";
  const missingNote = missing.length > 0 ? `; NO DATA, left out: ${missing.join(", ")}` : "";
  return {
    message: `${kept.length - stale.length}/${symbols.length} symbol(s) updated from Yahoo, ${newRows} new row(s)${staleNote}${missingNote}`,
    details: { source: "yahoo", updated: kept.length - stale.length, newRows, stale, missing },
  };
}

async function writeManifest(
  ctx: PipelineContext,
  symbols: SymbolInfo[],
  stale: RawManifest["stale"],
) {
  const manifest: RawManifest = {
    schemaVersion: 1,
    source:
      ctx.options.source === "yahoo" ? "yahoo" : ctx.options.dataDir ? "data-dir" : "snapshot",
    from: ctx.options.from ?? null,
    to: ctx.options.to ?? null,
    symbols: sortSymbols(symbols),
    stale,
  };
  await writeJsonAtomic(paths.rawManifest(ctx.workDir), manifest);
}

export const ingestStage: StageDefinition = {
  name: "ingest",
  cacheable: true,
  entry: "pipeline/stages/ingest.ts",
  async inputHash(ctx) {
    const symbols = await ingestSymbols(ctx);
    const source =
      ctx.options.source === "yahoo"
        ? `yahoo@${new Date().toISOString()}` // a live fetch is never skipped
        : await hashFiles(symbols.map((s) => join(sourceDir(ctx), symbolFileName(s.symbol))));
    return combineHashes({
      source,
      symbols: symbols.map((s) => s.symbol).join(","),
      from: ctx.options.from ?? "",
      to: ctx.options.to ?? "",
    });
  },
  async outputHash(ctx) {
    const symbols = await ingestSymbols(ctx);
    return hashFiles([
      ...symbols.map((s) => join(paths.rawDir(ctx.workDir), `${symbolFileStem(s.symbol)}.csv`)),
      paths.rawManifest(ctx.workDir),
    ]);
  },
  async run(ctx, progress) {
    const symbols = await ingestSymbols(ctx);
    progress.start(symbols.length);
    return ctx.options.source === "yahoo"
      ? ingestFromYahoo(ctx, symbols, progress)
      : ingestFromFiles(ctx, symbols, progress);
  },
};
