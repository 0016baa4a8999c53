/**
 * The "what if" form: a symbol's last bars as a CSV (from build-time data), an optional shock to
 * the last close, or an uploaded CSV, sent to POST /api/predict; the answer is shown as a
 * forecast card, a rejection as an error message, a missing API as a notice.
 */
import { html } from "htl";
import { barsToCsv, shockLastClose } from "./analytics.js";
import { forecastCard } from "./cards.js";
import { symbolLabel } from "./controls.js";
import { formatPercent, formatProbability } from "./format.js";
import { requestForecast, type PredictOutcome, type PredictRequest } from "./predict.js";
import type { SymbolForecast, SymbolRef, SymbolSeries } from "./types.js";

export interface WhatIfOptions {
  symbols: SymbolRef[];
  /** the published forecasts, to compare the answer with */
  published: SymbolForecast[];
  loadSeries: (slug: string) => Promise<SymbolSeries>;
  /** replaces the API call (tests) */
  request?: (r: PredictRequest) => Promise<PredictOutcome>;
}

export function outcomeView(outcome: PredictOutcome, published?: SymbolForecast): HTMLElement {
  if (outcome.kind === "absent") {
    return html`<div class="notice" data-testid="api-absent">
      <strong>The prediction API is not available here.</strong> This copy of the dashboard is
      static (built from the published data alone), so the form cannot run the model. Every other
      number on these pages works without it; run the server (<code>npm start</code>) to use the
      form. <span class="muted small">(${outcome.detail})</span>
    </div>`;
  }
  if (outcome.kind === "rejected") {
    return html`<div class="error-message" role="alert" data-testid="predict-error">
      <strong>The API could not forecast from these bars</strong> (${outcome.status},
      ${outcome.code}): ${outcome.message}
    </div>`;
  }
  const { answer } = outcome;
  const f = answer.forecast;
  const compare =
    published === undefined
      ? ""
      : html`<p class="muted">
          Published forecast for ${published.name}: ${formatProbability(published.probabilityUp)}
          chance of a rise, expected
          ${formatPercent(Math.expm1(published.expectedReturn), 2, true)}.
        </p>`;
  return html`<div data-testid="predict-result">
    ${forecastCard(f, { modelVersion: answer.modelVersion, heading: `What-if forecast: ${f.name}, ${f.targetDate}` })}
    <p class="muted small">
      Computed by the API with model version ${answer.modelVersion} from the newest
      ${answer.barsUsed.toLocaleString("en-IN")} of the
      ${answer.barsReceived.toLocaleString("en-IN")} bars sent.
    </p>
    ${compare}
  </div>`;
}

export function whatIfForm(options: WhatIfOptions): HTMLElement {
  const send = options.request ?? ((r: PredictRequest) => requestForecast(r));
  const select = html`<select name="symbol" aria-label="Symbol whose bars are sent">
    ${options.symbols.map((s) => html`<option value=${s.slug}>${symbolLabel(s)}</option>`)}
  </select>` as HTMLSelectElement;
  const shock = html`<input
    type="number"
    name="shock"
    value="0"
    step="0.5"
    min="-20"
    max="20"
    aria-label="Move the last close by this many percent"
  />` as HTMLInputElement;
  const csv = html`<textarea
    name="csv"
    spellcheck="false"
    aria-label="Daily bars as CSV: Date,Open,High,Low,Close,Adj Close,Volume"
  ></textarea>` as HTMLTextAreaElement;
  const file = html`<input
    type="file"
    name="file"
    accept=".csv,text/csv"
    aria-label="Upload a CSV file of daily bars instead"
  />` as HTMLInputElement;
  const button = html`<button type="submit" aria-label="Forecast the next session from these bars">
    Forecast
  </button>` as HTMLButtonElement;
  const output = html`<div class="predict-output" aria-live="polite"></div>`;
  const status = html`<span class="muted small" role="status"></span>`;

  let series: SymbolSeries | null = null;
  const current = () => options.symbols.find((s) => s.slug === select.value);
  const refresh = () => {
    if (!series) return;
    const moved = shockLastClose(series, Number(shock.value) / 100 || 0);
    csv.value = barsToCsv(moved, series.predictorBars);
  };
  const load = async () => {
    status.textContent = "loading bars…";
    series = null;
    try {
      series = await options.loadSeries(select.value);
      refresh();
      status.textContent = `${series.predictorBars.toLocaleString("en-IN")} bars of ${series.name} loaded`;
    } catch (error) {
      status.textContent = `cannot load the bars: ${(error as Error).message}`;
    }
  };
  select.addEventListener("change", () => void load());
  shock.addEventListener("input", refresh);

  const form = html`<form class="predict-form" aria-label="What-if forecast form">
    <div class="actions">
      <label>Symbol ${select}</label>
      <label>Last close moved by ${shock} %</label>
    </div>
    <label class="muted small" for="what-if-csv"
      >The bars the model reads (edit any value, or paste your own):</label
    >
    ${csv}
    <div class="actions">
      <label>Or upload a CSV file ${file}</label>
    </div>
    <div class="actions">${button} ${status}</div>
  </form>` as HTMLFormElement;
  csv.id = "what-if-csv";

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = "asking the API…";
    const symbol = current()?.symbol;
    const chosen = file.files?.[0];
    const request: PredictRequest = chosen
      ? { file: chosen, fileName: chosen.name }
      : { csv: csv.value, ...(symbol ? { symbol } : {}) };
    try {
      const outcome = await send(request);
      const published = chosen ? undefined : options.published.find((f) => f.symbol === symbol);
      output.replaceChildren(outcomeView(outcome, published));
      status.textContent = outcome.kind === "forecast" ? "done" : "";
    } finally {
      button.disabled = false;
    }
  });
  void load();
  return html`<div>${form}${output}</div>`;
}
