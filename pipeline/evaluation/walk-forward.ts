/**
 * Walk-forward evaluation with an expanding window: the test days are cut into consecutive
 * blocks of `refitEvery` trading dates; before each block every model is refitted on the rows
 * dated before it, minus an embargo of `embargoDays` dates. The network and the baselines
 * (always-up, zero return, historical mean, logistic regression on the same features) see the
 * same folds, so their forecasts line up day by day.
 */
import type { LabelledRows } from "../model/dataset.js";
import { predictRows, type Predictions } from "../model/infer.js";
import { trainNetwork, type TrainOptions } from "../model/train.js";

export const MODEL_NAMES = [
  "mlp",
  "logistic",
  "always-up",
  "zero-return",
  "historical-mean",
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

const LOGISTIC_OVERRIDES = { learningRate: 0.01, batchSize: 4096 } as const;

export interface WalkForwardConfig {
  /** trading dates per fold; the models are refitted before each fold */
  refitEvery: number;
  /** distinct dates dropped between the last training date and the first test date */
  embargoDays: number;
  /** the first test date; earlier rows only ever train */
  firstTestDate: string;
  seed: number;
  train: Omit<TrainOptions, "seed" | "onEpochEnd">;
  /** keep only the last N folds (the quick runs of the leakage gates) */
  lastFolds?: number;
  /** skip the logistic baseline (its forecasts become 0.5): the gates only judge the network */
  networkOnly?: boolean;
}

export interface FoldSummary {
  index: number;
  trainRows: number;
  firstTrainDate: string;
  lastTrainDate: string;
  testRows: number;
  firstTestDate: string;
  lastTestDate: string;
  mlpEpochs: number;
  mlpBestEpoch: number;
  durationMs: number;
}

/** One forecast per model for every test row; `ret` is null for models without a return forecast. */
export interface ModelForecasts {
  p: Float64Array;
  ret: Float64Array | null;
}

export interface WalkForwardResult {
  folds: FoldSummary[];
  /** the test rows in order (date, then symbol): their dates, symbols and outcomes */
  test: LabelledRows;
  /** each test row's index in the evaluated dataset */
  rowIndex: Int32Array;
  fold: Int32Array;
  forecasts: Record<ModelName, ModelForecasts>;
}

/** The distinct dates of the rows, ascending. */
export function tradingCalendar(dates: readonly string[]): string[] {
  return [...new Set(dates)].sort();
}

export interface FoldPlan {
  index: number;
  /** rows dated before this train (after the embargo) */
  trainBefore: string;
  testFrom: string;
  /** inclusive */
  testTo: string;
}

export function planFolds(
  calendar: readonly string[],
  config: Pick<WalkForwardConfig, "refitEvery" | "embargoDays" | "firstTestDate" | "lastFolds">,
): FoldPlan[] {
  const start = calendar.findIndex((d) => d >= config.firstTestDate);
  if (start < 0)
    throw new Error(`no dates on or after the first test date ${config.firstTestDate}`);
  if (start - config.embargoDays < 1) {
    throw new Error(`no training dates before ${config.firstTestDate} and its embargo`);
  }
  const plans: FoldPlan[] = [];
  for (let from = start, index = 0; from < calendar.length; from += config.refitEvery, index++) {
    const to = Math.min(calendar.length, from + config.refitEvery) - 1;
    plans.push({
      index,
      trainBefore: calendar[from - config.embargoDays]!,
      testFrom: calendar[from]!,
      testTo: calendar[to]!,
    });
  }
  return config.lastFolds ? plans.slice(-config.lastFolds) : plans;
}

function rowsWhere(data: LabelledRows, keep: (date: string) => boolean): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (keep(data.dates[i]!)) rows.push(i);
  return Int32Array.from(rows);
}

function gather(data: LabelledRows, rows: Int32Array) {
  const k = data.featureCount;
  const x = new Float32Array(rows.length * k);
  rows.forEach((r, i) => x.set(data.x.subarray(r * k, (r + 1) * k), i * k));
  return {
    x,
    ret: Float64Array.from(rows, (r) => data.ret[r]!),
    up: Uint8Array.from(rows, (r) => data.up[r]!),
    dates: Array.from(rows, (r) => data.dates[r]!),
  };
}

