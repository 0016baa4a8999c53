/**
 * Stage 5, evaluate: walk-forward evaluation of the candidate's recipe against the baselines
 * on the same folds, the leakage gates, and `evaluation/<version>/` (per-day predictions,
 * metrics, backtest series, calibration table). A failed gate fails the run loudly.
 */
import { join } from "node:path";
import type { EvaluationMetrics, LeakageGate, ModelCard } from "../../core/contracts.js";
import { combineHashes, hashFiles, writeFileAtomic, writeJsonAtomic } from "../../core/store.js";
import { calibratedIndex } from "../evaluation/calibrated-index.js";
import {
  applyUpdate,
  copyEvaluation,
  evaluationCut,
  findRecord,
  rowsHash,
  writeRecord,
  type CardUpdate,
} from "../evaluation/evaluation-record.js";
import { codeHash } from "../stage-runner.js";
import { fitPlatt } from "../model/platt.js";
import {
  canaryGate,
  randomWalkGate,
  shuffledLabelsGate,
  tooGoodGate,
} from "../evaluation/leakage-gates.js";
import {
  backtests,
  conformalIntervals,
  summarizeScope,
  type ScopeRows,
} from "../evaluation/summarize.js";
import {
  MODEL_NAMES,
  runWalkForward,
  type WalkForwardConfig,
  type WalkForwardResult,
} from "../evaluation/walk-forward.js";
import { FEATURE_NAMES } from "../indicators/registry.js";
import { initBackend } from "../model/backend.js";
import type { LabelledRows } from "../model/dataset.js";
import { selectRows } from "../model/dataset.js";
import { loadModelInputs } from "../model/inputs.js";
import { modelConfigHash, trainOptions } from "../model/lineage.js";
import { readCard, updateCard } from "../../core/registry-store.js";
import type { RankWalkForwardConfig } from "../evaluation/rank-walk-forward.js";
import { startRankWalkForward } from "../evaluation/rank-walk-forward-thread.js";
import { rankIcGate, rankingVariesGate } from "../evaluation/ranking-gates.js";
import { rankingInputs, rankingCsv } from "../evaluation/ranking-inputs.js";
import {
  excessReturnPerScore,
  memberProbabilityFit,
  summarizeRanking,
} from "../evaluation/ranking-summary.js";
import { championRecipe, recipeHash, zooRecipes } from "../model/recipe.js";
import type { StageDefinition } from "../stage-runner.js";
import { readCandidate } from "./train.js";
import { paths } from "../../core/artifact-layout.js";

const EVALUATION_FILES = [
  "metrics.json",
  "predictions.csv",
  "backtest.csv",
  "calibration.json",
  "ranking.csv",
];
/** the recipe was chosen on the folds before this date; the folds from it on never chose it */
export const RECIPE_SELECTION_CUT = "2020-01-01";
/** conformal scores carried into forecasting: the most recent ones */
const CONFORMAL_MEMORY = 2000;
const VOL_INDEX = FEATURE_NAMES.indexOf("vol_20");

function scopeRows(
  data: LabelledRows,
  result: WalkForwardResult,
  keep: (symbol: number) => boolean,
): ScopeRows {
  const picked = Array.from(result.test.symbolIndex.keys()).filter((i) =>
    keep(result.test.symbolIndex[i]!),
  );
  picked.sort((a, b) =>
    result.test.dates[a]! < result.test.dates[b]!
      ? -1
      : result.test.dates[a]! > result.test.dates[b]!
        ? 1
        : a - b,
  );
  const k = data.featureCount;
  return {
    dates: picked.map((i) => result.test.dates[i]!),
    ret: Float64Array.from(picked, (i) => result.test.ret[i]!),
    up: Uint8Array.from(picked, (i) => result.test.up[i]!),
    volatility: Float64Array.from(picked, (i) => data.x[result.rowIndex[i]! * k + VOL_INDEX]!),
    forecasts: Object.fromEntries(
      MODEL_NAMES.map((m) => {
        const f = result.forecasts[m];
        return [
          m,
          {
            p: Float64Array.from(picked, (i) => f.p[i]!),
            ret: f.ret ? Float64Array.from(picked, (i) => f.ret![i]!) : null,
          },
        ];
      }),
    ) as ScopeRows["forecasts"],
  };
}

