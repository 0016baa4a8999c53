/**
 * Plain HTML tables for the pages: one generic builder (a caption, columns, rows) that wraps
 * the table in a box that scrolls sideways on its own, so the page never does; and the
 * column sets of the model, backtest, run and quality tables.
 */
import { html } from "htl";
import { ptSentence } from "./analytics.js";
import {
  formatCount,
  formatDate,
  formatDuration,
  formatNumber,
  formatPercent,
  formatProbability,
  formatPValue,
  formatTimestamp,
} from "./format.js";
import type { FreshnessRow } from "./rows.js";
import type { EvaluationMetrics, PipelineData, RunReport } from "./types.js";

export interface Column<R> {
  label: string;
  value: (row: R) => string | Node;
  numeric?: boolean;
}

export function table<R>(caption: string, columns: Column<R>[], rows: readonly R[]): HTMLElement {
  return html`<div class="scroll-x" role="region" aria-label=${caption} tabindex="0">
    <table class="data-table">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${columns.map((c) => html`<td class=${c.numeric ? "num" : ""}>${c.value(r)}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A definition list of label-value pairs. */
export function keyValues(entries: [string, string | Node][], label: string): HTMLElement {
  return html`<dl class="kv" aria-label=${label}>
    ${entries.flatMap(([k, v]) => [html`<dt>${k}</dt>`, html`<dd>${v}</dd>`])}
  </dl>`;
}

type Scope = EvaluationMetrics["scopes"][string];
type ModelRow = Scope["models"][number];

const opt = (x: number | null, f: (x: number) => string) => (x === null ? "n/a" : f(x));

export function metricsTable(scope: Scope, scopeLabel: string): HTMLElement {
  const columns: Column<ModelRow>[] = [
    { label: "model", value: (m) => m.model },
    { label: "accuracy", value: (m) => formatProbability(m.accuracy), numeric: true },
    { label: "balanced acc.", value: (m) => formatProbability(m.balancedAccuracy), numeric: true },
    { label: "MCC", value: (m) => formatNumber(m.mcc), numeric: true },
    { label: "Brier", value: (m) => formatNumber(m.brier, 4), numeric: true },
    { label: "Brier skill", value: (m) => formatPercent(m.brierSkill, 2, true), numeric: true },
    {
      label: "log-loss skill",
      value: (m) => formatPercent(m.logLossSkill, 2, true),
      numeric: true,
    },
    { label: "MAE", value: (m) => opt(m.mae, (x) => formatPercent(x, 3)), numeric: true },
    { label: "RMSE", value: (m) => opt(m.rmse, (x) => formatPercent(x, 3)), numeric: true },
    {
      label: "R² (OOS)",
      value: (m) => opt(m.r2OutOfSample, (x) => formatNumber(x, 4)),
      numeric: true,
    },
    { label: "ECE", value: (m) => formatNumber(m.ece, 4), numeric: true },
    { label: "PT p-value", value: (m) => formatPValue(m.pesaranTimmermann.pValue), numeric: true },
  ];
  return table(
    `Walk-forward results on the ${scopeLabel}: ${formatCount(scope.n)} test days, up on ${formatProbability(scope.upRate)} of them`,
    columns,
    scope.models,
  );
}

export function backtestTable(scope: Scope, scopeLabel: string): HTMLElement {
  return table(
    `Backtest on the ${scopeLabel} after costs (per side)`,
    [
      { label: "strategy", value: (b) => b.strategy },
      { label: "cost", value: (b) => `${b.costBps} bp`, numeric: true },
      { label: "total return", value: (b) => formatPercent(b.totalReturn, 1, true), numeric: true },
      { label: "a year", value: (b) => formatPercent(b.annualReturn, 1, true), numeric: true },
      { label: "Sharpe", value: (b) => opt(b.sharpe, (x) => formatNumber(x, 2)), numeric: true },
      { label: "max drawdown", value: (b) => formatPercent(-b.maxDrawdown, 1), numeric: true },
      { label: "turnover / year", value: (b) => formatNumber(b.turnoverPerYear, 1), numeric: true },
      { label: "time invested", value: (b) => formatPercent(b.exposure, 0), numeric: true },
    ],
    scope.backtest,
  );
}

/** Each model's Pesaran-Timmermann p-value with what it says. */
export function ptList(scope: Scope): HTMLElement {
  return html`<ul class="sentences">
    ${scope.models
      .filter((m) => m.pesaranTimmermann.statistic !== null)
      .map((m) => html`<li>${ptSentence(m.model, m.pesaranTimmermann.pValue)}</li>`)}
  </ul>`;
}

export function runsTable(runs: readonly RunReport[]): HTMLElement {
  return table(
    "Latest pipeline runs, newest first",
    [
      { label: "started", value: (r) => formatTimestamp(r.startedAt) },
      { label: "command", value: (r) => r.command },
      {
        label: "status",
        value: (r) => html`<span class=${r.status === "failed" ? "down" : ""}>${r.status}</span>`,
      },
      {
        label: "time",
        value: (r) => formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)),
        numeric: true,
      },
      {
        label: "ran",
        value: (r) => String(r.stages.filter((s) => s.status === "ran").length),
        numeric: true,
      },
      {
        label: "cache hits",
        value: (r) => String(r.stages.filter((s) => s.status === "skipped").length),
        numeric: true,
      },
      { label: "error", value: (r) => r.error ?? "" },
    ],
    runs,
  );
}

export function qualityTable(quality: PipelineData["quality"]): HTMLElement {
  return table(
    "Data quality per symbol: rows read, kept and quarantined by validation",
    [
      { label: "symbol", value: (q) => q.symbol },
      { label: "rows read", value: (q) => formatCount(q.rowsRead), numeric: true },
      { label: "kept", value: (q) => formatCount(q.rowsKept), numeric: true },
      { label: "quarantined", value: (q) => formatCount(q.quarantined), numeric: true },
      {
        label: "why",
        value: (q) =>
          Object.entries(q.byReason)
            .map(([reason, n]) => `${reason} ${formatCount(n)}`)
            .join(", ") || "–",
      },
      { label: "jumps flagged", value: (q) => formatCount(q.jumps), numeric: true },
      { label: "from", value: (q) => formatDate(q.firstDate) },
      { label: "to", value: (q) => formatDate(q.lastDate) },
    ],
    quality,
  );
}

export function freshnessTable(rows: readonly FreshnessRow[]): HTMLElement {
  return table(
    "Data freshness per symbol",
    [
      { label: "symbol", value: (r) => r.symbol },
      { label: "last day", value: (r) => formatDate(r.lastDate) },
      {
        label: "behind the index",
        value: (r) =>
          r.behindIndex === null
            ? "–"
            : r.behindIndex === 0
              ? "up to date"
              : html`<span class="down">${formatCount(r.behindIndex)} days</span>`,
      },
      {
        label: "age at build",
        value: (r) => (r.ageDays === null ? "–" : `${formatCount(r.ageDays)} days`),
        numeric: true,
      },
      { label: "rows", value: (r) => formatCount(r.rowsKept), numeric: true },
    ],
    rows,
  );
}
