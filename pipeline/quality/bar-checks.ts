/** Checks of a single bar on its own: positive prices, volume, High/Low around Open/Close. */
import type { Bar } from "../../core/contracts.js";
import type { Finding } from "./findings.js";

/** Relative slack for float noise (Yahoo's prices are float32 values printed as float64). */
const RELATIVE_TOLERANCE = 1e-9;

export function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** O=H=L=C and no volume: nothing traded, the row only repeats a price. */
export function isFlatZeroVolume(bar: Bar): boolean {
  return (
    bar.volume === 0 &&
    nearlyEqual(bar.open, bar.close) &&
    nearlyEqual(bar.high, bar.close) &&
    nearlyEqual(bar.low, bar.close)
  );
}

const PRICE_COLUMNS = [
  ["Open", "open"],
  ["High", "high"],
  ["Low", "low"],
  ["Close", "close"],
  ["Adj Close", "adjClose"],
] as const;

export function checkBar(bar: Bar): Omit<Finding, "index"> | null {
  const nonPositive = PRICE_COLUMNS.find(([, key]) => !(bar[key] > 0));
  if (nonPositive) {
    const [column, key] = nonPositive;
    return { reason: "non-positive-price", detail: `${column} is ${bar[key]}` };
  }
  if (bar.volume < 0) {
    return { reason: "negative-volume", detail: `Volume is ${bar.volume}` };
  }
  const top = Math.max(bar.open, bar.close);
  if (bar.high < top * (1 - RELATIVE_TOLERANCE)) {
    return {
      reason: "high-below-open-close",
      detail: `High ${bar.high} is below max(Open, Close) = ${top}`,
    };
  }
  const bottom = Math.min(bar.open, bar.close);
  if (bar.low > bottom * (1 + RELATIVE_TOLERANCE)) {
    return {
      reason: "low-above-open-close",
      detail: `Low ${bar.low} is above min(Open, Close) = ${bottom}`,
    };
  }
  return null;
}