/**
 * The card's calibration, as the report measures the published index probability: Platt on the
 * index's walk-forward forecasts, shrunk toward the up-rate of every labelled index row (the
 * champion's training rows) by the weight fitted on the walk-forward's calibrated forecasts.
 */
function publishedCalibration(
  rows: LabelledRows,
  indexSymbol: number,
  index: ScopeRows,
  published: { shrinkWeight: number } | null,
): ModelCard["calibration"] {
  const scaling = fitPlatt(index.forecasts.mlp.p, index.up);
  let ups = 0;
  let n = 0;
  for (let r = 0; r < rows.n; r++) {
    if (rows.symbolIndex[r] !== indexSymbol) continue;
    ups += rows.up[r]!;
    n++;
  }
  if (!published || n === 0) return scaling;
  return { ...scaling, toward: ups / n, weight: published.shrinkWeight };
}

function predictionsCsv(
  data: LabelledRows,
  result: WalkForwardResult,
  all: ScopeRows,
  order: number[],
): string {
  const c80 = conformalIntervals(all, 0.8, all.forecasts.mlp.ret!);
  const c95 = conformalIntervals(all, 0.95, all.forecasts.mlp.ret!);
  const header = [
    "date",
    "symbol",
    "fold",
    "actual_return",
    "actual_up",
    ...MODEL_NAMES.flatMap((m) => [
      `${m}_p_up`,
      ...(result.forecasts[m].ret ? [`${m}_return`] : []),
    ]),
    "mlp_lower80",
    "mlp_upper80",
    "mlp_lower95",
    "mlp_upper95",
  ];
  const lines = [header.join(",")];
  order.forEach((i, j) => {
    const cells: (string | number)[] = [
      result.test.dates[i]!,
      data.symbols[result.test.symbolIndex[i]!]!,
      result.fold[i]!,
      result.test.ret[i]!,
      result.test.up[i]!,
    ];
    for (const m of MODEL_NAMES) {
      cells.push(result.forecasts[m].p[i]!);
      if (result.forecasts[m].ret) cells.push(result.forecasts[m].ret![i]!);
    }
    cells.push(c80.lower[j]!, c80.upper[j]!, c95.lower[j]!, c95.upper[j]!);
    lines.push(cells.join(","));
  });
  return lines.join("\n") + "\n";
}

function backtestCsv(index: ScopeRows): string {
  const runs = backtests(index);
  const header = [
    "date",
    ...runs.flatMap((r) => [`mlp_long_flat_${r.costBps}bps`, `buy_and_hold_${r.costBps}bps`]),
  ];
  const lines = [header.join(",")];
  index.dates.forEach((d, t) => {
    lines.push(
      [d, ...runs.flatMap((r) => [r.strategy.equity[t]!, r.buyAndHold.equity[t]!])].join(","),
    );
  });
  return lines.join("\n") + "\n";
}

function rankConfig(config: WalkForwardConfig): RankWalkForwardConfig {
  return {
    refitEvery: config.refitEvery,
    embargoDays: config.embargoDays,
    firstTestDate: config.firstTestDate,
    seed: config.seed,
  };
}

/** The ranking figures the promotion policy compares, kept on the card. */
function rankerCardMetrics(ranking: EvaluationMetrics["ranking"] & object): Record<string, number> {
  const m = ranking.models.find((x) => x.model === ranking.recipe);
  const out: Record<string, number> = { varyingDayShare: ranking.varyingDayShare };
  const put = (key: string, value: number | null | undefined) => {
    if (typeof value === "number") out[key] = value;
  };
  put("rankIc", m?.whole.mean);
  put("rankIcT", m?.whole.t);
  put("rankIcHoldout", m?.holdout.mean);
  return out;
}

export function walkForwardConfig(config: Parameters<typeof trainOptions>[0]): WalkForwardConfig {
  return {
    refitEvery: config.WALK_FORWARD_REFIT_EVERY,
    embargoDays: config.WALK_FORWARD_EMBARGO_DAYS,
    firstTestDate: config.WALK_FORWARD_FIRST_TEST_DATE,
    seed: config.MODEL_SEED,
    train: trainOptions(config),
  };
}

