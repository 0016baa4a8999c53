/**
 * The symbol universe (`universe.csv` in the snapshot) and shards.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { symbolFileStem } from "../core/artifact-layout.js";
import { symbolInfoSchema, type SymbolInfo } from "../core/contracts.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export async function loadUniverse(snapshotDir: string): Promise<SymbolInfo[]> {
  const path = join(snapshotDir, "universe.csv");
  const text = await readFile(path, "utf8").catch(() => {
    throw new UsageError(
      `${path} is missing: the snapshot needs universe.csv (symbol,name,sector,member)`,
    );
  });
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  return records.map((r, i) => {
    const member = r.member ?? "";
    if (!["index", "current", "former"].includes(member)) {
      throw new UsageError(
        `${path} line ${i + 2}: member must be index, current or former, got "${member}"`,
      );
    }
    return symbolInfoSchema.parse({
      symbol: r.symbol,
      name: r.name ?? "",
      sector: r.sector ?? "",
      isIndex: member === "index",
      currentMember: member !== "former",
    });
  });
}

/**
 * Symbols for a `--data-dir` folder: each `<stem>.csv` is a symbol; a stem that is a universe
 * symbol without its caret (`BSESN`) maps back to it (`^BSESN`).
 */
export function symbolsFromFileStems(
  stems: readonly string[],
  universe: readonly SymbolInfo[],
): SymbolInfo[] {
  const byStem = new Map(universe.map((s) => [symbolFileStem(s.symbol), s]));
  return stems.map(
    (stem) =>
      byStem.get(stem) ?? {
        symbol: stem,
        name: stem,
        sector: "Unknown",
        isIndex: false,
        currentMember: true,
      },
  );
}

/** Index first, then the rest in alphabetical order: the one order every artifact uses. */
export function sortSymbols(symbols: readonly SymbolInfo[]): SymbolInfo[] {
  return [...symbols].sort((a, b) =>
    a.isIndex !== b.isIndex
      ? a.isIndex
        ? -1
        : 1
      : a.symbol < b.symbol
        ? -1
        : a.symbol > b.symbol
          ? 1
          : 0,
  );
}

export function filterSymbols(
  universe: readonly SymbolInfo[],
  wanted: readonly string[] | undefined,
): SymbolInfo[] {
  if (!wanted || wanted.length === 0) return [...universe];
  const known = new Map(universe.map((s) => [s.symbol.toUpperCase(), s]));
  const stems = new Map(universe.map((s) => [symbolFileStem(s.symbol).toUpperCase(), s]));
  return wanted.map((w) => {
    const key = w.trim().toUpperCase();
    const found = known.get(key) ?? stems.get(key) ?? stems.get(`${key}.NS`);
    if (!found) {
      throw new UsageError(
        `unknown symbol "${w}"; known symbols: ${universe.map((s) => s.symbol).join(", ")}`,
      );
    }
    return found;
  });
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (for example 2/4), got "${text}"`);
  }
  return { index, count };
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}-of-${shard.count}`;
}

/** Round-robin over the sorted symbols, so shards get a similar mix of long and short histories. */
export function selectShard<T>(sorted: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...sorted];
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}
