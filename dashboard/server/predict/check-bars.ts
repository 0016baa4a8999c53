/**
 * The checks a client's bars must pass before a prediction, each with a message that says which
 * bar and what is wrong. Validated prices pass all of them, so the published forecasts can be
 * reproduced through the API.
 */
import type { Bar } from "../../../core/contracts.js";
import { isIsoDate } from "../../../core/price-csv.js";
import { ApiError } from "../api-error.js";
import type { BarInput } from "../api-schemas.js";

function invalid(index: number, bar: BarInput, problem: string): ApiError {
  return new ApiError(422, "invalid-bars", `bars[${index}] (${bar.date}): ${problem}`);
}

const PRICES = ["open", "high", "low", "close", "adjClose"] as const;

function checkBar(input: BarInput, index: number): Bar {
  if (!isIsoDate(input.date)) throw invalid(index, input, "not a calendar date");
  const bar: Bar = {
    date: input.date,
    open: input.open,
    high: input.high,
    low: input.low,
    close: input.close,
    adjClose: input.adjClose ?? input.close,
    volume: input.volume,
  };
  for (const name of PRICES) {
    if (!(bar[name] > 0))
      throw invalid(index, input, `${name} is ${bar[name]}; prices must be positive`);
  }
  if (!(bar.volume >= 0)) {
    throw invalid(index, input, `volume is ${bar.volume}; it cannot be negative`);
  }
  if (bar.high < bar.low) throw invalid(index, input, `high ${bar.high} is below low ${bar.low}`);
  if (bar.high < Math.max(bar.open, bar.close)) {
    throw invalid(index, input, `high ${bar.high} is below the open or the close`);
  }
  if (bar.low > Math.min(bar.open, bar.close)) {
    throw invalid(index, input, `low ${bar.low} is above the open or the close`);
  }
  return bar;
}

/** Checks every bar and their order; returns them as bars (adjClose defaults to close). */
export function checkBars(input: readonly BarInput[], minBars: number): Bar[] {
  if (input.length < minBars) {
    throw new ApiError(
      422,
      "too-few-bars",
      `${input.length} bars given; a forecast needs at least MIN_BARS = ${minBars} daily bars (the indicators' warm-up plus the day to forecast from)`,
    );
  }
  const bars = input.map(checkBar);
  for (let i = 1; i < bars.length; i++) {
    const previous = bars[i - 1]!.date;
    const date = bars[i]!.date;
    if (date === previous) {
      throw invalid(i, input[i]!, `date repeated; each day may appear once`);
    }
    if (date < previous) {
      throw invalid(i, input[i]!, `comes after ${previous}; bars must be in ascending date order`);
    }
  }
  return bars;
}
