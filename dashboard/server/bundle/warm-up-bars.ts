/**
 * A deterministic, plausible price series for the warm-up prediction that proves a freshly
 * loaded model runs before the server reports ready (and warms the JIT for /api/predict).
 */
import type { Bar } from "../../../core/contracts.js";
import { createRng } from "../../../core/random.js";

function nextWeekday(date: Date): Date {
  const next = new Date(date.getTime() + 86_400_000);
  const day = next.getUTCDay();
  return day === 6 || day === 0 ? nextWeekday(next) : next;
}

/** `count` weekday bars of a random walk with about 1% daily volatility. */
export function warmUpBars(count: number, seed = 7): Bar[] {
  const rng = createRng(seed);
  const random = () => rng.uniform();
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
