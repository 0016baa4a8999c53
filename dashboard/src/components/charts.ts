/**
 * The dashboard's charts: plain functions from data and a width to a <figure> with a caption
 * and an aria-label, drawn with Observable Plot (imported from node_modules, not a CDN).
 */
import * as Plot from "@observablehq/plot";
import type { BandPoint, PricePoint } from "./analytics.js";
import { formatPercent, formatPoints, formatProbability } from "./format.js";
import type { ModelData, PipelineData, RunReport } from "./types.js";

const UP = "var(--up)";
const DOWN = "var(--down)";
const NARROW = 640;

interface Sized {
  width: number;
  height?: number;
}

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const pointsTick = (d: number) => formatPoints(d, 0);
/** whole percents as 2%, others with one decimal: ticks at 0.5% steps stay distinct */
const pctTick = (d: number) =>
  formatPercent(d, Number.isInteger(Math.round(d * 1e4) / 100) ? 0 : 1);

/** The index over the chosen range, with the forecast cone after the last close. */
export function indexChart(
  points: PricePoint[],
  band: BandPoint[],
  o: Sized & { name: string; rangeLabel: string },
): Element {
  const last = points[points.length - 1];
  return Plot.plot({
    width: o.width,
    height: o.height ?? Math.min(420, Math.max(260, o.width * 0.5)),
    marginLeft: 64,
    x: { type: "utc", label: null },
    y: { grid: true, label: "points", tickFormat: pointsTick },
    caption: `${o.name}, ${o.rangeLabel}: daily close; shaded after the last close, the 80% (darker) and 95% ranges of the next session.`,
    ariaLabel: `${o.name} closing level over ${o.rangeLabel} with the forecast range for the next session`,
    marks: [
      Plot.areaY(band, {
        x: "date",
        y1: "lower95",
        y2: "upper95",
        fill: "currentColor",
        fillOpacity: 0.12,
      }),
      Plot.areaY(band, {
        x: "date",
        y1: "lower80",
        y2: "upper80",
        fill: "currentColor",
        fillOpacity: 0.25,
      }),
      Plot.lineY(band, { x: "date", y: "expected", strokeDasharray: "4 3" }),
      Plot.lineY(points, {
        x: "date",
        y: "close",
        stroke: "var(--theme-foreground-focus)",
        strokeWidth: 1.6,
      }),
      Plot.dot(last ? [last] : [], { x: "date", y: "close", r: 3, fill: "currentColor" }),
      Plot.tip(
        points,
        Plot.pointerX({
          x: "date",
          y: "close",
          title: (d: PricePoint) =>
            `${d.date.toISOString().slice(0, 10)}\n${formatPoints(d.close)} points`,
        }),
      ),
    ],
  });
}

