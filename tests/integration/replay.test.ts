/**
 * `pipeline replay`: the daily workflow rerun over past days, with a tiny configuration (three
 * symbols, two epochs, a retrain every 5 sessions, 8 sessions).
 */
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { LedgerRow } from "../../core/contracts.js";
import { parsePriceCsv } from "../../core/price-csv.js";
import type { PipelineOptions } from "../../pipeline/context.js";
import { readLedger } from "../../core/ledger.js";
import { loadPredictor } from "../../pipeline/model/predictor.js";
import { loadModelArtifacts } from "../../pipeline/model/serialize.js";
import { validateBars } from "../../pipeline/quality/rules.js";
import {
  listVersions,
  readAliases,
  readCard,
  readVersion,
  updateCard,
  writeAliases,
} from "../../core/registry-store.js";
import { runReplay, type ReplaySummary } from "../../pipeline/replay/replay.js";
import { cutToRange } from "../../pipeline/stages/ingest.js";
import { UsageError, loadUniverse } from "../../pipeline/universe.js";
import { tempArtifactsDir, testContext } from "../helpers/pipeline-context.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

const SYMBOLS = ["^BSESN", "INFY.NS", "TCS.NS"];
const ENV = { TRAIN_MAX_EPOCHS: "2", REPLAY_RETRAIN_EVERY: "5" };
/** the index's sessions from FROM to TO; the models are retrained on the 1st and the 6th */
const DAYS = [
  "2023-06-16",
  "2023-06-19",
  "2023-06-20",
  "2023-06-21",
  "2023-06-22",
  "2023-06-23",
  "2023-06-26",
  "2023-06-27",
];
const FROM = DAYS[0]!;
const TO = DAYS.at(-1)!;
/** where the two-step replay stops and resumes */
const D2 = "2023-06-21";
const RETRAIN_DAYS = ["2023-06-16", "2023-06-23"];
const SNAPSHOT_PRICES = "data/snapshot/prices";
const VALIDATE = { jumpThreshold: 0.18, staleRunDays: 5 };

async function replay(
  dir: string,
  from: string,
  to: string,
  workers = 0,
  options: Partial<PipelineOptions> = {},
): Promise<ReplaySummary> {
  const ctx = await testContext(dir, { from, to, symbols: SYMBOLS, ...options }, ENV);
  return runReplay(ctx, { workers });
}

const ledgerOf = (dir: string) => readLedger(paths.ledger(dir));
const byKey = (rows: readonly LedgerRow[]) =>
  new Map(rows.map((r) => [`${r.symbol}@${r.dataEnd}`, r]));
/** everything but when it was published and the registry's version number */
const forecastColumns = ({ publishedAt: _p, modelVersion: _v, ...rest }: LedgerRow) => rest;
const trainedAt = (reason: string | undefined) =>
  /trained on data up to (\S+),/.exec(reason ?? "")?.[1];

/** The bars the live pipeline would have validated on `day`: ingest --to day, then validate. */
async function barsKnownOn(symbol: string, day: string, dir = SNAPSHOT_PRICES) {
  const text = await readFile(join(dir, symbolFileName(symbol)), "utf8");
  return validateBars(symbol, parsePriceCsv(cutToRange(text, undefined, day)), VALIDATE).kept;
}

let base: string; // a champion (version 1) made by a one-day replay without a champion
let single: string; // one replay FROM..TO in worker threads
let twoStep: string; // FROM..D2, then the next session..TO, in the main thread
let singleSummary: ReplaySummary;
let aliasesBefore: string;

beforeAll(async () => {
  base = tempArtifactsDir("replay-base-");
  await replay(base, "2023-06-15", "2023-06-15");
  const card = await readCard(base, 1);
  await updateCard(base, { ...card, calibration: { a: 0.02, b: 1.3 } });
  await writeAliases(base, { champion: 1, challenger: null });
  aliasesBefore = await readFile(paths.aliases(base), "utf8");

  single = tempArtifactsDir("replay-single-");
  twoStep = tempArtifactsDir("replay-two-step-");
  for (const dir of [single, twoStep]) {
    await cp(paths.registryRoot(base), paths.registryRoot(dir), { recursive: true });
  }
  singleSummary = await replay(single, FROM, TO, 1);
  await replay(twoStep, FROM, D2);
  await replay(twoStep, "2023-06-22", TO);
});

