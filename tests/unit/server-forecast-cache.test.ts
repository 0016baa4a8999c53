/** The prediction cache: keyed on every input value, bounded, least recently used out first. */
import { describe, expect, it } from "vitest";
import type { Bar, SymbolForecast } from "../../core/contracts.js";
import { ForecastCache } from "../../dashboard/server/predict/forecast-cache.js";
import { warmUpBars } from "../../dashboard/server/bundle/warm-up-bars.js";

const ABOUT = { symbol: "INFY.NS", name: "Infosys", sector: "IT", isIndex: false };
const forecast = (symbol: string) => ({ symbol }) as SymbolForecast;

describe("ForecastCache", () => {
  it("gives a different key when any bar value or the symbol changes", () => {
    const cache = new ForecastCache();
    const bars = warmUpBars(50);
    const key = cache.key(bars, ABOUT);
    expect(cache.key(warmUpBars(50), { ...ABOUT })).toBe(key);
    const changed = (i: number, field: keyof Bar, value: number | string) =>
      cache.key(
        bars.map((b, j) => (j === i ? { ...b, [field]: value } : b)),
        ABOUT,
      );
    const keys = new Set([
      key,
      changed(49, "volume", bars[49]!.volume + 1),
      changed(0, "open", bars[0]!.open * 1.0000001),
      changed(10, "adjClose", 1),
      changed(20, "date", "1999-01-01"),
      cache.key(bars.slice(1), ABOUT),
      cache.key(bars, { ...ABOUT, symbol: "TCS.NS" }),
      cache.key(bars, { ...ABOUT, isIndex: true }),
    ]);
    expect(keys.size).toBe(8);
  });

  it("keeps at most its capacity, dropping the least recently used", () => {
    const cache = new ForecastCache(2);
    cache.set("a", forecast("A"));
    cache.set("b", forecast("B"));
    expect(cache.get("a")?.symbol).toBe("A"); // a is now the most recent
    cache.set("c", forecast("C"));
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.symbol).toBe("A");
    expect(cache.get("c")?.symbol).toBe("C");
    expect(Object.isFrozen(cache.get("c"))).toBe(true);
  });
});
