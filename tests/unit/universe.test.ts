import { describe, expect, it } from "vitest";
import type { SymbolInfo } from "../../core/contracts.js";
import { symbolFileName } from "../../core/artifact-layout.js";
import {
  UsageError,
  filterSymbols,
  loadUniverse,
  parseShard,
  selectShard,
  sortSymbols,
  symbolsFromFileStems,
} from "../../pipeline/universe.js";

describe("universe", () => {
  it("lists the index, 30 current members and WIPRO as former", async () => {
    const u = await loadUniverse("data/snapshot");
    expect(u).toHaveLength(32);
    expect(u.filter((s) => s.isIndex).map((s) => s.symbol)).toEqual(["^BSESN"]);
    expect(u.filter((s) => !s.isIndex && s.currentMember)).toHaveLength(30);
    expect(u.find((s) => s.symbol === "WIPRO.NS")?.currentMember).toBe(false);
    expect(u.find((s) => s.symbol === "RELIANCE.NS")?.sector).toBe("Oil, Gas & Consumable Fuels");
  });

  it("names files without the caret and maps stems back", async () => {
    const u = await loadUniverse("data/snapshot");
    expect(symbolFileName("^BSESN")).toBe("BSESN.csv");
    expect(symbolFileName("M&M.NS")).toBe("M&M.NS.csv");
    expect(symbolsFromFileStems(["BSESN", "FOO"], u).map((s) => s.symbol)).toEqual([
      "^BSESN",
      "FOO",
    ]);
  });

  it("filters symbols by name, with or without caret or .NS, and names unknown ones", async () => {
    const u = await loadUniverse("data/snapshot");
    expect(filterSymbols(u, ["bsesn", "infy", "TCS.NS"]).map((s) => s.symbol)).toEqual([
      "^BSESN",
      "INFY.NS",
      "TCS.NS",
    ]);
    expect(() => filterSymbols(u, ["NOPE"])).toThrow(UsageError);
  });

  it("parses shards and splits symbols into disjoint shards that cover all", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "a/b", "1-4"])
      expect(() => parseShard(bad)).toThrow(/--shard/);
    const items = Array.from({ length: 10 }, (_, i) => i);
    const shards = [1, 2, 3].map((index) => selectShard(items, { index, count: 3 }));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(items);
    expect(new Set(shards.flat()).size).toBe(10);
  });

  it("sorts the index first, then alphabetically", () => {
    const mk = (symbol: string, isIndex = false): SymbolInfo => ({
      symbol,
      name: symbol,
      sector: "",
      isIndex,
      currentMember: true,
    });
    expect(sortSymbols([mk("B"), mk("^X", true), mk("A")]).map((s) => s.symbol)).toEqual([
      "^X",
      "A",
      "B",
    ]);
  });
});