describe("pipeline replay", () => {
  it("appends one row per symbol and day, and fills every outcome whose next session is in range", async () => {
    const rows = await ledgerOf(single);
    expect(rows).toHaveLength(DAYS.length * SYMBOLS.length);
    for (const day of DAYS) {
      expect(
        rows
          .filter((r) => r.dataEnd === day)
          .map((r) => r.symbol)
          .sort(),
      ).toEqual([...SYMBOLS].sort());
    }
    const index = await barsKnownOn("^BSESN", TO);
    const close = new Map(index.map((b) => [b.date, b.close]));
    for (const row of rows) {
      const next = DAYS[DAYS.indexOf(row.dataEnd) + 1];
      if (next === undefined) {
        expect(row.realisedDate, `${row.symbol} ${row.dataEnd}`).toBeNull();
        expect(row.hit).toBeNull();
        continue;
      }
      expect(row.realisedDate, `${row.symbol} ${row.dataEnd}`).toBe(next);
      expect(row.hit).toBe((row.direction === "up") === row.realisedReturn! > 0);
      if (row.symbol === "^BSESN") {
        expect(row.realisedReturn).toBe(Math.log(close.get(next)! / close.get(row.dataEnd)!));
      }
    }
    expect(singleSummary).toMatchObject({
      from: FROM,
      to: TO,
      days: DAYS.length,
      forecastsAppended: DAYS.length * SYMBOLS.length,
      outcomesFilled: (DAYS.length - 1) * SYMBOLS.length,
      forecaster: "1 worker thread(s)",
    });
    expect(singleSummary.hitRate.pooled.n).toBe((DAYS.length - 1) * SYMBOLS.length);
    expect(singleSummary.hitRate.index.n).toBe(DAYS.length - 1);
    expect(singleSummary.models.map((m) => m.trainedAt)).toEqual(RETRAIN_DAYS);
  });

  it("has no look-ahead: stopping at D2 and resuming gives the same rows up to D2 as one replay", async () => {
    const one = byKey(await ledgerOf(single));
    const two = byKey(await ledgerOf(twoStep));
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    let compared = 0;
    for (const [key, row] of two) {
      if (row.dataEnd > D2) continue;
      expect(forecastColumns(row), key).toEqual(forecastColumns(one.get(key)!));
      compared++;
    }
    expect(compared).toBe(4 * SYMBOLS.length);
    // the model of FROM was trained with data to D2 in one run and to TO in the other
    const a = await readVersion(single, one.get(`^BSESN@${FROM}`)!.modelVersion);
    const b = await readVersion(twoStep, two.get(`^BSESN@${FROM}`)!.modelVersion);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
    expect(a.card.scaler).toEqual(b.card.scaler);
  });

  it("forecasts day D with the predictor on the bars known at D and the model of the last retrain", async () => {
    const rows = await ledgerOf(single);
    const universe = await loadUniverse("data/snapshot");
    const versions = new Map<string, number>();
    for (const v of new Set(rows.map((r) => r.modelVersion))) {
      versions.set(trainedAt((await readCard(single, v)).decision?.reasons[0])!, v);
    }
    expect([...versions.keys()].sort()).toEqual(RETRAIN_DAYS);
    for (const retrain of RETRAIN_DAYS) {
      const predictor = await loadPredictor(await readVersion(single, versions.get(retrain)!));
      try {
        for (const row of rows) {
          const lastRetrain = RETRAIN_DAYS.filter((d) => d <= row.dataEnd).at(-1);
          if (lastRetrain !== retrain) continue;
          expect(row.modelVersion).toBe(versions.get(retrain));
          const info = universe.find((s) => s.symbol === row.symbol)!;
          const f = predictor.forecast(await barsKnownOn(row.symbol, row.dataEnd), info);
          expect(forecastColumns(row), `${row.symbol} ${row.dataEnd}`).toMatchObject({
            targetDate: f.targetDate,
            direction: f.direction,
            probabilityUp: f.probabilityUp,
            expectedReturn: f.expectedReturn,
            lower80: f.interval80.lower,
            upper80: f.interval80.upper,
            lower95: f.interval95.lower,
            upper95: f.interval95.upper,
          });
        }
      } finally {
        predictor.dispose();
      }
    }
  });

  it("registers every model it uses with a full card and leaves the aliases alone", async () => {
    const champion = await readCard(single, 1);
    const used = new Set((await ledgerOf(single)).map((r) => r.modelVersion));
    expect([...used].sort()).toEqual([2, 3]);
    expect(await listVersions(single)).toEqual([1, 2, 3]);
    for (const v of used) {
      const stored = await readVersion(single, v); // schema-checked
      (await loadModelArtifacts(stored.modelJson, stored.weights)).dispose();
      const { card } = stored;
      expect(card.decision?.promoted).toBe(false);
      expect(card.decision?.reasons[0]).toMatch(
        /^replay: trained on data up to 2023-06-(16|23), used for forecasts from 2023-06-(16|23) to 2023-06-(22|27)$/,
      );
      expect(card.metrics).toBeNull();
      expect(card.gates).toEqual([]);
      expect(card.training.lastDate < trainedAt(card.decision?.reasons[0])!).toBe(true);
      // its own state, fitted on rows known by its retrain day, never the champion's
      expect(card.decision?.reasons[1]).toMatch(
        /^conformal scores and Platt calibration from this model's forecasts on the last \d+ date\(s\) of its early-stopping block \(known by 2023-06-(16|23), not fitted on\)/,
      );
      expect(card.conformal).not.toEqual(champion.conformal);
      expect(card.calibration).not.toEqual({ a: 0.02, b: 1.3 });
      expect(card.conformal.alphas).toEqual({ "0.8": 0.2, "0.9": 0.1, "0.95": 0.05 });
    }
    expect(await readFile(paths.aliases(single), "utf8")).toBe(aliasesBefore);
    expect(await readAliases(twoStep)).toEqual({ champion: 1, challenger: null });

    expect(champion.decision?.reasons[1]).toMatch(/^conformal scores and Platt calibration/);
    expect(champion.conformal.scores.length).toBeGreaterThan(100);
    expect(champion.conformal.alphas).toEqual({ "0.8": 0.2, "0.9": 0.1, "0.95": 0.05 });
  });

  it("has no look-ahead: changing every price row after D2 leaves every forecast up to D2 bit-identical", async () => {
    const dataDir = tempArtifactsDir("replay-changed-future-");
    await mkdir(dataDir, { recursive: true });
    for (const symbol of SYMBOLS) {
      const text = await readFile(join(SNAPSHOT_PRICES, symbolFileName(symbol)), "utf8");
      const [header, ...lines] = text.trimEnd().split("\n");
      const changed = lines.map((line, i) => {
        const [date, ...rest] = line.split(",");
        if (date! <= D2) return line;
        const f = 1 + 0.03 * Math.sin(i); // every later bar moves, none by a suspicious jump
        const [o, h, l, c, a, v] = rest.map(Number) as number[];
        return [date, o! * f, h! * f, l! * f, c! * f, a! * f, Math.round(v! * (2 - f))].join(",");
      });
      await writeFile(
        join(dataDir, symbolFileName(symbol)),
        [header, ...changed].join("\n") + "\n",
      );
    }
    const dir = tempArtifactsDir("replay-changed-future-artifacts-");
    await cp(paths.registryRoot(base), paths.registryRoot(dir), { recursive: true });
    await replay(dir, FROM, TO, 0, { dataDir });
    const one = byKey(await ledgerOf(single));
    const changed = byKey(await ledgerOf(dir));
    let same = 0;
    let differ = 0;
    for (const [key, row] of changed) {
      const original = one.get(key)!;
      if (row.dataEnd <= D2) {
        const { realisedDate: _d, realisedReturn: _r, hit: _h, ...forecast } = forecastColumns(row);
        const {
          realisedDate: _d2,
          realisedReturn: _r2,
          hit: _h2,
          ...expected
        } = forecastColumns(original);
        expect(forecast, key).toEqual(expected);
        same++;
      } else if (row.probabilityUp !== original.probabilityUp) differ++;
    }
    expect(same).toBe(4 * SYMBOLS.length);
    expect(differ).toBeGreaterThan(0);
  });

  it("recomputes the features when a spike on the retrain day is not yet known as one", async () => {
    const dataDir = tempArtifactsDir("replay-data-");
    await mkdir(dataDir, { recursive: true });
    for (const symbol of SYMBOLS) {
      const text = await readFile(join(SNAPSHOT_PRICES, symbolFileName(symbol)), "utf8");
      const spiked = text.replace(/^2023-06-22,([^\n]*)$/m, (_line, rest: string) => {
        const [o, h, l, c, a, v] = rest.split(",").map(Number) as number[];
        const up = (x: number) => x * 1.5;
        return symbol === "INFY.NS"
          ? `2023-06-22,${[up(o!), up(h!), up(l!), up(c!), up(a!), v].join(",")}`
          : `2023-06-22,${rest}`;
      });
      await writeFile(join(dataDir, symbolFileName(symbol)), spiked);
    }
    const atSpike = (await barsKnownOn("INFY.NS", "2023-06-22", dataDir)).at(-1)!;
    expect(atSpike.date).toBe("2023-06-22"); // kept on the day: its reversion is still to come
    expect((await barsKnownOn("INFY.NS", "2023-06-23", dataDir)).map((b) => b.date)).not.toContain(
      "2023-06-22",
    );

    const later = tempArtifactsDir("replay-spike-");
    const summary = await replay(later, "2023-06-22", "2023-06-23", 0, { dataDir });
    expect(summary.models[0]!.featuresRecomputed).toEqual(["INFY.NS"]);
    const rows = byKey(await ledgerOf(later));
    expect(rows.get("INFY.NS@2023-06-22")?.realisedDate).toBeNull(); // its bar is gone by then
    expect(rows.get("INFY.NS@2023-06-23")).toBeDefined();

    // the same model as a replay that ends on the spike day, where nothing is recomputed
    const ending = tempArtifactsDir("replay-spike-end-");
    const endSummary = await replay(ending, "2023-06-22", "2023-06-22", 0, { dataDir });
    expect(endSummary.models[0]!.featuresRecomputed).toEqual([]);
    const a = await readVersion(later, 1);
    const b = await readVersion(ending, 1);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
  });

  it("rejects bad ranges with one clear message", async () => {
    const dir = tempArtifactsDir("replay-bad-");
    const bad = (from: string, to: string) => replay(dir, from, to);
    await expect(bad(TO, FROM)).rejects.toThrow(/--from 2023-06-27 is after --to 2023-06-16/);
    await expect(bad("2023-06-20", "2023-07-10")).rejects.toThrow(
      /reaches outside the data: the index \^BSESN runs from 1997-07-01 to 2023-06-30/,
    );
    await expect(bad("1997-08-01", "1997-09-01")).rejects.toThrow(
      /--from 1997-08-01 is too early: .* the earliest --from for the index \^BSESN is \d{4}-\d{2}-\d{2}/,
    );
    await expect(bad("2023-06-24", "2023-06-25")).rejects.toThrow(/no trading dates/);
    await expect(bad("2023-06-24", "2023-06-25")).rejects.toBeInstanceOf(UsageError);
    const ctx = await testContext(dir, { symbols: SYMBOLS }, ENV);
    await expect(runReplay(ctx)).rejects.toThrow(/needs --from and --to/);
    expect(await readLedger(paths.ledger(dir))).toEqual([]);

    const cli = await promisify(execFile)(
      "node",
      ["--import", "tsx", "pipeline/cli.ts", "replay", "--from", TO, "--to", FROM],
      { env: { ...process.env, CI: "true", ARTIFACTS_DIR: dir } },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(cli).toMatchObject({ code: 2 });
    expect((cli as { stderr: string }).stderr).toMatch(
      /error: --from 2023-06-27 is after --to 2023-06-16 \(see --help\)/,
    );
  });
});
