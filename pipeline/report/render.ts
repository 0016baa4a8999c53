/**
 * Pure rendering of the champion's evaluation as markdown, and the splice of that markdown into
 * the generated section of README.md.
 */
import type { EvaluationMetrics, ModelCard, ModelMetrics } from "../../core/contracts.js";
import { ArtifactError } from "../../core/store.js";
import { DASH, fixed, markdownTable, pValue, percent, type Column } from "./format.js";
import {
  calibratedIndexLine,
  calibratedIndexVerdict,
  rankingSection,
  rankingVerdict,
} from "./ranking.js";
import { NETWORK, networkOf, renderVerdict, scopeLabel } from "./verdict.js";

export const REPORT_START = "<!-- report:start -->";
export const REPORT_END = "<!-- report:end -->";

type Scope = EvaluationMetrics["scopes"][string];

const right = (header: string): Column => ({ header, align: "right" });

function headerLine(metrics: EvaluationMetrics, card: ModelCard): string {
  return [
    `Model ${card.name} v${card.version} (kind ${card.kind}, backend ${card.backend})`,
    `test period ${metrics.firstTestDate}..${metrics.lastTestDate}`,
    `${metrics.folds} folds`,
    `refit every ${metrics.refitEvery} trading days`,
    `embargo ${metrics.embargoDays} days`,
  ].join(" · ");
}

function modelTable(models: readonly ModelMetrics[]): string {
  const columns: Column[] = [
    { header: "Model" },
    ...[
      "n",
      "Accuracy",
      "Bal. acc.",
      "MCC",
      "Brier",
      "Brier skill",
      "Log-loss skill",
      "MAE",
      "RMSE",
      "OOS R²",
      "ECE",
      "PT p",
    ].map(right),
  ];
  const rows = models.map((m) => [
    m.model,
    String(m.n),
    percent(m.accuracy, 1),
    percent(m.balancedAccuracy, 1),
    fixed(m.mcc, 3),
    fixed(m.brier, 4),
    percent(m.brierSkill, 2),
    percent(m.logLossSkill, 2),
    percent(m.mae, 2),
    percent(m.rmse, 2),
    percent(m.r2OutOfSample, 2),
    percent(m.ece, 2),
    pValue(m.pesaranTimmermann.pValue),
  ]);
  return markdownTable(columns, rows);
}

function dieboldMarianoTable(mlp: ModelMetrics): string {
  const columns: Column[] = [
    { header: "Against" },
    { header: "Loss" },
    ...["HLN statistic", "p two-sided", "p(better)", "p(worse)"].map(right),
  ];
  const rows = Object.entries(mlp.dieboldMariano).map(([other, dm]) => [
    other,
    dm.loss,
    fixed(dm.statistic, 2),
    pValue(dm.pValue),
    pValue(dm.pValueBetter),
    pValue(dm.pValueWorse),
  ]);
  return markdownTable(columns, rows);
}

function coverageTable(coverage: Scope["coverage"]): string {
  const columns = ["Level", "Realised coverage", "Mean width"].map(right);
  const rows = coverage.map((c) => [
    percent(c.level, 0),
    percent(c.coverage, 1),
    percent(c.meanWidth, 2),
  ]);
  return markdownTable(columns, rows);
}

function backtestTable(backtest: Scope["backtest"]): string {
  const columns: Column[] = [
    { header: "Strategy" },
    ...[
      "Cost (bps)",
      "Total return",
      "Annual return",
      "Sharpe",
      "Max drawdown",
      "Turnover/yr",
      "Exposure",
    ].map(right),
  ];
  const rows = backtest.map((b) => [
    b.strategy,
    fixed(b.costBps, 0),
    percent(b.totalReturn, 1),
    percent(b.annualReturn, 2),
    fixed(b.sharpe, 2),
    percent(b.maxDrawdown, 1),
    fixed(b.turnoverPerYear, 1),
    percent(b.exposure, 1),
  ]);
  return markdownTable(columns, rows);
}

