/**
 * `pipeline replay --from D1 --to D2`: the scheduled workflow run again over history, day by
 * day, as it would have run. For each trading date D of the index in the range, with only the
 * raw rows dated up to D:
 *
 * - validate each symbol's rows cut at D (a spike on D is not yet known to revert, as live);
 * - on retrain days (the first day, then every REPLAY_RETRAIN_EVERY sessions) train the
 *   network of the train stage on the rows whose target is known by D and register it as a
 *   new version (pipeline/replay/train-model.ts); the aliases are never touched;
 * - forecast the next session of the index and every current member with the latest replay
 *   model through the one predictor, and append the rows to the ledger (one per symbol and
 *   data end: a day whose forecast is already there is not forecast again);
 * - fill the outcomes of ledger rows whose next session is <= D, from the closes known at D.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Bar, LedgerRow, SymbolInfo } from "../../core/contracts.js";
import type { PipelineContext } from "../context.js";
import {
  appendForecasts,
  fillOutcomes,
  readLedger,
  writeLedger,
  type CloseSeries,
} from "../../core/ledger.js";
import { MAX_WARMUP_BARS } from "../indicators/registry.js";
import { initBackend } from "../model/backend.js";
import { MIN_BARS } from "../model/predictor.js";
import type { ValidateOptions } from "../quality/rules.js";
import type { StoredModel } from "../../core/registry-store.js";
import { ingestSymbols } from "../stages/ingest.js";
import { toLedgerRow } from "../stages/forecast.js";
import { UsageError, sortSymbols } from "../universe.js";
import type { DayResult } from "./forecast-day.js";
import { inProcessForecaster, workerPoolForecaster, type Forecaster } from "./forecasters.js";
import {
  barDates,
  indexOfBar,
  loadHistories,
  validatedUpTo,
  type SymbolHistory,
} from "./history.js";
import { FeatureSource, trainReplayModel } from "./train-model.js";
import { paths, symbolFileName } from "../../core/artifact-layout.js";

/** Sessions of feature rows the first retraining needs beyond the indicators' warm-up. */
const MIN_TRAINING_SESSIONS = 250;

interface ReplayOptions {
  /** forecast worker threads; 0 forecasts in the main thread (default: the CPU count, at most 4) */
  workers?: number;
}

export interface HitRate {
  n: number;
  hits: number;
  rate: number | null;
}

export interface ReplayModel {
  version: number;
  trainedAt: string;
  usedUntil: string;
  rows: number;
  epochs: number;
  durationMs: number;
  /** symbols whose features were recomputed: their bars validated at trainedAt differ */
  featuresRecomputed: string[];
}

export interface ReplaySummary {
  from: string;
  to: string;
  /** trading days replayed */
  days: number;
  forecastsAppended: number;
  /** forecasts not made because the ledger already held that symbol and data end */
  alreadyInLedger: number;
  /** forecasts the predictor could not make (too little history), with why */
  skipped: { day: string; symbol: string; reason: string }[];
  outcomesFilled: number;
  models: ReplayModel[];
  /** hit rates of this replay's rows whose outcome is known */
  hitRate: { index: HitRate; pooled: HitRate };
  forecaster: string;
  retrainEvery: number;
  durationMs: number;
}

interface DayPlan {
  day: string;
  symbols: string[];
  dataEnds: Map<string, string>;
  /** the closes known at the day, from the oldest open ledger row of each symbol on */
  closes: Map<string, CloseSeries>;
  model: StoredModel | null;
  result: Promise<DayResult[]>;
}

const keyOf = (symbol: string, dataEnd: string) => `${symbol}@${dataEnd}`;

function sourceDir(ctx: PipelineContext): string {
  return ctx.options.dataDir ?? join(ctx.config.SNAPSHOT_DIR, "prices");
}

