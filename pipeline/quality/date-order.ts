/** Dates must be unique and ascending: later copies of a date and out-of-order rows go. */
import type { Bar } from "../../core/contracts.js";
import type { Finding } from "./findings.js";

export function checkDateOrder(bars: readonly Bar[]): Finding[] {
  if (isAscending(bars.map((b) => b.date))) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const unique: number[] = [];
  bars.forEach((bar, index) => {
    if (!seen.has(bar.date)) {
      seen.add(bar.date);
      unique.push(index);
    } else {
      findings.push({
        index,
        reason: "duplicate-date",
        detail: `another row for ${bar.date}: the first one in the file is the one validated`,
      });
    }
  });
  const inOrder = new Set(longestAscendingRun(unique.map((i) => bars[i]!.date)));
  unique.forEach((index, position) => {
    if (inOrder.has(position)) return;
    const before =
      position > 0 ? ` (the row before it is ${bars[unique[position - 1]!]!.date})` : "";
    findings.push({
      index,
      reason: "out-of-order",
      detail: `${bars[index]!.date} breaks the ascending date order${before}`,
    });
  });
  return findings;
}

/**
 * Positions of a longest strictly ascending subsequence, O(n log n). Keeping the longest one,
 * rather than "everything after the last good date", stops one wild date from discarding the
 * rest of the file. Built from the end so that, between equally long ones, the run that keeps
 * the earlier rows of the file wins: the row that goes backwards is the one removed.
 */
function longestAscendingRun(dates: readonly string[]): number[] {
  /** starts[k]: the earliest row starting an ascending run of k+1 rows among those seen */
  const starts: number[] = [];
  const next = new Array<number>(dates.length).fill(-1);
  for (let i = dates.length - 1; i >= 0; i--) {
    const date = dates[i]!;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dates[starts[mid]!]! > date) lo = mid + 1;
      else hi = mid;
    }
    next[i] = lo > 0 ? starts[lo - 1]! : -1;
    starts[lo] = i;
  }
  const run: number[] = [];
  for (let i = starts[starts.length - 1] ?? -1; i >= 0; i = next[i]!) run.push(i);
  return run;
}

function isAscending(dates: readonly string[]): boolean {
  for (let i = 1; i < dates.length; i++) if (!(dates[i]! > dates[i - 1]!)) return false;
  return true;
}
