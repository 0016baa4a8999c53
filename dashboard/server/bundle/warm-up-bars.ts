/**
 * A deterministic, plausible price series for the warm-up prediction that proves a freshly
 * loaded model runs before the server reports ready (and warms the JIT for /api/predict).
 */
import type { Bar } from "../../../core/contracts.js";

/** mulberry32: a tiny seeded generator, so every warm-up sees the same series */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function nextWeekday(date: Date): Date {
  const next = new Date(date.getTime() + 86_400_000);
  const day = next.getUTCDay();
  return day === 6 || day === 0 ? nextWeekday(next) : next;
}

/** `count` weekday bars of a random walk with about 1% daily volatility. */
export function warmUpBars(count: number, seed = 7): Bar[] {
  const random = seeded(seed);
  const bars: Bar[] = [];
  let date = new Date(Date.UTC(2010, 0, 4));
  let close = 10_000;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = open * Math.exp((random() - 0.5) * 0.035);
    const high = Math.max(open, close) * (1 + random() * 0.008);
    const low = Math.min(open, close) * (1 - random() * 0.008);
    const iso = date.toISOString().slice(0, 10);
    bars.push({ date: iso, open, high, low, close, adjClose: close, volume: 1e5 * (1 + random()) });
    date = nextWeekday(date);
  }
  return bars;
}
