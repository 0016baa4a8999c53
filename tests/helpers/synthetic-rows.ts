/**
 * Small synthetic datasets for the walk-forward, gate and summary tests: pooled rows in the
 * layout `buildDataset` produces (grouped by symbol, dates ascending), weekday dates, seeded.
 */
import type { ScopeRows } from "../../pipeline/evaluation/summarize.js";
import { createRng } from "../../core/random.js";
import {
  MODEL_NAMES,
  type ModelName,
  type WalkForwardResult,
} from "../../pipeline/evaluation/walk-forward.js";
import type { LabelledRows } from "../../pipeline/model/dataset.js";

const DAY_MS = 86_400_000;

/** `count` consecutive weekdays from `start` (or the first weekday after it). */
export function weekdayDates(count: number, start = "2001-01-01"): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); out.length < count; t += DAY_MS) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

interface SyntheticOptions {
  symbols: number;
  days: number;
  seed: number;
  featureCount?: number;
  /** weight of feature 0 in the next-day return (0: pure noise) */
  signal?: number;
  /** daily volatility of the return */
  volatility?: number;
}

/**
 * Every symbol on every date. Features are N(2, 3) (off-centre, off-scale); the next-day log
 * return is volatility * (signal * z0 + noise) plus a drift that differs per symbol, so the
 * symbols' up-rates differ and the per-symbol baselines can be told apart.
 */
export function syntheticRows(options: SyntheticOptions): LabelledRows {
  const { symbols, days, seed, featureCount = 8, signal = 0.3, volatility = 0.012 } = options;
  const rng = createRng(seed);
  const dates = weekdayDates(days);
  const n = symbols * days;
  const k = featureCount;
  const x = new Float32Array(n * k);
  const ret = new Float64Array(n);
  const up = new Uint8Array(n);
  const rowDates: string[] = [];
  const symbolIndex = new Int32Array(n);
  for (let s = 0; s < symbols; s++) {
    const drift = (s - (symbols - 1) / 2) * 0.15 * volatility;
    for (let d = 0; d < days; d++) {
      const i = s * days + d;
      for (let j = 0; j < k; j++) x[i * k + j] = 2 + 3 * rng.normal();
      const z0 = (x[i * k]! - 2) / 3;
      ret[i] = drift + volatility * (signal * z0 + rng.normal());
      up[i] = ret[i]! > 0 ? 1 : 0;
      rowDates.push(dates[d]!);
      symbolIndex[i] = s;
    }
  }
  return {
    featureCount: k,
    symbols: Array.from({ length: symbols }, (_, s) => `SYN${s}`),
    n,
    x,
    ret,
    up,
    dates: rowDates,
    symbolIndex,
  };
}

/**
 * A copy in which every row dated on or after `from` has new features (seeded noise added)
 * and a higher label (ret + 0.01, `up` recomputed); earlier rows are left bit-identical.
 */
export function perturbFrom(data: LabelledRows, from: string, seed: number): LabelledRows {
  const rng = createRng(seed);
  const k = data.featureCount;
  const x = data.x.slice();
  const ret = data.ret.slice();
  const up = data.up.slice();
  for (let i = 0; i < data.n; i++) {
    if (data.dates[i]! < from) continue;
    for (let j = 0; j < k; j++) x[i * k + j] = x[i * k + j]! + 1 + rng.normal();
    ret[i] = ret[i]! + 0.01;
    up[i] = ret[i]! > 0 ? 1 : 0;
  }
  return { ...data, x, ret, up };
}

/** "symbol@date" of each row, the key that matches rows across two datasets. */
export function rowKeys(data: Pick<LabelledRows, "n" | "dates" | "symbolIndex" | "symbols">) {
  return Array.from(
    { length: data.n },
    (_, i) => `${data.symbols[data.symbolIndex[i]!]}@${data.dates[i]}`,
  );
}

/**
 * The rows of one scope of a walk-forward result in time order (date, then row), as the
 * evaluate stage builds them; the volatility is taken from feature `volatilityFeature`.
 */
export function scopeRowsOf(
  data: LabelledRows,
  result: WalkForwardResult,
  keep: (symbol: number) => boolean,
  volatilityFeature: number,
): ScopeRows {
  const picked = Array.from(result.test.symbolIndex.keys()).filter((i) =>
    keep(result.test.symbolIndex[i]!),
  );
  picked.sort((a, b) => result.test.dates[a]!.localeCompare(result.test.dates[b]!) || a - b);
  const k = data.featureCount;
  const forecasts = Object.fromEntries(
    MODEL_NAMES.map((m) => {
      const f = result.forecasts[m];
      return [
        m,
        {
          p: Float64Array.from(picked, (i) => f.p[i]!),
          ret: f.ret ? Float64Array.from(picked, (i) => f.ret![i]!) : null,
        },
      ];
    }),
  ) as Record<ModelName, { p: Float64Array; ret: Float64Array | null }>;
  return {
    dates: picked.map((i) => result.test.dates[i]!),
    ret: Float64Array.from(picked, (i) => result.test.ret[i]!),
    up: Uint8Array.from(picked, (i) => result.test.up[i]!),
    volatility: Float64Array.from(
      picked,
      (i) => data.x[result.rowIndex[i]! * k + volatilityFeature]!,
    ),
    forecasts,
  };
}