/** Advancing against declining members on the last day, and each member's change. */
export function breadthChart(
  members: { symbol: string; change: number | null }[],
  o: Sized & { date: string },
): Element {
  const rows = members
    .filter((m): m is { symbol: string; change: number } => m.change !== null)
    .map((m) => ({ symbol: m.symbol.replace(/\.NS$/, ""), change: m.change }))
    .sort((a, b) => b.change - a.change);
  return Plot.plot({
    width: o.width,
    height: Math.max(200, rows.length * 15 + 40),
    marginLeft: 96,
    x: { grid: true, label: "day change", tickFormat: pctTick },
    y: { label: null, domain: rows.map((r) => r.symbol) },
    caption: `Day change of each member on ${o.date}: green rose, red fell.`,
    ariaLabel: `Day change of each SENSEX member on ${o.date}`,
    marks: [
      Plot.barX(rows, {
        x: "change",
        y: "symbol",
        fill: (d: { change: number }) => (d.change >= 0 ? UP : DOWN),
        title: (d: { symbol: string; change: number }) =>
          `${d.symbol}: ${formatPercent(d.change, 2, true)}`,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Probability of a rise of every member, one row per sector. */
export function sectorHeatmap(
  cells: { sector: string; slot: number; symbol: string; name: string; p: number }[],
  o: Sized,
): Element {
  const narrow = o.width < NARROW;
  const sectors = [...new Set(cells.map((c) => c.sector))];
  const short = (s: string) => (narrow && s.length > 14 ? `${s.slice(0, 13)}…` : s);
  const extent = Math.max(0.02, ...cells.map((c) => Math.abs(c.p - 0.5)));
  const figure = Plot.plot({
    width: o.width,
    height: sectors.length * 34 + 50,
    marginLeft: narrow ? 110 : 230,
    x: { axis: null },
    y: { label: null, domain: sectors, tickFormat: short },
    color: {
      type: "diverging",
      scheme: "RdYlGn",
      pivot: 0.5,
      domain: [0.5 - extent, 0.5 + extent],
      legend: true,
      label: "probability of a rise",
      tickFormat: (d: number) => formatProbability(d, 0),
    },
    caption:
      "Probability of a rise next session for each member, grouped by sector (0.5 is a coin toss).",
    ariaLabel: "Heat map of the probability of a rise by sector and member",
    marks: [
      Plot.cell(cells, {
        x: "slot",
        y: "sector",
        fill: "p",
        inset: 1,
        title: (d: { symbol: string; name: string; p: number }) =>
          `${d.name} (${d.symbol}): ${formatProbability(d.p)}`,
      }),
      // on a phone the cells are too small for labels: their titles carry the numbers
      ...(narrow
        ? []
        : [
            Plot.text(cells, {
              x: "slot",
              y: "sector",
              text: (d: { symbol: string; p: number }) =>
                `${d.symbol.replace(/\.NS$/, "")} ${formatProbability(d.p, 0)}`,
              fill: "black",
              fontSize: 11,
            }),
          ]),
    ],
  });
  for (const ramp of figure.querySelectorAll("svg[class$='-ramp']")) {
    ramp.setAttribute(
      "aria-label",
      "Colour legend: probability of a rise, red below 50%, green above",
    );
  }
  return figure;
}

/** A close-price line for a symbol over a date window. */
export function priceChart(
  points: PricePoint[],
  o: Sized & { name: string; rangeLabel: string },
): Element {
  return Plot.plot({
    width: o.width,
    height: o.height ?? 280,
    marginLeft: 64,
    x: { type: "utc", label: null },
    y: { grid: true, label: "close", tickFormat: pointsTick },
    caption: `${o.name}: daily close, ${o.rangeLabel}.`,
    ariaLabel: `${o.name} daily close over ${o.rangeLabel}`,
    marks: [
      Plot.lineY(points, { x: "date", y: "close", stroke: "var(--theme-foreground-focus)" }),
      Plot.tip(
        points,
        Plot.pointerX({
          x: "date",
          y: "close",
          title: (d: PricePoint) =>
            `${d.date.toISOString().slice(0, 10)}\n${formatPoints(d.close)}`,
        }),
      ),
    ],
  });
}

/** One indicator's values over the same window as the price chart. */
export function indicatorChart(
  rows: { date: Date; value: number }[],
  o: Sized & { name: string; feature: string; description: string },
): Element {
  return Plot.plot({
    width: o.width,
    height: o.height ?? 220,
    marginLeft: 64,
    x: { type: "utc", label: null },
    y: { grid: true, label: o.feature },
    caption: `${o.feature} of ${o.name}: ${o.description}`,
    ariaLabel: `${o.feature} of ${o.name} over the chosen range`,
    marks: [
      Plot.ruleY([0], { strokeOpacity: 0.4 }),
      Plot.lineY(rows, { x: "date", y: "value", stroke: "var(--theme-foreground-focus)" }),
      Plot.tip(
        rows,
        Plot.pointerX({
          x: "date",
          y: "value",
          title: (d: { date: Date; value: number }) =>
            `${d.date.toISOString().slice(0, 10)}\n${o.feature} = ${d.value.toPrecision(4)}`,
        }),
      ),
    ],
  });
}

type ScopeMetrics = ModelData["evaluation"]["scopes"][string];

/** Accuracy of the model and of each baseline, with the up-rate of the same days. */
export function accuracyChart(scope: ScopeMetrics, o: Sized & { scopeLabel: string }): Element {
  const rows = scope.models.map((m) => ({ model: m.model, accuracy: m.accuracy }));
  return Plot.plot({
    width: o.width,
    height: rows.length * 34 + 50,
    marginLeft: 120,
    x: {
      domain: [0.45, Math.max(0.6, ...rows.map((r) => r.accuracy))],
      grid: true,
      label: "accuracy",
      tickFormat: pctTick,
    },
    y: { label: null, domain: rows.map((r) => r.model) },
    caption: `Walk-forward accuracy on the ${o.scopeLabel} (${scope.n.toLocaleString("en-IN")} test days); the line is the share of up days (${formatProbability(scope.upRate)}).`,
    ariaLabel: `Accuracy of the model and the baselines on the ${o.scopeLabel}`,
    marks: [
      Plot.barX(rows, {
        x1: 0.45,
        x2: "accuracy",
        y: "model",
        fill: (d: { model: string }) =>
          d.model === "mlp" ? "var(--theme-foreground-focus)" : "var(--theme-foreground-faint)",
      }),
      Plot.text(rows, {
        x: "accuracy",
        y: "model",
        text: (d: { accuracy: number }) => formatProbability(d.accuracy),
        dx: 4,
        textAnchor: "start",
      }),
      Plot.ruleX([scope.upRate], { stroke: DOWN, strokeDasharray: "4 3" }),
    ],
  });
}

/** Accuracy of each model on the index in each walk-forward fold. */
export function foldChart(folds: ModelData["folds"], o: Sized): Element {
  const rows = folds.flatMap((f) =>
    Object.entries(f.accuracy).map(([model, accuracy]) => ({
      fold: `${f.firstTestDate.slice(0, 4)}–${f.lastTestDate.slice(2, 4)}`,
      model,
      accuracy,
    })),
  );
  return Plot.plot({
    width: o.width,
    height: 280,
    marginLeft: 48,
    x: { label: "test period (fold)", domain: [...new Set(rows.map((r) => r.fold))] },
    y: { grid: true, label: "accuracy", tickFormat: pctTick, domain: [0.4, 0.65] },
    color: { legend: true },
    caption:
      "Accuracy on the index in each walk-forward fold: the model is refitted on all earlier data before each fold.",
    ariaLabel: "Accuracy of each model in each walk-forward fold on the index",
    marks: [
      Plot.ruleY([0.5], { strokeOpacity: 0.5 }),
      Plot.lineY(rows, { x: "fold", y: "accuracy", stroke: "model", marker: "circle", tip: true }),
    ],
  });
}

/** Reliability diagram: mean predicted probability against the observed share of rises. */
export function reliabilityChart(
  bins: {
    lower: number;
    upper: number;
    count: number;
    meanPredicted: number | null;
    observedRate: number | null;
  }[],
  o: Sized & { title: string },
): Element {
  const rows = bins.filter(
    (b) => b.count > 0 && b.meanPredicted !== null && b.observedRate !== null,
  );
  const lo = Math.min(0.3, ...rows.map((r) => Math.min(r.meanPredicted!, r.observedRate!)));
  const hi = Math.max(0.7, ...rows.map((r) => Math.max(r.meanPredicted!, r.observedRate!)));
  return Plot.plot({
    width: Math.min(o.width, 480),
    height: Math.min(o.width, 480) * 0.85,
    marginLeft: 52,
    x: { domain: [lo, hi], label: "predicted probability of a rise", tickFormat: pctTick },
    y: { domain: [lo, hi], label: "observed share of rises", grid: true, tickFormat: pctTick },
    r: { range: [2, 12] },
    caption: `${o.title}: points on the diagonal are perfectly calibrated; dot size is the number of days.`,
    ariaLabel: `Reliability diagram, ${o.title}`,
    marks: [
      Plot.line(
        [
          [lo, lo],
          [hi, hi],
        ],
        { strokeDasharray: "4 3", strokeOpacity: 0.6 },
      ),
      Plot.dot(rows, {
        x: "meanPredicted",
        y: "observedRate",
        r: "count",
        fill: "var(--theme-foreground-focus)",
        title: (d: { meanPredicted: number; observedRate: number; count: number }) =>
          `predicted ${formatProbability(d.meanPredicted)}, observed ${formatProbability(d.observedRate)} on ${d.count.toLocaleString("en-IN")} days`,
      }),
    ],
  });
}

/** Nominal against actual coverage of the conformal intervals. */
export function coverageChart(
  coverage: { level: number; coverage: number; meanWidth: number }[],
  o: Sized & { scopeLabel: string },
): Element {
  return Plot.plot({
    width: Math.min(o.width, 480),
    height: 240,
    marginLeft: 52,
    x: { domain: [0.7, 1], label: "nominal level", tickFormat: pctTick },
    y: { domain: [0.7, 1], label: "actual coverage", grid: true, tickFormat: pctTick },
    caption: `Interval coverage on the ${o.scopeLabel}: the share of days whose return fell inside the 80/90/95% ranges.`,
    ariaLabel: `Interval coverage on the ${o.scopeLabel}`,
    marks: [
      Plot.line(
        [
          [0.7, 0.7],
          [1, 1],
        ],
        { strokeDasharray: "4 3", strokeOpacity: 0.6 },
      ),
      Plot.dot(coverage, {
        x: "level",
        y: "coverage",
        r: 5,
        fill: "var(--theme-foreground-focus)",
        tip: true,
      }),
    ],
  });
}

/** Growth of 1 for the model's long/flat strategy after costs and for buy-and-hold. */
export function equityChart(
  backtest: ModelData["backtest"],
  o: Sized & { costBps: number },
): Element {
  const wanted = backtest.series.filter((s) => s.name.endsWith(`_${o.costBps}bps`));
  const rows = wanted.flatMap((s) =>
    s.values.map((v, i) => ({
      date: utc(backtest.dates[i]!),
      value: v,
      strategy: s.name.startsWith("buy_and_hold") ? "buy and hold" : "model long/flat",
    })),
  );
  return Plot.plot({
    width: o.width,
    height: 300,
    marginLeft: 52,
    x: { type: "utc", label: null },
    y: { type: "log", grid: true, label: "growth of ₹1", tickFormat: (d: number) => `₹${d}` },
    color: {
      legend: true,
      domain: ["model long/flat", "buy and hold"],
      range: ["var(--theme-foreground-focus)", "var(--theme-foreground-muted)"],
    },
    caption: `Backtest on the index after ${o.costBps} basis points per side: long when the model leans up, in cash otherwise, against buy-and-hold.`,
    ariaLabel: `Equity curves after ${o.costBps} basis points of costs`,
    marks: [
      Plot.ruleY([1], { strokeOpacity: 0.4 }),
      Plot.lineY(rows, { x: "date", y: "value", stroke: "strategy", tip: true }),
    ],
  });
}

/** Hit rate of the published forecasts per month of the target day, and cumulatively. */
export function hitRateChart(
  months: { month: string; n: number; rate: number; cumulativeRate: number }[],
  o: Sized,
): Element {
  const rows = months.map((m) => ({ ...m, date: utc(`${m.month}-01`) }));
  return Plot.plot({
    width: o.width,
    height: 260,
    marginLeft: 52,
    x: { type: "utc", label: null },
    y: { domain: [0, 1], grid: true, label: "hit rate", tickFormat: pctTick },
    caption:
      "Share of published forecasts whose direction was right, by month (bars) and cumulatively (line).",
    ariaLabel: "Hit rate of the published forecasts over time",
    marks: [
      Plot.ruleY([0.5], { strokeDasharray: "4 3" }),
      Plot.rectY(rows, { x: "date", interval: "month", y: "rate", fillOpacity: 0.35, tip: true }),
      Plot.lineY(rows, {
        x: "date",
        y: "cumulativeRate",
        stroke: "var(--theme-foreground-focus)",
        marker: "circle",
      }),
    ],
  });
}

/** Time each stage of a run took; skipped stages (cache hits) are marked. */
export function stageChart(run: RunReport, o: Sized): Element {
  const rows = run.stages.map((s) => ({ ...s, seconds: s.durationMs / 1000 }));
  return Plot.plot({
    width: o.width,
    height: rows.length * 30 + 50,
    marginLeft: 84,
    x: { grid: true, label: "seconds" },
    y: { label: null, domain: rows.map((r) => r.stage) },
    color: {
      legend: true,
      domain: ["ran", "skipped", "failed"],
      range: ["var(--theme-foreground-focus)", "var(--theme-foreground-faint)", DOWN],
    },
    caption: `Stage timings of run ${run.runId} (${run.command}, ${run.status}); skipped stages were cache hits.`,
    ariaLabel: `Stage timings of run ${run.runId}`,
    marks: [
      Plot.barX(rows, {
        x: "seconds",
        y: "stage",
        fill: "status",
        title: (d: { stage: string; seconds: number; status: string; message: string }) =>
          `${d.stage}: ${d.status}, ${d.seconds.toFixed(1)} s\n${d.message}`,
      }),
    ],
  });
}

/** Standardized mean shift of each feature over the last days against the training data. */
export function driftChart(drift: PipelineData["drift"], o: Sized): Element {
  const rows = [...drift.features].sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift));
  return Plot.plot({
    width: o.width,
    height: rows.length * 14 + 60,
    marginLeft: 116,
    x: { grid: true, label: "shift in training standard deviations" },
    y: { label: null, domain: rows.map((r) => r.name) },
    caption: `Feature drift: mean of each feature from ${drift.recentFrom} to ${drift.recentTo} against its training mean (${drift.trainingFrom} to ${drift.trainingTo}), in training standard deviations. Beyond ±0.5 is large.`,
    ariaLabel: "Standardized mean shift of each feature, recent days against the training period",
    marks: [
      Plot.ruleX([-0.5, 0.5], { strokeDasharray: "4 3", strokeOpacity: 0.6 }),
      Plot.barX(rows, {
        x: "shift",
        y: "name",
        fill: (d: { shift: number }) =>
          Math.abs(d.shift) >= 0.5 ? DOWN : "var(--theme-foreground-focus)",
        title: (d: { name: string; shift: number; recentMean: number; trainMean: number }) =>
          `${d.name}: ${d.shift.toFixed(2)} sd (recent mean ${d.recentMean.toPrecision(3)}, training ${d.trainMean.toPrecision(3)})`,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Quarantined rows per symbol, by reason. */
export function qualityChart(quality: PipelineData["quality"], o: Sized): Element {
  const rows = quality.flatMap((q) =>
    Object.entries(q.byReason).map(([reason, n]) => ({
      symbol: q.symbol.replace(/\.NS$/, ""),
      reason,
      n,
    })),
  );
  const symbols = quality.map((q) => q.symbol.replace(/\.NS$/, ""));
  return Plot.plot({
    width: o.width,
    height: symbols.length * 15 + 70,
    marginLeft: 96,
    x: { grid: true, label: "quarantined rows", type: "symlog" },
    y: { label: null, domain: symbols },
    color: { legend: true },
    caption:
      "Rows quarantined by validation, per symbol and reason (log scale): never silently dropped.",
    ariaLabel: "Quarantined rows per symbol and reason",
    marks: [Plot.barX(rows, { x: "n", y: "symbol", fill: "reason", tip: true })],
  });
}
