/**
 * The sortable tables of the pages: which columns each shows and how it formats them.
 */
import { html } from "htl";
import {
  formatCount,
  formatDate,
  formatPercent,
  formatPoints,
  formatProbability,
} from "./format.js";
import type { ConstituentRow } from "./rows.js";
import { sortableTable, type SortColumn } from "./sortable-table.js";
import type { FeatureDefinition, LedgerRow, PipelineData } from "./types.js";

const signed = (x: number) => formatPercent(x, 2, true);
const directionCell = (d: "up" | "down") =>
  html`<span class=${d}>${d === "up" ? "▲ up" : "▼ down"}</span>`;

export function constituentsTable(rows: readonly ConstituentRow[]): HTMLElement {
  const columns: SortColumn<ConstituentRow>[] = [
    { label: "symbol", value: (r) => r.symbol.replace(/\.NS$/, ""), sortBy: (r) => r.symbol },
    { label: "name", value: (r) => r.name, sortBy: (r) => r.name },
    { label: "sector", value: (r) => r.sector, sortBy: (r) => r.sector },
    { label: "direction", value: (r) => directionCell(r.direction), sortBy: (r) => r.direction },
    {
      label: "P(rise)",
      value: (r) => formatProbability(r.probabilityUp),
      sortBy: (r) => r.probabilityUp,
      numeric: true,
    },
    {
      label: "expected",
      value: (r) => signed(r.expectedMove),
      sortBy: (r) => r.expectedMove,
      numeric: true,
    },
    { label: "80% low", value: (r) => signed(r.lower80), sortBy: (r) => r.lower80, numeric: true },
    { label: "80% high", value: (r) => signed(r.upper80), sortBy: (r) => r.upper80, numeric: true },
    {
      label: "last close",
      value: (r) => formatPoints(r.lastClose),
      sortBy: (r) => r.lastClose,
      numeric: true,
    },
    { label: "confidence", value: (r) => r.confidence, sortBy: (r) => r.confidence },
    { label: "risk", value: (r) => r.risk, sortBy: (r) => r.risk },
  ];
  return sortableTable("The members' forecasts for the next session", columns, rows, {
    column: 4,
    descending: true,
  });
}

export function sectorTable(
  sectors: { sector: string; count: number; meanP: number }[],
): HTMLElement {
  return sortableTable(
    "Mean probability of a rise by sector",
    [
      { label: "sector", value: (s) => s.sector, sortBy: (s) => s.sector },
      {
        label: "members",
        value: (s) => formatCount(s.count),
        sortBy: (s) => s.count,
        numeric: true,
      },
      {
        label: "mean P(rise)",
        value: (s) => formatProbability(s.meanP),
        sortBy: (s) => s.meanP,
        numeric: true,
      },
    ],
    sectors,
    { column: 2, descending: true },
  );
}

export function ledgerTable(rows: readonly LedgerRow[]): HTMLElement {
  const move = (x: number) => signed(Math.expm1(x));
  return sortableTable(
    "Published forecasts against what happened",
    [
      { label: "session", value: (r) => formatDate(r.targetDate), sortBy: (r) => r.targetDate },
      { label: "symbol", value: (r) => r.symbol, sortBy: (r) => r.symbol },
      { label: "direction", value: (r) => directionCell(r.direction), sortBy: (r) => r.direction },
      {
        label: "P(rise)",
        value: (r) => formatProbability(r.probabilityUp),
        sortBy: (r) => r.probabilityUp,
        numeric: true,
      },
      {
        label: "expected",
        value: (r) => move(r.expectedReturn),
        sortBy: (r) => r.expectedReturn,
        numeric: true,
      },
      {
        label: "80% range",
        value: (r) => `${move(r.lower80)} to ${move(r.upper80)}`,
        numeric: true,
      },
      {
        label: "actual",
        value: (r) => (r.realisedReturn === null ? "pending" : move(r.realisedReturn)),
        sortBy: (r) => r.realisedReturn,
        numeric: true,
      },
      {
        label: "right?",
        value: (r) => (r.hit === null ? "–" : r.hit ? "yes" : html`<span class="down">no</span>`),
        sortBy: (r) => (r.hit === null ? null : r.hit ? 1 : 0),
      },
      {
        label: "model",
        value: (r) => String(r.modelVersion),
        sortBy: (r) => r.modelVersion,
        numeric: true,
      },
    ],
    rows,
    { column: 0, descending: true },
  );
}

export function quarantineTable(rows: PipelineData["quarantined"]): HTMLElement {
  return sortableTable(
    "Quarantined rows and why (the newest of each symbol)",
    [
      { label: "symbol", value: (q) => q.symbol, sortBy: (q) => q.symbol },
      { label: "date", value: (q) => q.date, sortBy: (q) => q.date },
      { label: "reason", value: (q) => q.reason, sortBy: (q) => q.reason },
      { label: "detail", value: (q) => q.detail },
    ],
    rows,
    { column: 1, descending: true },
    // the page stays short; picking a symbol shows all of its rows
    40,
  );
}

export function registryTable(features: readonly FeatureDefinition[]): HTMLElement {
  return sortableTable(
    "The indicator registry",
    [
      { label: "name", value: (f) => f.name, sortBy: (f) => f.name },
      { label: "group", value: (f) => f.group, sortBy: (f) => f.group },
      { label: "description", value: (f) => f.description },
      { label: "formula", value: (f) => html`<code>${f.formula}</code>` },
      {
        label: "warm-up",
        value: (f) => String(f.warmupBars),
        sortBy: (f) => f.warmupBars,
        numeric: true,
      },
    ],
    features,
  );
}
