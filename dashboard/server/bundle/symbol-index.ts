/**
 * Finds a published symbol from what a client typed: `^BSESN`, `BSESN`, `bsesn`, `INFY.NS` or
 * `INFY` all resolve, so URLs do not need the caret URL-encoded.
 */
export interface SymbolIndex {
  /** the published symbol, or undefined when there is none by that name */
  resolve(input: string): string | undefined;
  readonly symbols: readonly string[];
}

export function createSymbolIndex(symbols: readonly string[]): SymbolIndex {
  const byKey = new Map<string, string>();
  // exact names first, so a short form never shadows another symbol's full name
  for (const symbol of symbols) byKey.set(symbol.toUpperCase(), symbol);
  for (const symbol of symbols) {
    const stem = symbol.toUpperCase().replace(/^\^/, "");
    for (const key of [stem, stem.replace(/\.NS$/, "")]) {
      if (!byKey.has(key)) byKey.set(key, symbol);
    }
  }
  return {
    symbols,
    resolve: (input) => byKey.get(input.trim().toUpperCase()),
  };
}
