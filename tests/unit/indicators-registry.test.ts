import { describe, expect, it } from "vitest";
import { featureDefinitionSchema, featureManifestSchema } from "../../core/contracts.js";
import {
  FEATURES,
  FEATURE_NAMES,
  MAX_WARMUP_BARS,
  SEED_INFLUENCE_LIMIT,
  featureSetHash,
  seedDecayBars,
} from "../../pipeline/indicators/registry.js";

describe("feature registry", () => {
  it("defines exactly 45 features with unique snake_case names", () => {
    expect(FEATURES).toHaveLength(45);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(45);
    expect(FEATURE_NAMES).toEqual(FEATURES.map((f) => f.name));
    for (const name of FEATURE_NAMES) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it("every definition parses with the contract schema and fits the manifest", () => {
    for (const f of FEATURES) expect(featureDefinitionSchema.parse(f)).toEqual(f);
    const manifest = {
      schemaVersion: 1,
      featureCount: 45,
      features: FEATURES,
      featureSetHash: featureSetHash(),
      dataHash: "d",
      tableHash: "t",
      table: "features.arrow",
      rows: 0,
      symbols: [],
    };
    expect(() => featureManifestSchema.parse(manifest)).not.toThrow();
  });

  it("has a one-sentence description, a formula and a library call for every feature", () => {
    for (const f of FEATURES) {
      expect(f.description, f.name).toMatch(/^[A-Z0-9].*\.$/);
      expect(f.description, f.name).not.toMatch(/\.\s+[A-Z]/);
      expect(f.formula.length, f.name).toBeGreaterThan(5);
      expect(f.libraryCall.length, f.name).toBeGreaterThan(3);
    }
  });

  it("MAX_WARMUP_BARS is the longest warm-up", () => {
    const longest = FEATURES.reduce((m, f) => Math.max(m, f.warmupBars), 0);
    expect(MAX_WARMUP_BARS).toBe(longest);
    expect(MAX_WARMUP_BARS).toBe(FEATURES.find((f) => f.name === "adx_14")!.warmupBars);
  });

  it("states every zero-denominator fallback in the formula text", () => {
    const byName = new Map(FEATURES.map((f) => [f.name, f]));
    const fallbacks: Record<string, string> = {
      rsi_14: "50 when G = L = 0",
      stoch_k_14: "50 when HH = LL",
      stochrsi_k: "S = 50",
      cci_20: "0 when the 20-bar window is flat",
      bb_pctb_20: "0.5 when",
      kc_position: "0.5 when",
      vol_ratio_20_60: "1 when",
      close_location: "0.5 when H = L",
      mfi_14: "50 when no bar",
      obv_flow_20: "0 when that volume",
      adl_flow_20: "0 when the 20-day volume",
      adx_14: "0 when +DI + -DI = 0",
    };
    for (const [name, text] of Object.entries(fallbacks)) {
      expect(byName.get(name)?.formula, name).toContain(text);
    }
  });

  it("seedDecayBars leaves less than the seed-influence limit", () => {
    for (const [alpha, stages] of [
      [2 / 27, 1],
      [1 / 14, 1],
      [1 / 14, 2],
      [2 / 16, 3],
    ] as const) {
      const k = seedDecayBars(alpha, stages);
      const bound = (bars: number) => {
        let sum = 0;
        let term = 1;
        for (let j = 0; j < stages; j++) {
          sum += term;
          term *= (alpha * bars) / (1 - alpha) / (j + 1);
        }
        return Math.pow(1 - alpha, bars) * sum;
      };
      expect(bound(k)).toBeLessThan(SEED_INFLUENCE_LIMIT);
      expect(bound(k - 1)).toBeGreaterThanOrEqual(SEED_INFLUENCE_LIMIT);
    }
    // a single EMA-26: ceil(ln(1e-10) / ln(25/27))
    expect(seedDecayBars(2 / 27)).toBe(Math.ceil(Math.log(1e-10) / Math.log(25 / 27)));
  });

  it("hashes the definitions stably and reacts to a change", () => {
    const hash = featureSetHash();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(featureSetHash()).toBe(hash);
    const original = FEATURES[0]!.warmupBars;
    (FEATURES[0] as { warmupBars: number }).warmupBars = original + 1;
    try {
      expect(featureSetHash()).not.toBe(hash);
    } finally {
      (FEATURES[0] as { warmupBars: number }).warmupBars = original;
    }
    expect(featureSetHash()).toBe(hash);
  });
});
