import type { QuarantineReason } from "../../core/contracts.js";

/** A bar (by its index in the parsed file) that a rule removes, and why. */
export interface Finding {
  index: number;
  reason: QuarantineReason;
  detail: string;
}

/** Six significant digits: enough to recognise a price, without float32 noise. */
export function formatPrice(price: number): string {
  return String(Number(price.toPrecision(6)));
}

export function formatMove(logReturn: number): string {
  const percent = Math.expm1(logReturn) * 100;
  return `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`;
}
