/**
 * The feature table on disk: one Apache Arrow IPC file, columns `symbol`, `date` and the 45
 * features (Float64), rows grouped by symbol in the one artifact order, dates ascending.
 * One record batch, so the same rows always give the same bytes (sharded or not).
 */
import { readFile } from "node:fs/promises";
import {
  Float64,
  Table,
  Utf8,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { ArtifactError } from "./store.js";

export interface SymbolFeatures {
  symbol: string;
  dates: string[];
  /** one column per feature, in registry order */
  columns: Float64Array[];
}

export function buildFeatureTable(
  featureNames: readonly string[],
  parts: readonly SymbolFeatures[],
): Table {
  const total = parts.reduce((n, p) => n + p.dates.length, 0);
  const symbols: string[] = new Array(total);
  const dates: string[] = new Array(total);
  const columns = featureNames.map(() => new Float64Array(total));
  let row = 0;
  for (const part of parts) {
    if (part.columns.length !== featureNames.length) {
      throw new Error(
        `${part.symbol}: ${part.columns.length} feature columns, expected ${featureNames.length}`,
      );
    }
    for (let i = 0; i < part.dates.length; i++) {
      symbols[row + i] = part.symbol;
      dates[row + i] = part.dates[i]!;
    }
    part.columns.forEach((col, k) => columns[k]!.set(col, row));
    row += part.dates.length;
  }
  const vectors: Record<string, ReturnType<typeof makeVector>> = {
    symbol: vectorFromArray(symbols, new Utf8()),
    date: vectorFromArray(dates, new Utf8()),
  };
  featureNames.forEach((name, k) => {
    vectors[name] = makeVector({ type: new Float64(), data: columns[k]! });
  });
  return new Table(vectors);
}

export function serializeFeatureTable(table: Table): Uint8Array {
  return tableToIPC(table, "file");
}

/** Reads the table back as plain arrays, split by symbol in file order. */
export async function readFeatureTable(
  path: string,
  featureNames: readonly string[],
): Promise<SymbolFeatures[]> {
  let table: Table;
  try {
    table = tableFromIPC(await readFile(path));
  } catch (error) {
    throw new ArtifactError(
      `${path} is not a readable Arrow feature table: ${(error as Error).message}`,
    );
  }
  const missing = featureNames.filter((n) => !table.getChild(n));
  if (!table.getChild("symbol") || !table.getChild("date") || missing.length > 0) {
    throw new ArtifactError(
      `${path} lacks column(s): ${["symbol", "date", ...missing].filter((n) => !table.getChild(n)).join(", ")}`,
    );
  }
  const symbols = table.getChild("symbol")!.toArray() as string[];
  const dates = table.getChild("date")!.toArray() as string[];
  const columns = featureNames.map((n) =>
    Float64Array.from(table.getChild(n)!.toArray() as Float64Array),
  );
  const parts: SymbolFeatures[] = [];
  let start = 0;
  for (let i = 1; i <= symbols.length; i++) {
    if (i === symbols.length || symbols[i] !== symbols[start]) {
      parts.push({
        symbol: symbols[start]!,
        dates: dates.slice(start, i),
        columns: columns.map((c) => c.slice(start, i)),
      });
      start = i;
    }
  }
  return parts;
}
