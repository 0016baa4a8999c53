/**
 * The walk-forward evaluates a recipe, not a fit: its result depends on the recipe and
 * configuration, the code, and the rows dated before the current cadence period. A record
 * keyed by those (`evaluation/records/<key>.json`) lets a later candidate in the same period
 * (a daily refit on one more day) reuse the evaluation instead of rerunning it: its files are
 * copied into `evaluation/<version>/` and the card gets the same calibration, conformal state,
 * metrics and gates.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import {
  evaluationMetricsSchema,
  leakageGateSchema,
  modelCardSchema,
  type ModelCard,
} from "../../core/contracts.js";
import { readJson, sha256, writeFileAtomic, writeJsonAtomic } from "../../core/store.js";
import { paths } from "../../core/artifact-layout.js";
import type { LabelledRows } from "../model/dataset.js";

const DAY_MS = 86_400_000;
/** a Monday: weekly periods start on Mondays */
const EPOCH = Date.parse("1970-01-05T00:00:00Z");

/**
 * The first day of the period after the last labelled date: rows dated before it are evaluated.
 * With 1 day a period every row is; with 7, the rows before this week's Monday.
 */
export function evaluationCut(lastLabelledDate: string, cadenceDays: number): string {
  const day = Math.floor((Date.parse(`${lastLabelledDate}T00:00:00Z`) - EPOCH) / DAY_MS) + 1;
  const start = Math.floor(day / cadenceDays) * cadenceDays;
  return new Date(EPOCH + start * DAY_MS).toISOString().slice(0, 10);
}

/** A hash of the rows themselves: dates, symbols, features and targets. */
export function rowsHash(data: LabelledRows): string {
  const parts = [
    data.symbols.join(","),
    data.dates.join(","),
    Buffer.from(
      data.symbolIndex.buffer,
      data.symbolIndex.byteOffset,
      data.symbolIndex.byteLength,
    ).toString("base64"),
    Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength).toString("base64"),
    Buffer.from(data.ret.buffer, data.ret.byteOffset, data.ret.byteLength).toString("base64"),
  ];
  return sha256(parts.join("|"));
}

export const cardUpdateSchema = modelCardSchema
  .pick({ calibration: true, conformal: true, metrics: true })
  .extend({
    gates: z.array(leakageGateSchema),
    rankerFits: modelCardSchema.shape.ranker
      .unwrap()
      .pick({
        excessReturnPerScore: true,
        memberProbability: true,
      })
      .nullable(),
  });
export type CardUpdate = z.infer<typeof cardUpdateSchema>;

const recordSchema = z.object({
  key: z.string(),
  version: z.number().int().positive(),
  evaluatedBefore: z.string(),
  files: z.array(z.string()),
  update: cardUpdateSchema,
});

const recordPath = paths.evaluationRecord;

export async function writeRecord(
  artifactsDir: string,
  record: z.infer<typeof recordSchema>,
): Promise<void> {
  await writeJsonAtomic(recordPath(artifactsDir, record.key), recordSchema.parse(record));
}

/** The record for this key whose evaluation files are all still there, else null. */
export async function findRecord(
  artifactsDir: string,
  key: string,
  evaluationDir: (v: number) => string,
) {
  const path = recordPath(artifactsDir, key);
  if (!existsSync(path)) return null;
  const record = await readJson(path, recordSchema);
  if (record.key !== key) return null;
  const dir = evaluationDir(record.version);
  return record.files.every((f) => existsSync(join(dir, f))) ? record : null;
}

/** Copies the record's files into the new version's folder, metrics.json naming the new version. */
export async function copyEvaluation(
  record: z.infer<typeof recordSchema>,
  from: string,
  to: string,
  version: number,
): Promise<void> {
  for (const file of record.files) {
    const bytes = await readFile(join(from, file));
    if (file === "metrics.json") {
      const metrics = evaluationMetricsSchema.parse(JSON.parse(bytes.toString("utf8")));
      await writeJsonAtomic(join(to, file), { ...metrics, version, reusedFrom: record.version });
    } else {
      await writeFileAtomic(join(to, file), bytes);
    }
  }
}

/** The card with an evaluation's outcome applied. */
export function applyUpdate(card: ModelCard, update: CardUpdate): ModelCard {
  const { rankerFits, ...rest } = update;
  return {
    ...card,
    ...rest,
    ...(card.ranker && rankerFits ? { ranker: { ...card.ranker, ...rankerFits } } : {}),
  };
}
