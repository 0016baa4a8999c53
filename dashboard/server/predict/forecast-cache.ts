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

export class ForecastCache {
  readonly #entries = new Map<string, SymbolForecast>();

  constructor(readonly capacity = 1024) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Every value the forecast depends on, hashed. */
  key(bars: readonly Bar[], about: SymbolDescription): string {
    const hash = createHash("sha256");
    hash.update(JSON.stringify([about.symbol, about.name, about.sector, about.isIndex]));
    for (const b of bars) {
      hash.update(`\n${b.date},${b.open},${b.high},${b.low},${b.close},${b.adjClose},${b.volume}`);
    }
    return hash.digest("base64url");
  }

  get(key: string): SymbolForecast | undefined {
    const forecast = this.#entries.get(key);
    if (forecast !== undefined) {
      // re-inserted: a Map iterates in insertion order, so the oldest entry is the first
      this.#entries.delete(key);
      this.#entries.set(key, forecast);
    }
    return forecast;
  }

  set(key: string, forecast: SymbolForecast): void {
    this.#entries.delete(key);
    this.#entries.set(key, Object.freeze(forecast));
    if (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }
}
