/** The README's generated "Performance" blocks: prettier-clean, and only the bench's own block moves. */
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { renderPerformanceBlock, replacePerformanceBlock } from "../bench/performance-section.js";

const block = renderPerformanceBlock(
  "npm run bench:serve",
  [
    { figure: "GET /api/forecast p99", measured: "5.0 ms", target: "< 10 ms", met: true },
    { figure: "server RSS after load", measured: "281.0 MB", target: "< 256 MB", met: false },
  ],
  { date: "2026-12-03", cores: 2, load: 1.23 },
);

describe("performance section", () => {
  it("renders the command, the machine and a table prettier leaves as it is", async () => {
    expect(block).toMatch(/^`npm run bench:serve` on 2026-12-03, 2 cores, load 1\.2 at the start:/);
    expect(block).toContain("| server RSS after load | 281.0 MB | < 256 MB | missed  |");
    expect(await format(block, { parser: "markdown" })).toBe(block + "\n");
  });

  it("replaces the bench's own block and nothing else", () => {
    const readme = [
      "# Title",
      "<!-- performance:serve:start -->",
      "old serve",
      "<!-- performance:serve:end -->",
      "<!-- performance:train:start -->",
      "train stays",
      "<!-- performance:train:end -->",
    ].join("\n");
    const next = replacePerformanceBlock(readme, "serve", block);
    expect(next).toContain(block);
    expect(next).not.toContain("old serve");
    expect(next).toContain("train stays");
    expect(replacePerformanceBlock(next, "serve", block)).toBe(next);
  });

  it("refuses a README without the bench's markers", () => {
    expect(() => replacePerformanceBlock("# no markers", "serve", block)).toThrow(
      /performance:serve:start/,
    );
  });
});