/** Per symbol: the training up-rate and mean return (pooled values for a symbol without rows). */
function symbolBaselines(data: LabelledRows, trainRows: Int32Array) {
  const count = new Float64Array(data.symbols.length);
  const ups = new Float64Array(data.symbols.length);
  const sum = new Float64Array(data.symbols.length);
  let allUps = 0;
  let allSum = 0;
  for (const r of trainRows) {
    const s = data.symbolIndex[r]!;
    count[s]!++;
    ups[s]! += data.up[r]!;
    sum[s]! += data.ret[r]!;
    allUps += data.up[r]!;
    allSum += data.ret[r]!;
  }
  const n = Math.max(1, trainRows.length);
  return data.symbols.map((_, s) => ({
    upRate: count[s]! > 0 ? ups[s]! / count[s]! : allUps / n,
    meanReturn: count[s]! > 0 ? sum[s]! / count[s]! : allSum / n,
  }));
}

export async function runWalkForward(
  data: LabelledRows,
  config: WalkForwardConfig,
  onFold?: (fold: FoldSummary, total: number) => void,
): Promise<WalkForwardResult> {
  const plans = planFolds(tradingCalendar(data.dates), config);
  const testRowsAll: number[] = [];
  const foldOf: number[] = [];
  const columns = Object.fromEntries(
    MODEL_NAMES.map((m) => [m, { p: [] as number[], ret: [] as number[] }]),
  ) as Record<ModelName, { p: number[]; ret: number[] }>;
  const folds: FoldSummary[] = [];

  for (const plan of plans) {
    const started = performance.now();
    const trainRows = rowsWhere(data, (d) => d < plan.trainBefore);
    const testRows = rowsWhere(data, (d) => d >= plan.testFrom && d <= plan.testTo);
    if (trainRows.length === 0 || testRows.length === 0) continue;
    const train = gather(data, trainRows);
    const test = gather(data, testRows);
    const seed = config.seed + plan.index;

    const mlp = await trainNetwork("mlp", train, { ...config.train, seed });
    const mlpOut = predictRows(mlp.model, mlp.scaler, mlp.returnScale, test.x, testRows.length);
    mlp.model.dispose();
    let logOut: Pick<Predictions, "probabilityUp"> = {
      probabilityUp: new Float64Array(testRows.length).fill(0.5),
    };
    if (!config.networkOnly) {
      // one unit converges with a larger step and batch; the same early stopping applies
      const logistic = await trainNetwork("logistic", train, {
        ...config.train,
        ...LOGISTIC_OVERRIDES,
        seed,
      });
      logOut = predictRows(
        logistic.model,
        logistic.scaler,
        logistic.returnScale,
        test.x,
        testRows.length,
      );
      logistic.model.dispose();
    }
    const base = symbolBaselines(data, trainRows);

    testRows.forEach((r, i) => {
      const b = base[data.symbolIndex[r]!]!;
      testRowsAll.push(r);
      foldOf.push(plan.index);
      columns.mlp.p.push(mlpOut.probabilityUp[i]!);
      columns.mlp.ret.push(mlpOut.expectedReturn![i]!);
      columns.logistic.p.push(logOut.probabilityUp[i]!);
      columns["always-up"].p.push(b.upRate);
      columns["zero-return"].p.push(0.5);
      columns["zero-return"].ret.push(0);
      columns["historical-mean"].p.push(b.upRate);
      columns["historical-mean"].ret.push(b.meanReturn);
    });
    const summary: FoldSummary = {
      index: plan.index,
      trainRows: trainRows.length,
      firstTrainDate: train.dates[0]!,
      lastTrainDate: train.dates.at(-1)!,
      testRows: testRows.length,
      firstTestDate: plan.testFrom,
      lastTestDate: plan.testTo,
      mlpEpochs: mlp.epochs,
      mlpBestEpoch: mlp.bestEpoch,
      durationMs: performance.now() - started,
    };
    folds.push(summary);
    onFold?.(summary, plans.length);
  }

  const order = Int32Array.from(testRowsAll);
  const test: LabelledRows = {
    ...data,
    n: order.length,
    x: new Float32Array(0),
    ret: Float64Array.from(order, (r) => data.ret[r]!),
    up: Uint8Array.from(order, (r) => data.up[r]!),
    dates: Array.from(order, (r) => data.dates[r]!),
    symbolIndex: Int32Array.from(order, (r) => data.symbolIndex[r]!),
  };
  const forecasts = Object.fromEntries(
    MODEL_NAMES.map((m) => [
      m,
      {
        p: Float64Array.from(columns[m].p),
        ret: columns[m].ret.length > 0 ? Float64Array.from(columns[m].ret) : null,
      },
    ]),
  ) as Record<ModelName, ModelForecasts>;
  return { folds, test, rowIndex: order, fold: Int32Array.from(foldOf), forecasts };
}
