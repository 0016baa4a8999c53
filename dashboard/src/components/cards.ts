/**
 * The forecast card and the small blocks around it, as plain functions returning elements.
 * Every number the tests compare carries data-field (its name) and data-value (the raw value).
 */
import { html } from "htl";
import { forecastMoves, type freshness } from "./analytics.js";
import {
  formatDate,
  formatPercent,
  formatPoints,
  formatProbability,
  formatSignedPoints,
  formatTimestamp,
} from "./format.js";
import type { SymbolForecast } from "./types.js";

type Freshness = ReturnType<typeof freshness>;

function field(name: string, value: unknown, text: string, className = ""): HTMLElement {
  return html`<span class=${className} data-field=${name} data-value=${String(value)}
    >${text}</span
  >`;
}

export function levelBadge(level: string): HTMLElement {
  return html`<span class="level">${level}</span>`;
}

export function directionText(direction: "up" | "down"): { arrow: string; word: string } {
  return direction === "up" ? { arrow: "▲", word: "Up" } : { arrow: "▼", word: "Down" };
}

/** The forecast of one symbol: direction, probability, expected move, intervals, levels, note. */
export function forecastCard(
  f: SymbolForecast,
  options: { modelVersion?: number; fresh?: Freshness; heading?: string } = {},
): HTMLElement {
  const m = forecastMoves(f);
  const d = directionText(f.direction);
  const range = (lo: ReturnType<typeof forecastMoves>["lower80"], hi: typeof lo) =>
    `${formatSignedPoints(lo.points)} to ${formatSignedPoints(hi.points)} points (${formatPercent(
      lo.fraction,
      2,
      true,
    )} to ${formatPercent(hi.fraction, 2, true)})`;
  const heading = options.heading ?? `${f.name}: next session, ${formatDate(f.targetDate)}`;
  return html`<section
    class="card forecast"
    aria-label=${`Forecast for ${f.name}`}
    data-symbol=${f.symbol}
  >
    <h2>${heading}</h2>
    <div class="headline">
      <span class=${`direction ${f.direction}`} data-field="direction" data-value=${f.direction}
        >${d.arrow} ${d.word}</span
      >
      <span
        ><span class="probability" data-field="probabilityUp" data-value=${String(f.probabilityUp)}
          >${formatProbability(f.probabilityUp)}</span
        >
        <span class="muted">chance of a rise</span></span
      >
    </div>
    <dl class="kv">
      <dt>Expected move</dt>
      <dd>
        ${field("expectedReturn", f.expectedReturn, `${formatSignedPoints(m.expected.points)} points`)}
        (${formatPercent(m.expected.fraction, 2, true)})
      </dd>
      <dt>Expected close</dt>
      <dd>${field("expectedClose", f.expectedClose, formatPoints(f.expectedClose))}</dd>
      <dt>80% range</dt>
      <dd
        data-field="interval80"
        data-lower=${String(f.interval80.lower)}
        data-upper=${String(f.interval80.upper)}
      >
        ${range(m.lower80, m.upper80)}
      </dd>
      <dt>95% range</dt>
      <dd
        data-field="interval95"
        data-lower=${String(f.interval95.lower)}
        data-upper=${String(f.interval95.upper)}
      >
        ${range(m.lower95, m.upper95)}
      </dd>
      <dt>Confidence</dt>
      <dd data-field="confidence" data-value=${f.confidence}>${levelBadge(f.confidence)}</dd>
      <dt>Risk</dt>
      <dd data-field="risk" data-value=${f.risk}>${levelBadge(f.risk)}</dd>
      <dt>Last close</dt>
      <dd>
        ${field("lastClose", f.lastClose, formatPoints(f.lastClose))} on
        ${field("dataEnd", f.dataEnd, formatDate(f.dataEnd))}
      </dd>
    </dl>
    <p data-field="note" data-value=${f.note}>${f.note}</p>
    <p class="muted small">
      ${
        options.modelVersion === undefined
          ? ""
          : html`Model version
            ${field("modelVersion", options.modelVersion, String(options.modelVersion))} · `
      }
      ${options.fresh ? html`<span data-field="freshness">${options.fresh.label}</span> · ` : ""}
      target session ${field("targetDate", f.targetDate, f.targetDate)} (weekends skipped; exchange
      holidays are not known)
    </p>
  </section>`;
}

/** The stale-data warning, or nothing when the data is fresh. */
export function staleWarning(fresh: Freshness, builtAt: string): HTMLElement | string {
  if (!fresh.stale) return "";
  return html`<div class="warning" role="alert" data-testid="stale-warning">
    <strong>Stale data:</strong> ${fresh.label}, ${fresh.ageDays.toLocaleString("en-IN")} days
    before this build (${formatTimestamp(builtAt)}). The forecast is for the session after that
    date, not for the next real session.
  </div>`;
}

/** A headline number with a label and an optional second line. */
export function stat(
  label: string,
  value: string,
  options: { sub?: HTMLElement | string; field?: string; raw?: unknown; className?: string } = {},
): HTMLElement {
  return html`<div class="card">
    <h2>${label}</h2>
    <div
      class=${`big-number ${options.className ?? ""}`}
      data-field=${options.field ?? ""}
      data-value=${options.raw === undefined ? "" : String(options.raw)}
    >
      ${value}
    </div>
    ${options.sub ?? ""}
  </div>`;
}

export function signClass(x: number): string {
  return x > 0 ? "up" : x < 0 ? "down" : "";
}
