/**
 * Stage 2's rules: validates one symbol's parsed price CSV. Pure and deterministic. Every row
 * read is either kept or quarantined with its reason, a detail and its raw text.
 */
import type { Bar, QuarantinedRow, SymbolQuality } from "../../core/contracts.js";
import { barToCsvLine, type ParsedPriceCsv } from "../../core/price-csv.js";
import { checkBar } from "./bar-checks.js";
import { checkDateOrder } from "./date-order.js";
import type { Finding } from "./findings.js";
import { checkMoves } from "./moves.js";
import { findStaleRuns } from "./stale-runs.js";

export interface ValidateOptions {
  /** |log close-to-close move| above which a move is checked for a reverting spike */
  jumpThreshold: number;
  /** flat zero-volume rows in a row at one price from which they are a stale quote */
  staleRunDays: number;
}

export interface ValidationResult {
  kept: Bar[];
  quality: SymbolQuality;
}

export function validateBars(
  symbol: string,
  parsed: ParsedPriceCsv,
  options: ValidateOptions,
): ValidationResult {
  if (!(options.jumpThreshold > 0) || !(options.staleRunDays >= 1)) {
    throw new RangeError(
      `validateBars: jumpThreshold must be > 0 and staleRunDays >= 1, got ${JSON.stringify(options)}`,
    );
  }
  const { bars, rawLines, rejected } = parsed;
  const removed = new Uint8Array(bars.length);
  const findings: Finding[] = [];
  const remove = (found: readonly Finding[]): void => {
    for (const f of found) {
      removed[f.index] = 1;
      findings.push(f);
    }
  };
  const remaining = (): number[] => {
    const indexes: number[] = [];
    for (let i = 0; i < bars.length; i++) if (!removed[i]) indexes.push(i);
    return indexes;
  };

  // Order matters: each rule sees only the rows the earlier ones left.
  remove(checkDateOrder(bars));
  remove(barProblems(bars, remaining()));
  remove(findStaleRuns(bars, remaining(), options));
  const moves = checkMoves(bars, remaining(), options.jumpThreshold);
  remove(moves.findings);

  const kept = moves.kept.map((i) => bars[i]!);
  findings.sort((a, b) => a.index - b.index);
  const quarantined: QuarantinedRow[] = [
    ...rejected.map((r) => ({
      date: r.date,
      reason: r.reason,
      detail: `line ${r.line}: ${r.detail}`,
      raw: r.raw,
    })),
    ...findings.map((f) => ({
      date: bars[f.index]!.date,
      reason: f.reason,
      detail: f.detail,
      raw: rawLines[f.index] ?? barToCsvLine(bars[f.index]!),
    })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  return {
    kept,
    quality: {
      symbol,
      rowsRead: bars.length + rejected.length,
      rowsKept: kept.length,
      firstDate: kept[0]?.date ?? null,
      lastDate: kept[kept.length - 1]?.date ?? null,
      quarantined,
      jumps: moves.jumps,
    },
  };
}

function barProblems(bars: readonly Bar[], candidates: readonly number[]): Finding[] {
  const findings: Finding[] = [];
  for (const index of candidates) {
    const problem = checkBar(bars[index]!);
    if (problem) findings.push({ index, ...problem });
  }
  return findings;
}
