/**
 * The members' ranking in the report: the champion recipe beside the ranking baselines on the
 * same walk-forward days (rank IC over the whole period, the days that chose the recipe, and
 * the days from the selection cut that never did), the paired tests, quintile returns, the
 * top-k backtests at the next open and close to close, and a plain verdict.
 */
import type { EvaluationMetrics, RankingMetrics } from "../../core/contracts.js";
import { fixed, markdownTable, pValue, percent, type Column } from "./format.js";

const right = (header: string): Column => ({ header, align: "right" });
/** the cost per side the verdict reads the backtest at */
const VERDICT_COST = 10;

function icTable(ranking: RankingMetrics): string {
  const cut = ranking.selectionCut;
  const columns: Column[] = [
    { header: "Model" },
    ...[
      "Days",
      "Rank IC",
      "ICIR",
      "t",
      "p (IC > 0)",
      `IC before ${cut}`,
      `IC from ${cut}`,
      `t from ${cut}`,
      "Top-5 minus bottom-5 a day",
    ].map(right),
  ];
  const rows = ranking.models.map((m) => [
    m.model === ranking.recipe ? `${m.model} (champion recipe)` : m.model,
    String(m.whole.days),
    fixed(m.whole.mean, 4),
    fixed(m.whole.icir, 3),
    fixed(m.whole.t, 1),
    pValue(m.whole.pValue),
    fixed(m.selection.mean, 4),
    fixed(m.holdout.mean, 4),
    fixed(m.holdout.t, 1),
    percent(m.spreadMean, 3),
  ]);
  return markdownTable(columns, rows);
}

function comparisonTable(ranking: RankingMetrics): string {
  const columns: Column[] = [
    { header: "Against" },
    ...[
      "Mean daily IC difference",
      "t",
      "p (champion better)",
      `Difference from ${ranking.selectionCut}`,
      `p from ${ranking.selectionCut}`,
    ].map(right),
  ];
  const rows = ranking.comparisons.map((c) => [
    c.baseline,
    fixed(c.meanDifference, 4),
    fixed(c.t, 2),
    pValue(c.pValueBetter),
    fixed(c.holdout?.meanDifference ?? null, 4),
    pValue(c.holdout?.pValueBetter ?? null),
  ]);
  return markdownTable(columns, rows);
}

function quintileTable(ranking: RankingMetrics): string {
  const champion = ranking.models.find((m) => m.model === ranking.recipe)!;
  const columns: Column[] = [
    { header: "Quintile of score" },
    ...["Mean next-day log return", "Days"].map(right),
  ];
  const rows = champion.quantiles.map((q) => [
    q.quantile === 1
      ? "Q1 (lowest)"
      : q.quantile === champion.quantiles.length
        ? `Q${q.quantile} (highest)`
        : `Q${q.quantile}`,
    percent(q.meanReturn, 3),
    String(q.days),
  ]);
  return markdownTable(columns, rows);
}

function backtestTable(ranking: RankingMetrics): string {
  const columns: Column[] = [
    { header: "Timing" },
    ...[
      "Cost (bps/side)",
      "Top-k annual",
      "Equal-weighted members",
      "SENSEX",
      "Sharpe",
      "Max drawdown",
      "Turnover/yr",
      "Top-k minus bottom-k annual",
    ].map(right),
  ];
  const rows = ranking.backtest.map((b) => [
    b.tradable ? "next open (tradable)" : "close to close (not tradable)",
    fixed(b.costBps, 0),
    percent(b.annualReturn, 1),
    percent(b.benchmarkAnnualReturn, 1),
    percent(b.indexAnnualReturn, 1),
    fixed(b.sharpe, 2),
    percent(b.maxDrawdown, 1),
    fixed(b.turnoverPerYear, 0),
    percent(b.spreadAnnualReturn, 1),
  ]);
  return markdownTable(columns, rows);
}

