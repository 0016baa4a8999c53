/**
 * Forecasts one bundle's model has already made, by the bars and symbol they were made from.
 * The predictor is deterministic, so the same input always gives the same forecast, and the 45
 * features over the predictor's window are most of a prediction's cost (tens of milliseconds
 * here), while a client sending the same series again (the dashboard, a retry) is common.
 * Bounded: the least recently used entry goes first. A reload brings a new bundle and so an
 * empty cache.
 */
import { createHash } from "node:crypto";
import type { Bar, SymbolForecast } from "../../../core/contracts.js";
import type { SymbolDescription } from "../../../pipeline/model/predictor.js";
import { LRUCache } from "lru-cache";

/**
 * The SHA-256 of every value of the bars: the numbers as their float64 bytes (no number to text
 * conversion, which cost more than the hash itself), the dates as text.
 */
export function barsDigest(bars: readonly Bar[]): string {
  const numbers = new Float64Array(bars.length * 6);
  let dates = "";
  for (let i = 0, j = 0; i < bars.length; i++, j += 6) {
    const b = bars[i]!;
    numbers[j] = b.open;
    numbers[j + 1] = b.high;
    numbers[j + 2] = b.low;
    numbers[j + 3] = b.close;
    numbers[j + 4] = b.adjClose;
    numbers[j + 5] = b.volume;
    dates += b.date;
    dates += ",";
  }
  return createHash("sha256").update(numbers).update(dates).digest("base64url");
}

export class ForecastCache {
  readonly #entries: LRUCache<string, SymbolForecast>;

  constructor(readonly capacity = 1024) {
    this.#entries = new LRUCache({ max: capacity });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Every value the forecast depends on, hashed. */
  key(bars: readonly Bar[], about: SymbolDescription): string {
    return this.keyOf(barsDigest(bars), about);
  }

  /** The key from the bars' digest (barsDigest) and the description of the series. */
  keyOf(digest: string, about: SymbolDescription): string {
    return `${digest}:${createHash("sha256")
      .update(JSON.stringify([about.symbol, about.name, about.sector, about.isIndex]))
      .digest("base64url")}`;
  }

  get(key: string): SymbolForecast | undefined {
    return this.#entries.get(key);
  }

  set(key: string, forecast: SymbolForecast): void {
    this.#entries.set(key, Object.freeze(forecast));
  }
}
