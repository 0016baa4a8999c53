/**
 * Stale prices: a run of at least `staleRunDays` consecutive flat zero-volume rows at one price
 * is a frozen quote, not a holiday. A run of a trading year or more, after which the price
 * resumes at another level, also cuts the series: the history before it is quarantined with it.
 */
import type { Bar } from "../../core/contracts.js";
import { isFlatZeroVolume, nearlyEqual } from "./bar-checks.js";
import { formatMove, formatPrice, type Finding } from "./findings.js";

/** About one year of NSE sessions. */
const DISCONNECTING_RUN_ROWS = 250;

interface Run {
  /** positions in `candidates` */
  start: number;
  end: number;
}

export function findStaleRuns(
  bars: readonly Bar[],
  candidates: readonly number[],
  options: { staleRunDays: number; jumpThreshold: number },
): Finding[] {
  const at = (position: number): Bar => bars[candidates[position]!]!;
  const findings: Finding[] = [];
  let cutBefore = 0;
  let cutDetail = "";
  for (const run of flatRuns(bars, candidates)) {
    const length = run.end - run.start;
    if (length < options.staleRunDays) continue;
    const first = at(run.start);
    const last = at(run.end - 1);
    const span = `${length} rows, ${first.date} to ${last.date}`;
    for (let p = run.start; p < run.end; p++) {
      findings.push({
        index: candidates[p]!,
        reason: "stale-price-run",
        detail: `flat at ${formatPrice(first.close)} with zero volume (${span}): a frozen quote, not a holiday`,
      });
    }
    if (length < DISCONNECTING_RUN_ROWS) continue;
    const before = liveNeighbour(bars, candidates, run.start - 1, -1);
    const after = liveNeighbour(bars, candidates, run.end, +1);
    if (before === undefined || after === undefined) continue;
    const move = Math.log(after.close / before.close);
    if (Math.abs(move) <= options.jumpThreshold) continue;
    cutBefore = run.start;
    cutDetail =
      `before a stale run (${span}) after which the price resumes at ${formatPrice(after.close)} ` +
      `on ${after.date}, ${formatMove(move)} from ${formatPrice(before.close)} on ${before.date}: ` +
      `history on the far side of a frozen year cannot be joined to the series after it`;
  }
  const inRun = new Set(findings.map((f) => f.index));
  for (let p = 0; p < cutBefore; p++) {
    const index = candidates[p]!;
    if (!inRun.has(index)) findings.push({ index, reason: "stale-price-run", detail: cutDetail });
  }
  return findings;
}

function* flatRuns(bars: readonly Bar[], candidates: readonly number[]): Generator<Run> {
  let p = 0;
  while (p < candidates.length) {
    const first = bars[candidates[p]!]!;
    let end = p + 1;
    if (isFlatZeroVolume(first)) {
      while (end < candidates.length) {
        const next = bars[candidates[end]!]!;
        if (!isFlatZeroVolume(next) || !nearlyEqual(next.close, first.close)) break;
        end++;
      }
      yield { start: p, end };
    }
    p = end;
  }
}

/** The nearest bar that traded, walking from `position` in `step` direction. */
function liveNeighbour(
  bars: readonly Bar[],
  candidates: readonly number[],
  position: number,
  step: 1 | -1,
): Bar | undefined {
  for (let p = position; p >= 0 && p < candidates.length; p += step) {
    const bar = bars[candidates[p]!]!;
    if (!isFlatZeroVolume(bar)) return bar;
  }
  return undefined;
}
