/** Synthetic daily bars for the indicator tests: seeded random walks and flat runs. */
import type { Bar } from "../../core/contracts.js";
import { createRng } from "../../core/random.js";

function isoDate(day: number): string {
  return new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
}

/** A seeded random walk with consistent OHLC and integer volumes. */
export function randomWalk(n: number, seed: number, volume = true): Bar[] {
  const rng = createRng(seed);
  const random = () => rng.uniform();
  const bars: Bar[] = [];
  let close = 100;
  for (let t = 0; t < n; t++) {
    const open = close * (1 + (random() - 0.5) * 0.01);
    close = open * (1 + (random() - 0.5) * 0.04);
    const high = Math.max(open, close) * (1 + random() * 0.01);
    const low = Math.min(open, close) * (1 - random() * 0.01);
    const v = volume ? Math.round(1e5 + random() * 1e6) : 0;
    bars.push({ date: isoDate(t), open, high, low, close, adjClose: close, volume: v });
  }
  return bars;
}

export function flatBars(n: number, price: number, volume: number, startDay = 0): Bar[] {
  return Array.from({ length: n }, (_, t) => ({
    date: isoDate(startDay + t),
    open: price,
    high: price,
    low: price,
    close: price,
    adjClose: price,
    volume,
  }));
}
