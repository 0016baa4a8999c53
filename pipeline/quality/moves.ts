/**
 * Close-to-close moves against the last KEPT close: reverting spikes (bad ticks) are
 * quarantined, other large moves are kept with a jump warning, and flat zero-volume rows that
 * are neither are holiday filler.
 */
import type { Bar, JumpWarning } from "../../core/contracts.js";
import { isFlatZeroVolume } from "./bar-checks.js";
import { formatMove, formatPrice, type Finding } from "./findings.js";

/** A bad tick lasts one or two rows before the price is back. */
const MAX_SPIKE_ROWS = 2;

interface MovesResult {
  kept: number[];
  findings: Finding[];
  jumps: JumpWarning[];
}

type Reversion =
  | { kind: "spike"; spikeRows: number; back: Bar }
  | { kind: "no-return" | "end" }
  | { kind: "traded-through"; back: Bar };

export function checkMoves(
  bars: readonly Bar[],
  candidates: readonly number[],
  jumpThreshold: number,
): MovesResult {
  const result: MovesResult = { kept: [], findings: [], jumps: [] };
  let reference: Bar | undefined;
  let p = 0;
  while (p < candidates.length) {
    const index = candidates[p]!;
    const bar = bars[index]!;
    const flat = isFlatZeroVolume(bar);
    const move = reference === undefined ? 0 : Math.log(bar.close / reference.close);
    if (reference !== undefined && Math.abs(move) > jumpThreshold) {
      const reversion = findReversion(bars, candidates, p, reference, move, jumpThreshold);
      if (reversion.kind === "spike") {
        const rows = reversion.spikeRows > 1 ? `a ${reversion.spikeRows}-row spike: ` : "";
        const detail =
          `${rows}close ${formatPrice(bar.close)} is ${formatMove(move)} from ${formatPrice(reference.close)} ` +
          `on ${reference.date}, and the whole bar sits away from it` +
          `${flat ? " (flat, zero volume)" : ""}; back at ${formatPrice(reversion.back.close)} ` +
          `on ${reversion.back.date}`;
        for (let k = 0; k < reversion.spikeRows; k++) {
          result.findings.push({ index: candidates[p + k]!, reason: "reverting-spike", detail });
        }
        p += reversion.spikeRows;
        continue;
      }
      if (!flat) {
        result.jumps.push({
          date: bar.date,
          logReturn: move,
          detail: jumpDetail(bar, reference, move, reversion),
        });
      }
    }
    if (flat) {
      result.findings.push({
        index,
        reason: "holiday-filler",
        detail: fillerDetail(bar, reference),
      });
    } else {
      result.kept.push(index);
      reference = bar;
    }
    p++;
  }
  return result;
}

/**
 * A spike is a bad tick when the price is back near the reference within MAX_SPIKE_ROWS rows
 * AND every spike bar lies entirely beyond the threshold (its low above, or its high below).
 * Crash days that rebound (HDFCBANK 2004-05-17, ICICIBANK 2008-10-10) trade through the previous
 * close and are kept.
 */
function findReversion(
  bars: readonly Bar[],
  candidates: readonly number[],
  position: number,
  reference: Bar,
  move: number,
  threshold: number,
): Reversion {
  const direction = Math.sign(move);
  const offset = (price: number): number => Math.log(price / reference.close);
  for (let k = 1; k <= MAX_SPIKE_ROWS; k++) {
    const last = bars[candidates[position + k - 1]!]!;
    const lastMove = offset(last.close);
    if (Math.sign(lastMove) !== direction || Math.abs(lastMove) <= threshold) {
      return { kind: "no-return" };
    }
    const backIndex = candidates[position + k];
    if (backIndex === undefined) return { kind: "end" };
    const back = bars[backIndex]!;
    if (isFlatZeroVolume(back) || Math.abs(offset(back.close)) > threshold / 2) continue;
    for (let j = 0; j < k; j++) {
      const bar = bars[candidates[position + j]!]!;
      const nearest = direction > 0 ? offset(bar.low) : -offset(bar.high);
      if (nearest <= threshold) return { kind: "traded-through", back };
    }
    return { kind: "spike", spikeRows: k, back };
  }
  return { kind: "no-return" };
}

function jumpDetail(bar: Bar, reference: Bar, move: number, reversion: Reversion): string {
  const head =
    `close ${formatPrice(bar.close)} is ${formatMove(move)} from ${formatPrice(reference.close)} ` +
    `on ${reference.date}`;
  switch (reversion.kind) {
    case "spike":
      return head;
    case "end":
      return `${head}; too close to the end of the data to see whether it reverts`;
    case "traded-through":
      return (
        `${head}; back near it on ${reversion.back.date}, but the bar traded through the ` +
        `previous close (low ${formatPrice(bar.low)}, high ${formatPrice(bar.high)}): a real swing`
      );
    case "no-return":
      return `${head}; not reversed within ${MAX_SPIKE_ROWS} rows: a real move or a level shift`;
  }
}

function fillerDetail(bar: Bar, reference: Bar | undefined): string {
  if (reference === undefined) {
    return `flat zero-volume row at ${formatPrice(bar.close)} before any trade`;
  }
  const same = bar.close === reference.close;
  return same
    ? `flat zero-volume row repeating the previous close ${formatPrice(bar.close)}: nothing traded`
    : `flat zero-volume row at ${formatPrice(bar.close)} (previous close ` +
        `${formatPrice(reference.close)} on ${reference.date}): nothing traded`;
}
