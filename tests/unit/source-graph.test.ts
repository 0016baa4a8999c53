import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeCodeHash } from "../../pipeline/stage-runner.js";
import {
  installedVersion,
  sourceGraph,
  stageGraph,
  urlReferences,
} from "../../pipeline/source-graph.js";

function write(root: string, file: string, text: string): void {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A temporary repository holding `files` (path: text). */
function tree(prefix: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) write(root, file, text);
  return root;
}

describe("stage source graph", () => {
  it("follows imports, literal dynamic imports, worker entries and data files; lists packages, leaves out unreached files", async () => {
    const root = tree("source-graph-", {
      "stage.ts":
        'import { a } from "./lib/a.js";\nimport "zod";\nimport "node:fs";\nimport "csv-parse/sync";\nimport "@scope/pkg/sub";\nexport const s = a;\n',
      "lib/a.ts":
        'export const a = () => import("./b.js");\nexport const w = new URL("./worker.ts", import.meta.url);\n',
      "lib/b.ts": "export const b = 1;\n",
      "lib/worker.ts":
        'import { c } from "../core/c.js";\nexport const d = new URL(\n  "../recipes/chosen.json",\n  import.meta.url,\n);\nexport { c };\n',
      "core/c.ts": "export const c = 2;\n",
      "recipes/chosen.json": "{}\n",
      "lib/unreached.ts": "export const u = 3;\n",
    });
    expect(await stageGraph("stage.ts", root)).toEqual({
      files: [
        "core/c.ts",
        "lib/a.ts",
        "lib/b.ts",
        "lib/worker.ts",
        "recipes/chosen.json",
        "stage.ts",
      ],
      packages: ["@scope/pkg", "csv-parse", "zod"],
    });
  });

  it("lists the packages a stage imports, whose installed versions go into its key", async () => {
    const features = await stageGraph("pipeline/stages/features.ts");
    expect(features.packages).toContain("technicalindicators");
    expect(features.packages).toContain("apache-arrow");
    const train = await stageGraph("pipeline/stages/train.ts");
    expect(train.packages).toContain("@tensorflow/tfjs");
    expect(train.packages).not.toContain("secretlint");
    const { version } = (await import("zod/package.json", { with: { type: "json" } })).default;
    expect(await installedVersion("zod")).toBe(version);
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

describe("stage code key", () => {
  it("changes when a file the stage reaches, directly or not, or an imported package's version changes; not for a test file", async () => {
    const root = tree("code-key-", {
      "stage.ts": 'import { a } from "./lib/a.js";\nimport "zod";\nexport const s = a;\n',
      "lib/a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "lib/b.ts": "export const b = 1;\n",
      "tests/a.test.ts": 'import { a } from "../lib/a.js";\nvoid a;\n',
      "node_modules/zod/package.json": '{"name":"zod","version":"4.0.0"}\n',
    });
    const key = () => computeCodeHash("stage.ts", root);
    const first = await key();
    write(root, "tests/a.test.ts", "// edited\n");
    expect(await key()).toBe(first);
    write(root, "lib/b.ts", "export const b = 2;\n");
    const second = await key();
    expect(second).not.toBe(first);
    write(root, "node_modules/zod/package.json", '{"name":"zod","version":"4.0.1"}\n');
    expect(await key()).not.toBe(second);
  });
});
