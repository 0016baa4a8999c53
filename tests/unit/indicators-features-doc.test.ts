import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  FEATURES_MD_PATH,
  renderFeaturesMarkdown,
} from "../../pipeline/indicators/features-doc.js";
import { FEATURES, MAX_WARMUP_BARS, featureSetHash } from "../../pipeline/indicators/registry.js";

describe("FEATURES.md", () => {
  const markdown = renderFeaturesMarkdown();

  it("on disk equals what the registry renders (regenerate: tsx pipeline/indicators/features-doc.ts)", () => {
    expect(readFileSync(FEATURES_MD_PATH, "utf8")).toBe(markdown);
  });

  it("has one table row per feature, in registry order, with its warm-up", () => {
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).toHaveLength(FEATURES.length);
    rows.forEach((line, k) => {
      const f = FEATURES[k]!;
      expect(line.startsWith(`| \`${f.name}\` | ${f.group} |`)).toBe(true);
      expect(line.endsWith(` | ${f.warmupBars} |`)).toBe(true);
    });
  });

  it("keeps table cells intact: every row has exactly six unescaped separators-delimited cells", () => {
    for (const line of markdown.split("\n").filter((l) => l.startsWith("|"))) {
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(6);
    }
  });

  it("states the rules and the hash", () => {
    expect(markdown).toContain(`The first ${MAX_WARMUP_BARS} bars of every series`);
    expect(markdown).toContain("uses bars 0..t only");
    expect(markdown).toContain(featureSetHash());
  });
});
