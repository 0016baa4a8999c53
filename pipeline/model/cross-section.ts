/**
 * Per-day processing across the members, as Qlib's CSZScoreNorm and CSRankNorm: each feature is
 * z-scored against the members' values on the same day, and the ranking label is the member's
 * rank of the next session's return among the members that day. A day's statistics use that
 * day's rows only, so nothing crosses dates; the label is built for training rows only.
 */

/** z-scores beyond this are clipped: one extreme member must not dominate a day */
export const CROSS_SECTION_CLIP = 3;
/** a day with fewer members than this gives zeros (no cross-section to compare with) */
export const MIN_MEMBERS_PER_DAY = 3;
const STD_FLOOR = 1e-12;

/** Row indices grouped by date, dates ascending; rows keep their order inside a date. */
function rowsByDate(dates: readonly string[]): { date: string; rows: number[] }[] {
  const groups = new Map<string, number[]>();
  dates.forEach((d, i) => {
    const g = groups.get(d);
    if (g) g.push(i);
    else groups.set(d, [i]);
  });
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, rows]) => ({ date, rows }));
}

/**
 * Cross-sectional z-scores of a row-major feature matrix: for each date and feature, the mean
 * and population std over that date's member rows; every row of the date (members and the
 * index alike) is standardised with them and clipped to ±CROSS_SECTION_CLIP.
 */
export function crossSectionalZ(
  x: Float32Array,
  featureCount: number,
  dates: readonly string[],
  isMemberRow: (row: number) => boolean,
): Float32Array {
  const k = featureCount;
  if (x.length !== dates.length * k) {
    throw new Error(`crossSectionalZ: ${x.length} values for ${dates.length} rows of ${k}`);
  }
  const out = new Float32Array(x.length);
  const mean = new Float64Array(k);
  const sumSq = new Float64Array(k);
  for (const { rows } of rowsByDate(dates)) {
    const members = rows.filter(isMemberRow);
    if (members.length < MIN_MEMBERS_PER_DAY) continue;
    mean.fill(0);
    sumSq.fill(0);
    for (const r of members) for (let j = 0; j < k; j++) mean[j]! += x[r * k + j]!;
    for (let j = 0; j < k; j++) mean[j]! /= members.length;
    for (const r of members) {
      for (let j = 0; j < k; j++) sumSq[j]! += (x[r * k + j]! - mean[j]!) ** 2;
    }
    for (let j = 0; j < k; j++) sumSq[j] = Math.sqrt(sumSq[j]! / members.length);
    for (const r of rows) {
      for (let j = 0; j < k; j++) {
        const std = sumSq[j]!;
        const z = std > STD_FLOOR ? (x[r * k + j]! - mean[j]!) / std : 0;
        out[r * k + j] =
          z > CROSS_SECTION_CLIP
            ? CROSS_SECTION_CLIP
            : z < -CROSS_SECTION_CLIP
              ? -CROSS_SECTION_CLIP
              : z;
      }
    }
  }
  return out;
}

/** Average ranks (0-based) of the values, ties sharing the mean of their positions. */
function averageRanks(values: readonly number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let t = i; t <= j; t++) ranks[order[t]!] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}

/**
 * The ranking label: per date, the member's rank of `ret` among the member rows, mapped to
 * ((rank + 0.5) / m - 0.5) * sqrt(12), a uniform score with mean 0 and variance about 1.
 * Rows that are not members, or dates with too few members, get NaN (not trained on).
 */
export function dailyRankLabel(
  ret: ArrayLike<number>,
  dates: readonly string[],
  isMemberRow: (row: number) => boolean,
): Float32Array {
  const label = new Float32Array(dates.length).fill(Number.NaN);
  for (const { rows } of rowsByDate(dates)) {
    const members = rows.filter((r) => isMemberRow(r) && Number.isFinite(ret[r]!));
    if (members.length < MIN_MEMBERS_PER_DAY) continue;
    const ranks = averageRanks(members.map((r) => ret[r]!));
    members.forEach((r, i) => {
      label[r] = ((ranks[i]! + 0.5) / members.length - 0.5) * Math.sqrt(12);
    });
  }
  return label;
}

/** Per date, the members' mean of `ret`; each row gets its own return minus that mean. */
export function demeanByDate(
  ret: ArrayLike<number>,
  dates: readonly string[],
  isMemberRow: (row: number) => boolean,
): Float64Array {
  const out = new Float64Array(dates.length).fill(Number.NaN);
  for (const { rows } of rowsByDate(dates)) {
    const members = rows.filter((r) => isMemberRow(r) && Number.isFinite(ret[r]!));
    if (members.length === 0) continue;
    const mean = members.reduce((s, r) => s + ret[r]!, 0) / members.length;
    for (const r of members) out[r] = ret[r]! - mean;
  }
  return out;
}
