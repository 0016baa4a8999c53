/**
 * One replayed day's forecasts: each symbol's raw rows cut at the day, validated, and handed
 * to the one predictor (`pipeline/model/predictor.ts`), exactly as the forecast stage would
 * have handed it that evening's prices. Runs in a worker thread or in the main thread.
 */
import type { SymbolForecast } from "../../core/contracts.js";
import { PredictionInputError, loadPredictor, type Predictor } from "../model/predictor.js";
import type { ValidateOptions } from "../quality/rules.js";
import type { StoredModel } from "../../core/registry-store.js";
import { validatedUpTo, type SymbolHistory } from "./history.js";

export interface DayTask {
  id: number;
  /** the replayed day: bars dated up to it are known */
  day: string;
  model: StoredModel;
  symbols: string[];
}

export type DayResult =
  | { ok: true; symbol: string; forecast: SymbolForecast }
  | { ok: false; symbol: string; error: string };

/** Keeps the predictor of the model version in use; a new version replaces (and frees) it. */
export class PredictorCache {
  private current: { version: number; predictor: Predictor } | null = null;

  async get(model: StoredModel): Promise<Predictor> {
    if (this.current?.version !== model.card.version) {
      this.dispose();
      this.current = { version: model.card.version, predictor: await loadPredictor(model) };
    }
    return this.current.predictor;
  }

  dispose(): void {
    this.current?.predictor.dispose();
    this.current = null;
  }
}

/**
 * Forecasts `symbols` from their bars validated up to `day`. A symbol the predictor cannot take
 * (too little history) gives `ok: false`; any other error is thrown.
 */
export function forecastDay(
  predictor: Predictor,
  histories: ReadonlyMap<string, SymbolHistory>,
  day: string,
  symbols: readonly string[],
  validate: ValidateOptions,
): DayResult[] {
  return symbols.map((symbol) => {
    const history = histories.get(symbol);
    if (!history) throw new Error(`replay: no price history loaded for ${symbol}`);
    const bars = validatedUpTo(history, day, validate);
    const { info } = history;
    try {
      const forecast = predictor.forecast(bars, {
        symbol: info.symbol,
        name: info.name,
        sector: info.sector,
        isIndex: info.isIndex,
      });
      return { ok: true, symbol, forecast };
    } catch (error) {
      if (error instanceof PredictionInputError) return { ok: false, symbol, error: error.message };
      throw error;
    }
  });
}
