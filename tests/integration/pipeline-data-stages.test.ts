import {
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  mkdirSync,
  copyFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  featureManifestSchema,
  qualityReportSchema,
  rawManifestSchema,
  runReportSchema,
} from "../../core/contracts.js";
import { readJson } from "../../core/store.js";
import { readFeatureTable } from "../../core/feature-table.js";
import { FEATURE_NAMES } from "../../pipeline/indicators/registry.js";
import { DATA_STAGES, runPipeline } from "../../pipeline/run.js";
import { mergeStage } from "../../pipeline/stages/merge.js";
import { tempArtifactsDir, testContext } from "../helpers/pipeline-context.js";
import { paths } from "../../core/artifact-layout.js";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every data artifact (raw, prices, features), as relative path -> bytes. */
function dataArtifacts(root: string): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const sub of ["raw", "prices", "features"]) {
    for (const f of filesUnder(join(root, sub))) map.set(relative(root, f), readFileSync(f));
  }
  return map;
}

describe("data stages on the whole real snapshot", () => {
  let root: string;

  beforeAll(async () => {
    root = tempArtifactsDir();
    const report = await runPipeline(await testContext(root), "run", DATA_STAGES);
    expect(report.error).toBeNull();
  });

  it("writes validated prices, a quality report and a 45-feature table for all 32 symbols", async () => {
    const raw = await readJson(paths.rawManifest(root), rawManifestSchema);
    expect(raw.symbols).toHaveLength(32);
    expect(raw.symbols[0]!.symbol).toBe("^BSESN");
    const quality = await readJson(paths.quality(root), qualityReportSchema);
    expect(quality.symbols).toHaveLength(32);
    for (const q of quality.symbols) expect(q.rowsKept + q.quarantined.length).toBe(q.rowsRead);
    const manifest = await readJson(paths.featureManifest(root), featureManifestSchema);
    expect(manifest.features.map((f) => f.name)).toEqual([...FEATURE_NAMES]);
    const table = await readFeatureTable(paths.featureTable(root), FEATURE_NAMES);
    expect(table.map((p) => p.symbol)).toEqual(manifest.symbols.map((s) => s.symbol));
    expect(table.reduce((n, p) => n + p.dates.length, 0)).toBe(manifest.rows);
    expect(manifest.rows).toBeGreaterThan(100_000);
    for (const part of table) {
      expect([...part.dates].sort()).toEqual(part.dates);
      for (const col of part.columns) expect(col.every(Number.isFinite)).toBe(true);
    }
  });

  it("skips every stage on a rerun with nothing changed, and says so", async () => {
    const report = await runPipeline(await testContext(root), "run", DATA_STAGES);
    expect(report.stages.map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    const saved = readdirSync(paths.runsDir(root));
    expect(saved.length).toBeGreaterThanOrEqual(2);
    await readJson(join(paths.runsDir(root), saved[0]!), runReportSchema);
  });

  it("reruns a stage whose output was damaged, and every stage with --force", async () => {
    writeFileSync(paths.featureTable(root), "damaged");
    const repaired = await runPipeline(await testContext(root), "run", DATA_STAGES);
    expect(repaired.stages.map((s) => s.status)).toEqual(["skipped", "skipped", "ran"]);
    const forced = await runPipeline(await testContext(root, { force: true }), "run", DATA_STAGES);
    expect(forced.stages.map((s) => s.status)).toEqual(["ran", "ran", "ran"]);
  });

  it("gives byte-identical artifacts from 4 shards merged", async () => {
    const sharded = tempArtifactsDir();
    for (let index = 1; index <= 4; index++) {
      const report = await runPipeline(
        await testContext(sharded, { shard: { index, count: 4 } }),
        "run",
        DATA_STAGES,
      );
      expect(report.error).toBeNull();
    }
    const merged = await runPipeline(await testContext(sharded), "merge", [mergeStage]);
    expect(merged.error).toBeNull();
    const expected = dataArtifacts(root);
    const actual = dataArtifacts(sharded);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, bytes] of expected) expect(actual.get(name)!.equals(bytes), name).toBe(true);
  });
});

describe("data stages on a --data-dir folder", () => {
  it("ingests any folder of Yahoo CSVs, cut to --from/--to", async () => {
    const dir = tempArtifactsDir("data-dir-");
    copyFileSync(
      "tests/fixtures/csv/BSESN-yahoo-web-download-with-null-rows.csv",
      join(dir, "BSESN.csv"),
    );
    const root = tempArtifactsDir();
    const report = await runPipeline(
      await testContext(root, { dataDir: dir, from: "2019-01-01", to: "2021-12-31" }),
      "run",
      DATA_STAGES,
    );
    expect(report.error).toBeNull();
    const quality = await readJson(paths.quality(root), qualityReportSchema);
    expect(quality.symbols.map((s) => s.symbol)).toEqual(["^BSESN"]);
    expect(quality.symbols[0]!.firstDate! >= "2019-01-01").toBe(true);
    expect(quality.symbols[0]!.quarantined.some((q) => q.reason === "null-row")).toBe(true);
  });

  it("fails clearly on a malformed CSV and leaves the previous artifacts whole", async () => {
    const dir = tempArtifactsDir("data-dir-");
    copyFileSync("data/snapshot/prices/INFY.NS.csv", join(dir, "INFY.NS.csv"));
    const root = tempArtifactsDir();
    expect(
      (await runPipeline(await testContext(root, { dataDir: dir }), "run", DATA_STAGES)).error,
    ).toBeNull();
    const before = dataArtifacts(root);
    writeFileSync(join(dir, "INFY.NS.csv"), "Date;Open;High\n2020-01-01;1;2\n");
    const report = await runPipeline(await testContext(root, { dataDir: dir }), "run", DATA_STAGES);
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/INFY\.NS\.csv: not a Yahoo price CSV, missing column/);
    const after = dataArtifacts(root);
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
  });

  it("names a symbol that has no file", async () => {
    const dir = tempArtifactsDir("data-dir-");
    mkdirSync(join(dir, "sub"));
    copyFileSync("data/snapshot/prices/INFY.NS.csv", join(dir, "INFY.NS.csv"));
    const root = tempArtifactsDir();
    const report = await runPipeline(
      await testContext(root, { dataDir: dir, symbols: ["TCS.NS"] }),
      "run",
      DATA_STAGES,
    );
    expect(report.error).toMatch(/TCS\.NS/);
    expect(existsSync(paths.quality(root))).toBe(false);
  });
});
