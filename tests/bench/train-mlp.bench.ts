/**
 * Times the model half on the real snapshot: builds the pooled dataset from
 * data/snapshot/prices (validated with the default rules, 45 indicators), trains the MLP and the
 * logistic baseline with the default options, and measures single-row inference latency.
 *
 *   npx tsx pipeline/model/benchmark.ts [pricesDir] [--seed=1]
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { parsePriceCsv } from "../../core/price-csv.js";
import type { SymbolFeatures } from "../../core/feature-table.js";
import { computeFeatures } from "../../pipeline/indicators/compute.js";
import { validateBars } from "../../pipeline/quality/rules.js";
import { initBackend } from "../../pipeline/model/backend.js";
import { buildDataset, type CloseSeries, type ForecastRows } from "../../pipeline/model/dataset.js";
import { predictRows } from "../../pipeline/model/infer.js";
import { trainNetwork, type TrainedNetwork } from "../../pipeline/model/train.js";

async function loadSnapshot(dir: string) {
  const parts: SymbolFeatures[] = [];
  const closes = new Map<string, CloseSeries>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".csv")).sort()) {
    const symbol = file.replace(/\.csv$/, "");
    const parsed = parsePriceCsv(await readFile(join(dir, file), "utf8"), file);
    const { kept } = validateBars(symbol, parsed, { jumpThreshold: 0.18, staleRunDays: 5 });
    const { dates, columns } = computeFeatures(kept);
    parts.push({ symbol, dates, columns });
    closes.set(symbol, {
      dates: kept.map((b) => b.date),
      close: Float64Array.from(kept, (b) => b.close),
    });
  }
  return { parts, closes };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Latency of predictRows on one row at a time, after a warm-up. */
function singleRowLatency(net: TrainedNetwork, rows: ForecastRows, calls = 1000) {
  const k = rows.featureCount;
  const row = (i: number) => rows.x.subarray((i % rows.n) * k, ((i % rows.n) + 1) * k);
  for (let i = 0; i < 50; i++) predictRows(net.model, net.scaler, net.returnScale, row(i), 1);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    predictRows(net.model, net.scaler, net.returnScale, row(i), 1);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { calls, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--")) ?? "data/snapshot/prices";
  const seed = Number(args.find((a) => a.startsWith("--seed="))?.slice(7) ?? 1);
  const backend = await initBackend();
  const t0 = performance.now();
  const { parts, closes } = await loadSnapshot(dir);
  const { labelled, forecast, dropped } = buildDataset(parts, closes);
  const dataMs = performance.now() - t0;
  console.log(
    `backend ${backend}; ${parts.length} symbols, ${labelled.n} labelled rows x ` +
      `${labelled.featureCount} features, ${forecast.n} forecast rows, dropped ` +
      `${JSON.stringify(dropped)}; data ${(dataMs / 1000).toFixed(1)} s`,
  );
  const summary: Record<string, unknown> = { backend, rows: labelled.n, dataMs };
  for (const kind of ["mlp", "logistic"] as const) {
    const net = await trainNetwork(kind, labelled, {
      seed,
      onEpochEnd: (e) =>
        console.log(
          `${kind} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val ${e.valLoss.toFixed(4)}`,
        ),
    });
    const latency = singleRowLatency(net, forecast);
    summary[kind] = {
      trainRows: net.rows,
      validationRows: net.validationRows,
      firstDate: net.firstDate,
      lastDate: net.lastDate,
      firstValidationDate: net.firstValidationDate,
      epochs: net.epochs,
      bestEpoch: net.bestEpoch,
      validationLoss: net.validationLoss,
      seconds: net.durationMs / 1000,
      secondsPerEpoch: net.durationMs / 1000 / net.epochs,
      latency,
    };
    net.model.dispose();
  }
  console.log(JSON.stringify(summary, null, 2));
}

await main();