/** The index's dates in the source (else every symbol's dates): the days the workflow ran. */
async function tradingCalendar(
  ctx: PipelineContext,
  histories: readonly SymbolHistory[],
): Promise<{ dates: string[]; label: string }> {
  const symbol = ctx.config.INDEX_SYMBOL;
  let index = histories.find((h) => h.info.symbol === symbol);
  if (!index && existsSync(join(sourceDir(ctx), symbolFileName(symbol)))) {
    const info: SymbolInfo = {
      symbol,
      name: symbol,
      sector: "",
      isIndex: true,
      currentMember: true,
    };
    index = (await loadHistories(sourceDir(ctx), [info]))[0];
  }
  if (index) return { dates: barDates(index.parsed), label: `the index ${symbol}` };
  const all = new Set(histories.flatMap((h) => barDates(h.parsed)));
  return { dates: [...all].sort(), label: "the symbols' files" };
}

/** The replayed days, or a usage error naming what is wrong with --from and --to. */
function replayDays(
  calendar: readonly string[],
  label: string,
  from: string,
  to: string,
): string[] {
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const first = calendar[0];
  const last = calendar.at(-1);
  if (!first || !last) throw new UsageError(`no price rows in ${label}`);
  if (from < first || to > last) {
    throw new UsageError(
      `--from ${from} --to ${to} reaches outside the data: ${label} runs from ${first} to ${last}`,
    );
  }
  const days = calendar.filter((d) => d >= from && d <= to);
  if (days.length === 0) {
    throw new UsageError(`no trading dates of ${label} between --from ${from} and --to ${to}`);
  }
  const need = MAX_WARMUP_BARS + MIN_TRAINING_SESSIONS;
  if (calendar.indexOf(days[0]!) < need) {
    const earliest = calendar[need];
    throw new UsageError(
      `--from ${from} is too early: the first replayed day needs ${MAX_WARMUP_BARS} sessions of indicator warm-up and ${MIN_TRAINING_SESSIONS} sessions of training rows before it; ` +
        (earliest
          ? `the earliest --from for ${label} is ${earliest}`
          : `${label} has only ${calendar.length} sessions`),
    );
  }
  return days;
}

function hitRate(rows: readonly LedgerRow[]): HitRate {
  const known = rows.filter((r) => r.hit !== null);
  const hits = known.filter((r) => r.hit).length;
  return { n: known.length, hits, rate: known.length > 0 ? hits / known.length : null };
}

async function createForecaster(
  ctx: PipelineContext,
  requested: number,
  symbols: SymbolInfo[],
  histories: ReadonlyMap<string, SymbolHistory>,
  validate: ValidateOptions,
  log: (message: string) => void,
): Promise<Forecaster> {
  if (requested > 0) {
    try {
      return await workerPoolForecaster(requested, { dir: sourceDir(ctx), symbols, validate });
    } catch (error) {
      log(
        `worker threads unavailable (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); forecasting in the main thread`,
      );
    }
  }
  return inProcessForecaster(histories, validate);
}