export function rankingVerdict(ranking: RankingMetrics): string[] {
  const champion = ranking.models.find((m) => m.model === ranking.recipe)!;
  const lines: string[] = [];
  const significant = (champion.whole.pValue ?? 1) < 0.05 && (champion.whole.mean ?? 0) > 0;
  lines.push(
    `- Members' ranking: the ${ranking.recipe} recipe's daily rank IC is ${fixed(champion.whole.mean, 4)} ` +
      `(t ${fixed(champion.whole.t, 1)}), ${significant ? "significantly above zero" : "not significantly above zero"}; ` +
      `${fixed(champion.holdout.mean, 4)} on the days from ${ranking.selectionCut}, which the recipe choice (${ranking.recipesTried} recipes tried) never saw.`,
  );
  for (const c of ranking.comparisons) {
    // judged on the days the recipe choice never saw: the earlier days chose it
    const test = c.holdout ?? c;
    const better = (test.pValueBetter ?? 1) < 0.05;
    const worse = (test.pValueBetter ?? 0) > 0.95;
    lines.push(
      `  - Against ${c.baseline}, on the days from ${ranking.selectionCut}: ${better ? "significantly better" : worse ? "significantly worse" : "not significantly different"} (mean daily IC difference ${fixed(test.meanDifference, 4)}, p ${pValue(test.pValueBetter)}).`,
    );
  }
  const tradable = ranking.backtest.find((b) => b.tradable && b.costBps === VERDICT_COST);
  if (tradable) {
    const beats = (tradable.annualReturn ?? -1) > (tradable.benchmarkAnnualReturn ?? 0);
    lines.push(
      `  - Entering at the next open after ${VERDICT_COST} bp per side, the top-${tradable.k} portfolio (at most ${tradable.nDrop} swaps a day) makes ${percent(tradable.annualReturn, 1)} a year against ${percent(tradable.benchmarkAnnualReturn, 1)} for the equal-weighted members and ${percent(tradable.indexAnnualReturn, 1)} for the SENSEX: it ${beats ? "beats" : "does not beat"} the members after costs; the top-minus-bottom spread makes ${percent(tradable.spreadAnnualReturn, 1)} a year.`,
    );
  }
  return lines;
}

export function rankingSection(ranking: RankingMetrics): string[] {
  const blocks = [
    "### Members, ranked against each other",
    `${ranking.members} members; scores from the ${ranking.recipe} recipe, refitted before every fold, beside the ranking baselines on the same days. Rank IC: the Spearman correlation, each day, of the scores and the members' next-day returns.`,
    icTable(ranking),
    "The champion recipe against each baseline, paired by day:",
    comparisonTable(ranking),
    `Mean next-day return by quintile of the ${ranking.recipe} score (Q5 the members it ranks highest):`,
    quintileTable(ranking),
    "Top-5 of the members (TopkDropout: hold 5, swap at most 2 a day), equal weights, daily; the tradable version buys at the next session's open (forecasts are published after the close):",
    backtestTable(ranking),
  ];
  const mp = ranking.memberProbability;
  if (mp) {
    blocks.push(
      `Members' probability of a rise (the market forecast and the relative score combined, fitted on earlier folds only): ${mp.n} forecasts, Brier skill ${percent(mp.brierSkill, 2)} against the earlier folds' up-rate, ECE ${percent(mp.ece, 2)}.`,
    );
  }
  return blocks;
}

type CalibratedIndex = NonNullable<EvaluationMetrics["calibratedIndex"]>;

export function calibratedIndexLine(c: CalibratedIndex): string {
  const shrink =
    c.shrinkWeight === undefined || c.plattBrierSkill === undefined
      ? ""
      : ` Before the shrink toward the base rate, Platt alone: Brier skill ${percent(c.plattBrierSkill, 2)}. ` +
        `The shrink weight fitted on all these days, which the published forecast uses: ${fixed(c.shrinkWeight, 2)} ` +
        `(0 publishes the training up-rate itself, 1 the calibrated probability unchanged).`;
  return (
    `### The index's probability as published

` +
    `The network's walk-forward probability for the SENSEX through Platt scaling fitted on the earlier folds only, then shrunk toward the fold's training up-rate by a weight fitted on the earlier folds' calibrated forecasts (as the published forecast is calibrated): ` +
    `${c.n} test days, Brier skill ${percent(c.brierSkill, 2)} against always-up (the training up-rate), ` +
    `Diebold-Mariano p(always-up better) ${pValue(c.alwaysUpBetterP)}, mean distance from 50% ${percent(c.meanDistanceFromHalf, 2)}.` +
    shrink
  );
}

export function calibratedIndexVerdict(c: CalibratedIndex): string {
  const beats = c.brierSkill > 0;
  return (
    `- Index as published (calibrated on earlier folds): Brier skill ${percent(c.brierSkill, 2)}; it ${beats ? "edges" : "does not beat"} the base rate` +
    `${(c.alwaysUpBetterP ?? 1) < 0.05 ? ", and always-up is significantly better" : ", and the difference is not significant"}` +
    `; the forecast stays within ${percent(c.meanDistanceFromHalf, 1)} of 50% on average and says so.`
  );
}
