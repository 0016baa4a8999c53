/**
 * What the dashboard's data loaders share: where the artifacts are, schema-checked reads that
 * name the artifact when it is missing or invalid, and the one way a loader prints its JSON.
 * The loaders in dashboard/src/data/ are two-line shims over the functions in this folder.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { loadConfig } from "../../core/config.js";
import { rawManifestSchema } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import { ArtifactError, readJson } from "../../core/store.js";
import { symbolFileName } from "../../core/artifact-layout.js";
import type { SymbolRef } from "../src/components/types.js";

export interface LoaderContext {
  artifactsDir: string;
  indexSymbol: string;
  /** the build's reference time: SOURCE_DATE_EPOCH when set, else now */
  builtAt: string;
}

/** The repository root: a relative ARTIFACTS_DIR means the same folder as for the pipeline. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function loaderContext(env: NodeJS.ProcessEnv = process.env): LoaderContext {
  const config = loadConfig(env);
  const epoch = env.SOURCE_DATE_EPOCH;
  const builtAt =
    epoch && /^\d+$/.test(epoch)
      ? new Date(Number(epoch) * 1000).toISOString()
      : new Date().toISOString();
  return {
    artifactsDir: resolve(REPO_ROOT, config.ARTIFACTS_DIR),
    indexSymbol: config.INDEX_SYMBOL,
    builtAt,
  };
}

/** A file-name-safe form of a symbol: `^BSESN` -> `BSESN`, `M&M.NS` -> `M_M.NS`. */
export function symbolSlug(symbol: string): string {
  return symbol.replace(/^\^/, "").replace(/[^A-Za-z0-9.-]/g, "_");
}

const artifactPath = (ctx: LoaderContext, ...parts: string[]) => join(ctx.artifactsDir, ...parts);

/** Reads and checks a JSON artifact; a missing or invalid one throws an error naming it. */
export function readArtifact<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  return readJson(path, schema);
}

export async function readArtifactText(path: string, what: string): Promise<string> {
  if (!existsSync(path)) {
    throw new ArtifactError(`${path} is missing (${what}); run the pipeline first (npm start)`);
  }
  return readFile(path, "utf8");
}

/** The symbols of the last ingest with names and sectors (raw/manifest.json). */
export async function readManifest(ctx: LoaderContext) {
  return readArtifact(artifactPath(ctx, "raw", "manifest.json"), rawManifestSchema);
}

export function symbolRef(info: {
  symbol: string;
  name: string;
  sector: string;
  isIndex: boolean;
}): SymbolRef {
  return {
    symbol: info.symbol,
    slug: symbolSlug(info.symbol),
    name: info.name,
    sector: info.sector,
    isIndex: info.isIndex,
  };
}

/** The validated daily bars of one symbol (prices/<symbol>.csv). */
export async function readPrices(ctx: LoaderContext, symbol: string) {
  const path = artifactPath(ctx, "prices", symbolFileName(symbol));
  const text = await readArtifactText(path, `validated prices of ${symbol}`);
  const parsed = parsePriceCsv(text, path);
  if (parsed.rejected.length > 0) {
    const first = parsed.rejected[0]!;
    throw new ArtifactError(`${path} line ${first.line}: ${first.detail} (validated prices)`);
  }
  return parsed.bars;
}

/** Numbers rounded for the page (6 significant digits); non-finite values become null. */
export function round(value: number, digits = 6): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : null;
}

/**
 * Runs one loader: prints its JSON (or the bytes of an archive) on stdout, or names the loader
 * and the failing artifact on stderr and exits 1, which fails the dashboard build.
 */
export async function emit(name: string, load: (ctx: LoaderContext) => Promise<unknown>) {
  try {
    const value = await load(loaderContext());
    process.stdout.write(value instanceof Uint8Array ? value : JSON.stringify(value));
  } catch (error) {
    process.stderr.write(`dashboard data loader ${name} failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