/**
 * The shuffled-labels and random-walk gates' own budget: small data (the last two folds, the
 * index and a few members), so a small batch gives enough steps. The canary does not use it:
 * it must show that the production recipe itself would learn a leak (canaryConfig).
 */
function gateConfig(config: WalkForwardConfig): WalkForwardConfig {
  return {
    ...config,
    lastFolds: 2,
    networkOnly: true,
    train: { ...config.train, batchSize: 256, learningRate: 0.002, maxEpochs: 10, patience: 2 },
  };
}

/** The canary's run: the production training options on every row, the last two folds. */
function canaryConfig(config: WalkForwardConfig): WalkForwardConfig {
  return { ...config, lastFolds: 2, networkOnly: true };
}

/** The quick runs of the gates: the index and a few members. */
function gateSubset(data: LabelledRows, indexSymbol: number): LabelledRows {
  const members = data.symbols
    .map((_, i) => i)
    .filter((i) => i !== indexSymbol)
    .slice(0, 4);
  const keep = new Set([indexSymbol, ...members]);
  return selectRows(data, (r) => keep.has(data.symbolIndex[r]!));
}

const STAGE_ENTRY = "pipeline/stages/evaluate.ts";

export const evaluateStage: StageDefinition = {
  name: "evaluate",
  cacheable: true,
  entry: STAGE_ENTRY,
  async inputHash(ctx) {
    return combineHashes({
      candidate: await hashFiles([paths.candidate(ctx.artifactsDir)]),
      features: await hashFiles([
        paths.featureTable(ctx.workDir),
        paths.featureManifest(ctx.workDir),
      ]),
      config: modelConfigHash(ctx.config),
    });
  },
  async outputHash(ctx) {
    const { version } = await readCandidate(ctx.artifactsDir);
    return hashFiles(
      EVALUATION_FILES.map((f) => join(paths.evaluationDir(ctx.artifactsDir, version), f)),
    );
  },
  async run(ctx, progress) {
    await initBackend();
    const { version } = await readCandidate(ctx.artifactsDir);
    const inputs = await loadModelInputs(ctx.workDir);
    const everyRow = inputs.dataset.labelled;
    // the rows before the current cadence period: a later run in the period reuses the result
    const cut = evaluationCut(
      everyRow.dates.reduce((a, b) => (b > a ? b : a), ""),
      ctx.config.EVALUATION_CADENCE_DAYS,
    );
    const data = selectRows(everyRow, (r) => everyRow.dates[r]! < cut);
    const indexSymbol = data.symbols.indexOf(ctx.config.INDEX_SYMBOL);
    if (indexSymbol < 0)
      throw new Error(
        `the index ${ctx.config.INDEX_SYMBOL} has no feature rows; run the data stages on it`,
      );
    const members = new Set(
      ctx.universe.filter((s) => !s.isIndex && s.currentMember).map((s) => s.symbol),
    );
    const config = walkForwardConfig(ctx.config);
    const key = combineHashes({
      code: await codeHash(STAGE_ENTRY),
      config: modelConfigHash(ctx.config),
      significance: String(ctx.config.PROMOTION_SIGNIFICANCE),
      members: [...members].sort().join(","),
      rows: rowsHash(data),
    });
    const dir = paths.evaluationDir(ctx.artifactsDir, version);
    const record = await findRecord(ctx.artifactsDir, key, (v) =>
      paths.evaluationDir(ctx.artifactsDir, v),
    );
    if (record && record.version !== version) {
      await copyEvaluation(
        record,
        paths.evaluationDir(ctx.artifactsDir, record.version),
        dir,
        version,
      );
      const card = await readCard(ctx.artifactsDir, version);
      await updateCard(ctx.artifactsDir, applyUpdate(card, record.update));
      const failed = record.update.gates.filter((g) => !g.passed);
      return {
        message: `version ${version}: the walk-forward of version ${record.version} reused (same recipe, code and rows before ${cut}; it reruns when they change, and from the next ${ctx.config.EVALUATION_CADENCE_DAYS}-day period); ${failed.length > 0 ? `${failed.length} gate(s) FAILED` : `all ${record.update.gates.length} gates passed`}`,
        details: { version, reusedFrom: record.version },
        ...(failed.length > 0
          ? {
              alarm: `GATE FAILED, version ${version} will not be promoted: ${failed.map((g) => `${g.name}: ${g.detail}`).join("; ")}`,
            }
          : {}),
      };
    }

    const candidate = await readCard(ctx.artifactsDir, version);
    const recipe = championRecipe();
    if (candidate.ranker && candidate.ranker.recipeHash !== recipeHash(recipe)) {
      throw new Error(
        `version ${version}'s ranker recipe is not pipeline/recipes/champion.json's: rerun the train stage`,
      );
    }
    // the ranking trains on the second core while the absolute models train on this one
    const rankRun = candidate.ranker
      ? startRankWalkForward(
          {
            workDir: ctx.workDir,
            indexSymbol: ctx.config.INDEX_SYMBOL,
            recipes: [recipe],
            config: rankConfig(config),
            before: cut,
          },
          data,
        )
      : null;
    rankRun?.catch(() => undefined); // awaited below; an early failure must not go unhandled

    let started = false;
    const result = await runWalkForward(data, config, (fold, total) => {
      if (!started) progress.start(total + 4);
      started = true;
      progress.tick(`fold ${fold.index + 1} ${fold.firstTestDate}..${fold.lastTestDate}`);
    });
    if (result.folds.length === 0)
      throw new Error(`no walk-forward folds: no test days after ${config.firstTestDate}`);

    const index = scopeRows(data, result, (s) => s === indexSymbol);
    const constituents = scopeRows(data, result, (s) => members.has(data.symbols[s]!));
    const all = scopeRows(data, result, () => true);
    const scopes: EvaluationMetrics["scopes"] = {
      index: summarizeScope(index, true),
      constituents: summarizeScope(constituents, false),
    };

    const indexTest = Array.from(result.test.symbolIndex.keys()).filter(
      (i) => result.test.symbolIndex[i] === indexSymbol,
    );
    const published = calibratedIndex(
      indexTest.map((i) => result.forecasts.mlp.p[i]!),
      indexTest.map((i) => result.test.up[i]!),
      indexTest.map((i) => result.fold[i]!),
      indexTest.map((i) => result.forecasts["always-up"].p[i]!),
    );

    // the gates train on this core while the ranking walk-forward may still run on the others
    const quick = gateConfig(config);
    const subset = gateSubset(data, indexSymbol);
    const subsetIndex = subset.symbols.indexOf(ctx.config.INDEX_SYMBOL);
    const gates: LeakageGate[] = [tooGoodGate(scopes)];
    gates.push(await shuffledLabelsGate(subset, quick, subsetIndex));
    progress.tick("gate shuffled-labels");
    gates.push(await randomWalkGate(quick));
    progress.tick("gate random-walk");
    gates.push(await canaryGate(data, canaryConfig(config), indexSymbol));
    progress.tick("gate canary");

    const rank = rankRun ? await rankRun : null;
    progress.tick(rank ? `ranking walk-forward (${recipe.name})` : "no ranker to evaluate");
    const rankInputs = rank
      ? rankingInputs(data, inputs, result, rank, indexSymbol, {
          recipe: recipe.name,
          recipeHash: recipeHash(recipe),
          recipesTried: zooRecipes().length,
          selectionCut: RECIPE_SELECTION_CUT,
        })
      : null;
    const ranking = rankInputs ? summarizeRanking(rankInputs) : undefined;

    if (ranking) {
      gates.push(rankingVariesGate(ranking));
      gates.push(rankIcGate(ranking, ctx.config.PROMOTION_SIGNIFICANCE));
    }

    const metrics: EvaluationMetrics = {
      schemaVersion: 1,
      version,
      createdAt: new Date().toISOString(),
      folds: result.folds.length,
      refitEvery: config.refitEvery,
      embargoDays: config.embargoDays,
      firstTestDate: result.folds[0]!.firstTestDate,
      lastTestDate: result.folds.at(-1)!.lastTestDate,
      scopes,
      gates,
      evaluatedBefore: cut,
      calibratedIndex: published,
      ...(ranking ? { ranking } : {}),
    };
    const order = Array.from(result.test.symbolIndex.keys()).sort((a, b) =>
      result.test.dates[a]! < result.test.dates[b]!
        ? -1
        : result.test.dates[a]! > result.test.dates[b]!
          ? 1
          : a - b,
    );
    await writeFileAtomic(join(dir, "predictions.csv"), predictionsCsv(data, result, all, order));
    await writeFileAtomic(join(dir, "backtest.csv"), backtestCsv(index));
    await writeJsonAtomic(join(dir, "calibration.json"), {
      index: scopes.index!.reliability,
      constituents: scopes.constituents!.reliability,
    });
    await writeJsonAtomic(join(dir, "folds.json"), result.folds);
    await writeFileAtomic(join(dir, "ranking.csv"), rankInputs ? rankingCsv(data, rankInputs) : "");
    await writeJsonAtomic(join(dir, "metrics.json"), metrics);

    // what forecasting carries over: calibration and conformal state from out-of-sample residuals
    const mlpIndex = scopes.index!.models.find((m) => m.model === "mlp")!;
    const card = await readCard(ctx.artifactsDir, version);
    const alphas: Record<string, number> = {};
    let scores: ArrayLike<number> = [];
    for (const level of [0.8, 0.9, 0.95]) {
      const run = conformalIntervals(all, level, all.forecasts.mlp.ret!);
      alphas[String(level)] = run.finalAlpha;
      scores = run.scores;
    }
    const update: CardUpdate = {
      calibration: publishedCalibration(everyRow, indexSymbol, index, published),
      conformal: { scores: Array.from(scores).slice(-CONFORMAL_MEMORY), alphas },
      metrics: {
        accuracy: mlpIndex.accuracy,
        balancedAccuracy: mlpIndex.balancedAccuracy,
        brierSkill: mlpIndex.brierSkill,
        logLossSkill: mlpIndex.logLossSkill,
        pesaranTimmermannP: mlpIndex.pesaranTimmermann.pValue,
        alwaysUpBetterP: mlpIndex.dieboldMariano["always-up"]!.pValueWorse,
        testDays: scopes.index!.n,
        ...(published ? { calibratedBrierSkill: published.brierSkill } : {}),
        ...(ranking ? rankerCardMetrics(ranking) : {}),
      },
      gates,
      rankerFits:
        rank && rankInputs
          ? {
              excessReturnPerScore: excessReturnPerScore(rank, rank.scores[recipe.name]!),
              memberProbability: memberProbabilityFit(rankInputs),
            }
          : null,
    };
    await updateCard(ctx.artifactsDir, applyUpdate(card, update));
    await writeRecord(ctx.artifactsDir, {
      key,
      version,
      evaluatedBefore: cut,
      files: [...EVALUATION_FILES, "folds.json"],
      update,
    });

    const failed = gates.filter((g) => !g.passed);
    const alarm =
      failed.length > 0
        ? `LEAKAGE GATE FAILED, version ${version} will not be promoted: ${failed.map((g) => `${g.name}: ${g.detail}`).join("; ")}`
        : undefined;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const rankModel = ranking?.models.find((m) => m.model === recipe.name);
    return {
      message: `version ${version}: ${result.folds.length} folds, ${scopes.index!.n} index test days ${metrics.firstTestDate}..${metrics.lastTestDate}; index accuracy ${pct(mlpIndex.accuracy)} (up-rate ${pct(scopes.index!.upRate)}), Brier skill ${mlpIndex.brierSkill.toFixed(4)}, PT p ${mlpIndex.pesaranTimmermann.pValue.toFixed(3)}; ${rankModel ? `members' daily rank IC ${rankModel.whole.mean?.toFixed(4)} (t ${rankModel.whole.t?.toFixed(1)}; from ${RECIPE_SELECTION_CUT} ${rankModel.holdout.mean?.toFixed(4)})` : "no members' ranking"}; ${alarm ? `${failed.length} of ${gates.length} leakage gates FAILED` : `all ${gates.length} leakage gates passed`}`,
      details: { version, folds: result.folds.length, indexDays: scopes.index!.n },
      ...(alarm ? { alarm } : {}),
    };
  },
};