export async function runReplay(
  ctx: PipelineContext,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const started = performance.now();
  const { from, to } = ctx.options;
  if (!from || !to) throw new UsageError("replay needs --from and --to (YYYY-MM-DD)");
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (ctx.options.source === "yahoo") {
    throw new UsageError("replay reads local price files: use the snapshot or --data-dir");
  }
  const config = ctx.config;
  const validate: ValidateOptions = {
    jumpThreshold: config.VALIDATE_JUMP_THRESHOLD,
    staleRunDays: config.VALIDATE_STALE_RUN_DAYS,
  };
  const trainingSymbols = sortSymbols(await ingestSymbols(ctx));
  const histories = await loadHistories(sourceDir(ctx), trainingSymbols);
  const bySymbol = new Map(histories.map((h) => [h.info.symbol, h]));
  const forecastSymbols = trainingSymbols.filter((s) => s.isIndex || s.currentMember);
  if (forecastSymbols.length === 0) {
    throw new UsageError(
      "none of the symbols is the index or a current member: nothing to forecast",
    );
  }
  const calendar = await tradingCalendar(ctx, histories);
  const days = replayDays(calendar.dates, calendar.label, from, to);
  const every = config.REPLAY_RETRAIN_EVERY;

  const ledgerPath = paths.ledger(ctx.artifactsDir);
  let ledger = await readLedger(ledgerPath);
  const known = new Set(ledger.map((r) => keyOf(r.symbol, r.dataEnd)));
  const open = new Map<string, Set<string>>(forecastSymbols.map((s) => [s.symbol, new Set()]));
  for (const r of ledger) if (r.realisedReturn === null) open.get(r.symbol)?.add(r.dataEnd);

  const progress = ctx.progress.stage("replay");
  const backend = await initBackend();
  const forecaster = await createForecaster(
    ctx,
    options.workers ?? Math.min(availableParallelism(), 4),
    forecastSymbols,
    bySymbol,
    validate,
    (m) => progress.log(m),
  );
  progress.log(
    `${days.length} day(s) ${days[0]}..${days.at(-1)}, ${forecastSymbols.length} symbol(s) forecast, ${trainingSymbols.length} trained on, retrain every ${every} session(s); forecasts: ${forecaster.mode}; backend ${backend}`,
  );
  progress.start(days.length);

  const publishedAt = new Date().toISOString();
  const features = new FeatureSource(to, validate);
  const models: ReplayModel[] = [];
  const appendedKeys = new Set<string>();
  const skipped: ReplaySummary["skipped"] = [];
  let alreadyInLedger = 0;
  let appended = 0;
  let filled = 0;
  let failure: unknown = null;
  let applied: Promise<void> = Promise.resolve();
  let taskId = 0;

  /** Validates every forecast symbol at `day`, picks what to forecast and which closes fill. */
  const planDay = (day: string, snapshot: Map<string, Bar[]> | null): DayPlan => {
    const plan: DayPlan = {
      day,
      symbols: [],
      dataEnds: new Map(),
      closes: new Map(),
      model: null,
      result: Promise.resolve([]),
    };
    for (const info of forecastSymbols) {
      const symbol = info.symbol;
      const bars = validatedUpTo(bySymbol.get(symbol)!, day, validate);
      snapshot?.set(symbol, bars);
      // outcomes: rows still open whose data end is among the bars known now
      const pending = open.get(symbol)!;
      let tail = bars.length;
      for (const dataEnd of [...pending]) {
        const i = indexOfBar(bars, dataEnd);
        if (i < 0) continue;
        tail = Math.min(tail, i);
        if (i + 1 < bars.length) pending.delete(dataEnd); // filled on this day
      }
      if (tail < bars.length) {
        plan.closes.set(symbol, {
          dates: bars.slice(tail).map((b) => b.date),
          close: Float64Array.from(bars.slice(tail), (b) => b.close),
        });
      }
      // the forecast from the last bar known, unless the ledger has it
      const last = bars.at(-1);
      if (!last) {
        skipped.push({ day, symbol, reason: "no valid bars yet" });
        continue;
      }
      if (known.has(keyOf(symbol, last.date))) {
        alreadyInLedger++;
        continue;
      }
      if (bars.length < MIN_BARS) {
        skipped.push({
          day,
          symbol,
          reason: `${bars.length} valid bars, the predictor needs ${MIN_BARS}`,
        });
        continue;
      }
      known.add(keyOf(symbol, last.date));
      pending.add(last.date);
      plan.symbols.push(symbol);
      plan.dataEnds.set(symbol, last.date);
    }
    return plan;
  };

  const applyDay = async (plan: DayPlan): Promise<void> => {
    const results = await plan.result;
    const rows: LedgerRow[] = [];
    for (const r of results) {
      if (!r.ok) {
        skipped.push({ day: plan.day, symbol: r.symbol, reason: r.error });
        continue;
      }
      if (r.forecast.dataEnd !== plan.dataEnds.get(r.symbol)) {
        throw new Error(
          `replay ${plan.day}: ${r.symbol} forecast from ${r.forecast.dataEnd}, planned from ${plan.dataEnds.get(r.symbol)}`,
        );
      }
      rows.push(toLedgerRow(r.forecast, publishedAt, plan.model!.card.version));
    }
    const added = appendForecasts(ledger, rows);
    for (const row of added.rows.slice(ledger.length)) {
      appendedKeys.add(keyOf(row.symbol, row.dataEnd));
    }
    appended += added.appended;
    const outcome = fillOutcomes(added.rows, plan.closes);
    filled += outcome.filled;
    ledger = outcome.rows;
    await writeLedger(ledgerPath, ledger);
    progress.tick(plan.day);
  };

  try {
    for (let start = 0; start < days.length; start += every) {
      if (failure) break;
      const segment = days.slice(start, start + every);
      const at = segment[0]!;
      const usedUntil = segment.at(-1)!;
      const snapshot = new Map<string, Bar[]>();
      const plans = segment.map((day, i) => planDay(day, i === 0 ? snapshot : null));
      if (plans.some((p) => p.symbols.length > 0)) {
        progress.log(`training on data up to ${at} (for ${at}..${usedUntil})`);
        const snapshots = histories.map((history) => ({
          history,
          bars: snapshot.get(history.info.symbol) ?? validatedUpTo(history, at, validate),
        }));
        const model = await trainReplayModel(config, ctx.artifactsDir, backend, features, {
          at,
          usedUntil,
          snapshots,
        });
        const { version } = model.stored.card;
        models.push({
          version,
          trainedAt: at,
          usedUntil,
          rows: model.trained.rows,
          epochs: model.trained.epochs,
          durationMs: model.trained.durationMs,
          featuresRecomputed: model.recomputed,
        });
        progress.log(
          `version ${version}: ${model.trained.rows} rows (${model.trained.firstDate}..${model.trained.lastDate}), ${model.trained.epochs} epochs (best ${model.trained.bestEpoch}), ${(model.trained.durationMs / 1000).toFixed(1)} s; ${model.conformalSource}` +
            (model.recomputed.length > 0
              ? `; features recomputed at ${at} (validation differs at the cut) for ${model.recomputed.join(", ")}`
              : ""),
        );
        for (const plan of plans) {
          if (plan.symbols.length === 0) continue;
          plan.model = model.stored;
          plan.result = forecaster.submit({
            id: taskId++,
            day: plan.day,
            model: model.stored,
            symbols: plan.symbols,
          });
          plan.result.catch(() => undefined); // awaited in order by applyDay
        }
      }
      for (const plan of plans) {
        applied = applied.then(() => (failure ? undefined : applyDay(plan)));
      }
      applied = applied.catch((error: unknown) => {
        failure ??= error;
      });
      if (!forecaster.concurrent) await applied;
    }
    await applied;
    if (failure) throw failure;
  } finally {
    await forecaster.close();
    progress.stop();
  }

  const mine = ledger.filter((r) => appendedKeys.has(keyOf(r.symbol, r.dataEnd)));
  return {
    from: days[0]!,
    to: days.at(-1)!,
    days: days.length,
    forecastsAppended: appended,
    alreadyInLedger,
    skipped,
    outcomesFilled: filled,
    models,
    hitRate: {
      index: hitRate(mine.filter((r) => r.symbol === config.INDEX_SYMBOL)),
      pooled: hitRate(mine),
    },
    forecaster: forecaster.mode,
    retrainEvery: every,
    durationMs: performance.now() - started,
  };
}

const pct = (h: HitRate) =>
  h.rate === null ? "n/a" : `${(h.rate * 100).toFixed(1)}% (${h.hits}/${h.n})`;

/** The one summary line. */
export function formatReplaySummary(s: ReplaySummary, indexSymbol: string): string {
  const versions = s.models.map((m) => `v${m.version} from ${m.trainedAt}`).join(", ") || "none";
  return (
    `replay ${s.from}..${s.to}: ${s.days} day(s) replayed, ${s.forecastsAppended} forecast(s) appended` +
    (s.alreadyInLedger > 0 ? ` (${s.alreadyInLedger} already in the ledger)` : "") +
    (s.skipped.length > 0 ? `, ${s.skipped.length} skipped` : "") +
    `, ${s.outcomesFilled} outcome(s) filled; hit rate ${indexSymbol} ${pct(s.hitRate.index)}, pooled ${pct(s.hitRate.pooled)}; ` +
    `models (retrain every ${s.retrainEvery}): ${versions}; ${(s.durationMs / 1000).toFixed(1)} s`
  );
}
