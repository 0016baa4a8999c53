/**
 * Small helpers for the pages' inputs: an accessible name on every control an Observable Input
 * renders, and the symbol options of the pickers.
 */
import type { SymbolRef } from "./types.js";

/** Sets aria-label on the form controls inside an input (and on the input itself). */
export function labelled<T extends Element>(input: T, name: string): T {
  input.setAttribute("aria-label", name);
  for (const control of input.querySelectorAll("input, select, textarea, button")) {
    if (!control.hasAttribute("aria-label")) control.setAttribute("aria-label", name);
  }
  return input;
}

/** "S&P BSE SENSEX (^BSESN)" */
export function symbolLabel(s: Pick<SymbolRef, "symbol" | "name">): string {
  return `${s.name} (${s.symbol})`;
}

/** The index first, then the members by name. */
export function pickerOrder<S extends SymbolRef>(symbols: readonly S[]): S[] {
  return [...symbols].sort((a, b) =>
    a.isIndex !== b.isIndex ? (a.isIndex ? -1 : 1) : a.name.localeCompare(b.name),
  );
}