function scopeSection(scope: string, summary: Scope): string[] {
  const blocks = [
    `### ${scopeLabel(scope)}`,
    `${summary.n} test rows, ${percent(summary.upRate, 1)} of them up days.`,
    modelTable(summary.models),
  ];
  const mlp = networkOf(summary);
  if (mlp && Object.keys(mlp.dieboldMariano).length > 0) {
    blocks.push(
      `Diebold-Mariano (HLN) of ${NETWORK} against each other model; p(better) is the one-sided ` +
        `p-value that ${NETWORK} has the lower loss, p(worse) that the other model has:`,
      dieboldMarianoTable(mlp),
    );
  }
  blocks.push(
    summary.coverage.length > 0
      ? "Conformal intervals of the network's next-day log return:"
      : `Conformal intervals: ${DASH} (none in this scope).`,
  );
  if (summary.coverage.length > 0) blocks.push(coverageTable(summary.coverage));
  if (summary.backtest.length > 0) {
    blocks.push(
      "Backtest: long when the network says up, flat otherwise, cost per side of each trade:",
      backtestTable(summary.backtest),
    );
  } else {
    blocks.push(`Backtest: ${DASH} (not run for this scope).`);
  }
  return blocks;
}

function gatesTable(gates: EvaluationMetrics["gates"]): string {
  const rows = gates.map((g) => [g.name, g.passed ? "yes" : "**no**", g.detail]);
  return markdownTable([{ header: "Gate" }, { header: "Passed" }, { header: "Detail" }], rows);
}

/** The whole report as markdown: header line, one section per scope, gates, verdict. */
export function renderReport(metrics: EvaluationMetrics, card: ModelCard): string {
  if (metrics.version !== card.version) {
    throw new ArtifactError(
      `evaluation metrics are for version ${metrics.version} but the card is version ${card.version}`,
    );
  }
  const blocks = [headerLine(metrics, card)];
  for (const [scope, summary] of Object.entries(metrics.scopes)) {
    blocks.push(...scopeSection(scope, summary));
  }
  if (metrics.calibratedIndex) blocks.push(calibratedIndexLine(metrics.calibratedIndex));
  if (metrics.ranking) blocks.push(...rankingSection(metrics.ranking));
  blocks.push("### Leakage gates");
  blocks.push(metrics.gates.length > 0 ? gatesTable(metrics.gates) : `No gates recorded ${DASH}.`);
  blocks.push(
    "### Verdict",
    [
      ...renderVerdict(metrics),
      ...(metrics.calibratedIndex ? [calibratedIndexVerdict(metrics.calibratedIndex)] : []),
      ...(metrics.ranking ? rankingVerdict(metrics.ranking) : []),
    ].join("\n"),
  );
  return blocks.join("\n\n") + "\n";
}

/** The report as it goes into README.md: with where it came from and when. */
export function renderReadmeSection(report: string, metricsPath: string, date: string): string {
  return (
    `Generated by \`npm run report\` from ${metricsPath} on ${date}.\n\n` + report.trimEnd() + "\n"
  );
}

function markerIndex(readme: string, marker: string): number {
  const first = readme.indexOf(marker);
  if (first === -1 || readme.indexOf(marker, first + marker.length) !== -1) {
    throw new ArtifactError(
      `README must contain ${marker} exactly once (${first === -1 ? "missing" : "repeated"}); ` +
        `put ${REPORT_START} and ${REPORT_END} on their own lines where the results go`,
    );
  }
  return first;
}

/** Replaces the text between the markers (and nothing else) with the section. */
export function replaceGeneratedSection(readme: string, section: string): string {
  const start = markerIndex(readme, REPORT_START);
  const end = markerIndex(readme, REPORT_END);
  if (end < start) throw new ArtifactError(`README has ${REPORT_END} before ${REPORT_START}`);
  const before = readme.slice(0, start + REPORT_START.length);
  const after = readme.slice(end);
  return `${before}\n\n${section.trim()}\n\n${after}`;
}
