/**
 * data/model.json: the champion's card, the registry's versions, and its walk-forward
 * evaluation (metrics.json, calibration.json, backtest.csv, folds.json, and per-fold accuracy
 * on the index from predictions.csv).
 */
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { evaluationMetricsSchema, isoDate, reliabilityBinSchema } from "../../core/contracts.js";
import { ArtifactError } from "../../core/store.js";
import { listVersions, readAliases, readCard } from "../../core/registry-store.js";
import type { ModelData, VersionSummary } from "../src/components/types.js";
import { readArtifact, readArtifactText, round, type LoaderContext } from "./artifacts.js";
import { paths } from "../../core/artifact-layout.js";

/** Share of days on which p >= 0.5 matched the actual direction (the pipeline's rule). */
function accuracy(actualUp: ArrayLike<number>, pUp: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actualUp.length; i++) {
    if ((pUp[i]! >= 0.5 ? 1 : 0) === actualUp[i]) hits++;
  }
  return actualUp.length > 0 ? hits / actualUp.length : NaN;
}

const calibrationSchema = z.record(z.string(), z.array(reliabilityBinSchema));
const foldsSchema = z.array(
  z.object({
    index: z.number().int().nonnegative(),
    trainRows: z.number().int().nonnegative(),
    firstTestDate: isoDate,
    lastTestDate: isoDate,
    testRows: z.number().int().nonnegative(),
  }),
);

/** A numeric CSV with a `date` column first: the header and the rows split into cells. */
function parseCsv(text: string, path: string, required: readonly string[]) {
  let cells: string[][];
  try {
    cells = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new ArtifactError(`${path} is not a readable CSV: ${(error as Error).message}`);
  }
  const [header = [], ...lines] = cells;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new ArtifactError(`${path} lacks column(s) ${missing.join(", ")}`);
  }
  return { header, rows: lines };
}

function parseBacktest(text: string, path: string): ModelData["backtest"] {
  const { header, rows } = parseCsv(text, path, ["date"]);
  const names = header.slice(1);
  if (names.length === 0) throw new ArtifactError(`${path} has no strategy columns`);
  const series = names.map((name, k) => ({
    name,
    values: rows.map((r, i) => {
      const v = Number(r[k + 1]);
      if (!Number.isFinite(v))
        throw new ArtifactError(`${path} row ${i + 2}: ${name} is not a number`);
      return round(v) ?? 0;
    }),
  }));
  return { dates: rows.map((r) => r[0]!), series };
}

/** Each model's accuracy on the index in each fold (the `<model>_p_up` columns). */
function foldAccuracy(text: string, path: string, indexSymbol: string) {
  const { header, rows } = parseCsv(text, path, ["date", "symbol", "fold", "actual_up"]);
  const col = (name: string) => header.indexOf(name);
  const models = header.filter((h) => h.endsWith("_p_up")).map((h) => h.slice(0, -"_p_up".length));
  const [iSymbol, iFold, iUp] = [col("symbol"), col("fold"), col("actual_up")];
  const byFold = new Map<number, { up: number[]; p: Record<string, number[]> }>();
  for (const r of rows) {
    if (r[iSymbol] !== indexSymbol) continue;
    const fold = Number(r[iFold]);
    let f = byFold.get(fold);
    if (!f) {
      f = { up: [], p: Object.fromEntries(models.map((m) => [m, [] as number[]])) };
      byFold.set(fold, f);
    }
    f.up.push(Number(r[iUp]));
    for (const m of models) f.p[m]!.push(Number(r[col(`${m}_p_up`)]));
  }
  return new Map(
    [...byFold.entries()].map(([fold, f]) => [
      fold,
      {
        testDays: f.up.length,
        accuracy: Object.fromEntries(models.map((m) => [m, accuracy(f.up, f.p[m]!)])),
      },
    ]),
  );
}

export async function loadModelData(ctx: LoaderContext): Promise<ModelData> {
  const aliases = await readAliases(ctx.artifactsDir);
  if (aliases.champion === null) {
    throw new ArtifactError(
      `${paths.aliases(ctx.artifactsDir)} names no champion; run the pipeline first (npm start)`,
    );
  }
  const card = await readCard(ctx.artifactsDir, aliases.champion);
  const versions: VersionSummary[] = [];
  for (const v of await listVersions(ctx.artifactsDir)) {
    const c = v === card.version ? card : await readCard(ctx.artifactsDir, v);
    versions.push({
      version: c.version,
      createdAt: c.createdAt,
      kind: c.kind,
      promoted: c.decision?.promoted ?? null,
      reasons: c.decision?.reasons ?? [],
      metrics: c.metrics,
      lineage: c.lineage,
    });
  }
  const dir = paths.evaluationDir(ctx.artifactsDir, card.version);
  const evaluation = await readArtifact(join(dir, "metrics.json"), evaluationMetricsSchema);
  const calibration = await readArtifact(join(dir, "calibration.json"), calibrationSchema);
  const backtestPath = join(dir, "backtest.csv");
  const backtest = parseBacktest(
    await readArtifactText(backtestPath, "backtest series"),
    backtestPath,
  );
  const folds = await readArtifact(join(dir, "folds.json"), foldsSchema);
  const predictionsPath = join(dir, "predictions.csv");
  const perFold = foldAccuracy(
    await readArtifactText(predictionsPath, "walk-forward predictions"),
    predictionsPath,
    ctx.indexSymbol,
  );
  const { scaler: _scaler, conformal, ...rest } = card;
  return {
    aliases,
    card: { ...rest, conformal: { scoreCount: conformal.scores.length, alphas: conformal.alphas } },
    versions,
    evaluation,
    calibration,
    backtest,
    folds: folds.map((f) => ({
      index: f.index,
      firstTestDate: f.firstTestDate,
      lastTestDate: f.lastTestDate,
      trainRows: f.trainRows,
      testDays: perFold.get(f.index)?.testDays ?? 0,
      accuracy: perFold.get(f.index)?.accuracy ?? {},
    })),
    indexSymbol: ctx.indexSymbol,
  };
}
