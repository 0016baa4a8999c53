import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceGraph, urlReferences } from "../../pipeline/source-graph.js";

function write(root: string, file: string, text: string): void {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
}

describe("stage source graph", () => {
  it("follows imports, literal dynamic imports, worker entries and data files; leaves out packages and unreached files", async () => {
    const root = mkdtempSync(join(tmpdir(), "source-graph-"));
    write(
      root,
      "stage.ts",
      'import { a } from "./lib/a.js";\nimport "zod";\nexport const s = a;\n',
    );
    write(
      root,
      "lib/a.ts",
      'export const a = () => import("./b.js");\nexport const w = new URL("./worker.ts", import.meta.url);\n',
    );
    write(root, "lib/b.ts", "export const b = 1;\n");
    write(
      root,
      "lib/worker.ts",
      'import { c } from "../core/c.js";\nexport const d = new URL(\n  "../recipes/chosen.json",\n  import.meta.url,\n);\nexport { c };\n',
    );
    write(root, "core/c.ts", "export const c = 2;\n");
    write(root, "recipes/chosen.json", "{}\n");
    write(root, "lib/unreached.ts", "export const u = 3;\n");
    expect(await sourceGraph("stage.ts", root)).toEqual([
      "core/c.ts",
      "lib/a.ts",
      "lib/b.ts",
      "lib/worker.ts",
      "recipes/chosen.json",
      "stage.ts",
    ]);
  });

  it("throws when an import does not resolve, rather than hashing less than the stage runs", async () => {
    const root = mkdtempSync(join(tmpdir(), "source-graph-"));
    write(root, "stage.ts", 'import { gone } from "./gone.js";\nexport const s = gone;\n');
    await expect(sourceGraph("stage.ts", root)).rejects.toThrow(/gone/);
  });

  it("the model stages reach the files their hand-kept lists once missed, and no test code", async () => {
    const train = await sourceGraph("pipeline/stages/train.ts");
    for (const file of [
      "core/random.ts",
      "core/feature-table.ts",
      "pipeline/model/train-champion-ranker-worker.ts",
      "pipeline/recipes/champion.json",
      "core/contracts.ts",
    ])
      expect(train).toContain(file);
    const evaluate = await sourceGraph("pipeline/stages/evaluate.ts");
    expect(evaluate).toContain("pipeline/evaluation/rank-walk-forward-worker.ts");
    expect(evaluate.some((f) => f.startsWith("tests/"))).toBe(false);
  });

  it("reads only relative URLs against import.meta.url", () => {
    expect(
      urlReferences(
        'new URL("./w.ts", import.meta.url); new URL("https://x.org"); new URL(\'../r.json\', import.meta.url)',
      ),
    ).toEqual(["./w.ts", "../r.json"]);
  });
});
