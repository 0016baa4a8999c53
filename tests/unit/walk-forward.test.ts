/**
 * Walk-forward evaluation: the fold plan (consecutive test blocks, embargoed training cuts) and
 * runWalkForward on small synthetic data: same rows for every model, the baselines' values,
 * determinism, and no look-ahead (changing the future changes exactly what it may change).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  MODEL_NAMES,
  planFolds,
  runWalkForward,
  tradingCalendar,
  type FoldPlan,
  type WalkForwardConfig,
  type WalkForwardResult,
} from "../../pipeline/evaluation/walk-forward.js";
import { initBackend } from "../../pipeline/model/backend.js";
import { selectRows, type LabelledRows } from "../../pipeline/model/dataset.js";
import { perturbFrom, rowKeys, syntheticRows, weekdayDates } from "../helpers/synthetic-rows.js";

describe("planFolds", () => {
  const calendar = weekdayDates(100);

  it("cuts the test dates into consecutive blocks that cover every test date once", () => {
    const plans = planFolds(calendar, {
      refitEvery: 25,
      embargoDays: 3,
      firstTestDate: calendar[40]!,
    });
    // 60 test dates: 25 + 25 + 10
    expect(plans.map((p) => p.index)).toEqual([0, 1, 2]);
    const at = (d: string) => calendar.indexOf(d);
    expect(plans.map((p) => [at(p.testFrom), at(p.testTo)])).toEqual([
      [40, 64],
      [65, 89],
      [90, 99],
    ]);
    const covered = plans.flatMap((p) => calendar.slice(at(p.testFrom), at(p.testTo) + 1));
    expect(covered).toEqual(calendar.slice(40));
    for (let i = 1; i < plans.length; i++) {
      expect(at(plans[i]!.testFrom)).toBe(at(plans[i - 1]!.testTo) + 1);
    }
  });

  it("puts each training cut embargoDays dates before its first test date", () => {
    // rows of three symbols, one symbol missing on some dates: the cut follows the calendar
    const dates = calendar.flatMap((d, i) => (i % 7 === 3 ? [d, d] : [d, d, d]));
    const cal = tradingCalendar(dates);
    expect(cal).toEqual(calendar);
    for (const embargoDays of [0, 1, 5]) {
      const plans = planFolds(cal, { refitEvery: 20, embargoDays, firstTestDate: cal[50]! });
      for (const plan of plans) {
        expect(plan.trainBefore).toBe(cal[cal.indexOf(plan.testFrom) - embargoDays]);
        const training = dates.filter((d) => d < plan.trainBefore);
        const lastTrain = training.reduce((a, b) => (a > b ? a : b));
        expect(training.every((d) => d < plan.trainBefore)).toBe(true);
        // exactly embargoDays calendar dates strictly between the last training date and the test
        const between = cal.filter((d) => d > lastTrain && d < plan.testFrom);
        expect(between).toHaveLength(embargoDays);
      }
    }
  });

  it("starts at the first date on or after firstTestDate (a weekend start moves to Monday)", () => {
    const saturday = "2001-03-03";
    expect(new Date(`${saturday}T00:00:00Z`).getUTCDay()).toBe(6);
    const plans = planFolds(calendar, { refitEvery: 50, embargoDays: 2, firstTestDate: saturday });
    expect(plans[0]!.testFrom).toBe("2001-03-05");
  });

  it("lastFolds keeps the last folds with their original indices", () => {
    const config = { refitEvery: 10, embargoDays: 2, firstTestDate: calendar[45]! };
    const all = planFolds(calendar, config);
    expect(all).toHaveLength(6);
    expect(planFolds(calendar, { ...config, lastFolds: 2 })).toEqual(all.slice(-2));
    expect(planFolds(calendar, { ...config, lastFolds: 2 }).map((p) => p.index)).toEqual([4, 5]);
    expect(planFolds(calendar, { ...config, lastFolds: 99 })).toEqual(all);
  });

  it("throws when no date is left to train on, or none to test", () => {
    expect(() =>
      planFolds(calendar, { refitEvery: 10, embargoDays: 3, firstTestDate: calendar[3]! }),
    ).toThrow(/no training dates/);
    expect(() =>
      planFolds(calendar, { refitEvery: 10, embargoDays: 0, firstTestDate: calendar[0]! }),
    ).toThrow(/no training dates/);
    expect(() =>
      planFolds(calendar, { refitEvery: 10, embargoDays: 3, firstTestDate: "2099-01-01" }),
    ).toThrow(/no dates on or after/);
    // one date left before the embargo is enough
    const plans = planFolds(calendar, {
      refitEvery: 10,
      embargoDays: 3,
      firstTestDate: calendar[4]!,
    });
    expect(plans[0]!.trainBefore).toBe(calendar[1]);
  });
});

describe("runWalkForward on synthetic data (3 symbols x 900 days)", () => {
  const full = syntheticRows({ symbols: 3, days: 960, seed: 101, featureCount: 6 });
  const calendar = tradingCalendar(full.dates);
  /** the data the runs are compared on: the first 900 dates */
  const base = selectRows(full, (i) => full.dates[i]! < calendar[900]!);
  const config: WalkForwardConfig = {
    refitEvery: 120,
    embargoDays: 5,
    firstTestDate: calendar[600]!,
    seed: 17,
    train: {
      maxEpochs: 2,
      batchSize: 256,
      learningRate: 3e-3,
      patience: 1,
      validationFraction: 0.15,
      gapDays: 3,
      network: { hidden: [8], dropout: 0.1, l2: 1e-4 },
    },
  };
  const plans = planFolds(tradingCalendar(base.dates), config);

  let first: WalkForwardResult;
  let second: WalkForwardResult;

  beforeAll(async () => {
    expect(await initBackend("wasm")).toBe("wasm");
    first = await runWalkForward(base, config);
    second = await runWalkForward(base, config);
  });

  it("tests exactly the rows dated on or after firstTestDate, in the planned folds", () => {
    expect(plans).toHaveLength(3);
    const expected = Array.from({ length: base.n }, (_, i) => i).filter(
      (i) => base.dates[i]! >= config.firstTestDate,
    );
    expect(first.test.n).toBe(expected.length);
    expect(first.test.n).toBe(3 * 300);
    expect([...first.rowIndex].sort((a, b) => a - b)).toEqual(expected);
    first.rowIndex.forEach((r, i) => {
      expect(first.test.dates[i]).toBe(base.dates[r]);
      expect(first.test.symbolIndex[i]).toBe(base.symbolIndex[r]);
      expect(Object.is(first.test.ret[i], base.ret[r])).toBe(true);
      expect(first.test.up[i]).toBe(base.up[r]);
      const plan = plans[first.fold[i]!]!;
      expect(base.dates[r]! >= plan.testFrom && base.dates[r]! <= plan.testTo).toBe(true);
    });
    expect(first.folds.map((f) => [f.index, f.firstTestDate, f.lastTestDate])).toEqual(
      plans.map((p) => [p.index, p.testFrom, p.testTo]),
    );
    for (const [j, fold] of first.folds.entries()) {
      const plan = plans[j]!;
      const trainDates = base.dates.filter((d) => d < plan.trainBefore);
      expect(fold.trainRows).toBe(trainDates.length);
      expect(fold.lastTrainDate).toBe(trainDates.reduce((a, b) => (a > b ? a : b)));
      expect(calendar.filter((d) => d > fold.lastTrainDate && d < fold.firstTestDate)).toHaveLength(
        config.embargoDays,
      );
      expect(fold.testRows).toBe(first.fold.filter((f) => f === j).length);
    }
  });

  it("gives every model a forecast for every test row (the same rows, so the same folds)", () => {
    for (const m of MODEL_NAMES) {
      const f = first.forecasts[m];
      expect(f.p, m).toHaveLength(first.test.n);
      expect(
        f.p.every((p) => Number.isFinite(p) && p >= 0 && p <= 1),
        m,
      ).toBe(true);
      if (f.ret) {
        expect(f.ret, m).toHaveLength(first.test.n);
        expect(f.ret.every(Number.isFinite), m).toBe(true);
      }
    }
    expect(MODEL_NAMES.filter((m) => first.forecasts[m].ret !== null)).toEqual([
      "mlp",
      "zero-return",
      "historical-mean",
    ]);
  });

  it("always-up is the symbol's training up-rate, historical-mean its mean return, zero-return 0", () => {
    const upRates = new Set<number>();
    for (let i = 0; i < first.test.n; i++) {
      const plan = plans[first.fold[i]!]!;
      const s = first.test.symbolIndex[i]!;
      let count = 0;
      let ups = 0;
      let sum = 0;
      for (let r = 0; r < base.n; r++) {
        if (base.symbolIndex[r] !== s || base.dates[r]! >= plan.trainBefore) continue;
        count++;
        ups += base.up[r]!;
        sum += base.ret[r]!;
      }
      expect(first.forecasts["always-up"].p[i]).toBeCloseTo(ups / count, 12);
      expect(first.forecasts["historical-mean"].p[i]).toBeCloseTo(ups / count, 12);
      expect(first.forecasts["historical-mean"].ret![i]).toBeCloseTo(sum / count, 14);
      expect(first.forecasts["zero-return"].p[i]).toBe(0.5);
      expect(first.forecasts["zero-return"].ret![i]).toBe(0);
      upRates.add(first.forecasts["always-up"].p[i]!);
    }
    // one value per symbol and fold: the baseline is per symbol, not pooled
    expect(upRates.size).toBe(3 * plans.length);
  });

  it("is deterministic: the same seed gives bit-identical forecasts", () => {
    expect(second.rowIndex).toEqual(first.rowIndex);
    for (const m of MODEL_NAMES) {
      const a = first.forecasts[m];
      const b = second.forecasts[m];
      expect(
        Array.from(b.p).every((p, i) => Object.is(p, a.p[i])),
        m,
      ).toBe(true);
      if (a.ret)
        expect(
          Array.from(b.ret!).every((r, i) => Object.is(r, a.ret![i])),
          m,
        ).toBe(true);
    }
    expect(second.folds.map((f) => ({ ...f, durationMs: 0 }))).toEqual(
      first.folds.map((f) => ({ ...f, durationMs: 0 })),
    );
  });

  /**
   * What may change when every row dated on or after D changes (features and label):
   * - a fold whose training cut is after D trains on changed rows: all its trained and
   *   fitted forecasts may change (always-up, historical-mean, mlp, logistic);
   * - a fold whose training cut is on or before D has the same training rows: its baselines
   *   stay, and its networks stay on test rows dated before D; test rows on or after D have
   *   new features, so the networks' forecasts there change;
   * - zero-return never changes.
   * Anything outside that set must be bit-identical. Inside it the networks' forecasts and the
   * mean return must differ (every changed label is 0.01 higher), so the test also catches a
   * dead check; the up-rate may stay the same (two changed dates need not flip any label).
   */
  function unexpected(
    before: WalkForwardResult,
    after: WalkForwardResult,
    from: string,
    folds: readonly FoldPlan[],
  ): string[] {
    expect(after.rowIndex).toEqual(before.rowIndex);
    const problems: string[] = [];
    /** "same": must be bit-identical; "differ": must change; "any": may change */
    const check = (what: string, a: number, b: number, rule: "same" | "differ" | "any") => {
      const same = Object.is(a, b);
      if (rule === "same" && !same) problems.push(`${what}: changed`);
      if (rule === "differ" && same) problems.push(`${what}: unchanged`);
    };
    const rule = (mayChange: boolean) => (mayChange ? "differ" : "same");
    for (let i = 0; i < before.test.n; i++) {
      const plan = folds[before.fold[i]!]!;
      const trainingChanged = plan.trainBefore > from;
      const rowChanged = before.test.dates[i]! >= from;
      const where = `fold ${plan.index} ${before.test.dates[i]} sym ${before.test.symbolIndex[i]}`;
      const f = before.forecasts;
      const g = after.forecasts;
      check(`${where} zero-return p`, f["zero-return"].p[i]!, g["zero-return"].p[i]!, "same");
      check(`${where} zero-return`, f["zero-return"].ret![i]!, g["zero-return"].ret![i]!, "same");
      const upRate = trainingChanged ? "any" : "same";
      check(`${where} always-up`, f["always-up"].p[i]!, g["always-up"].p[i]!, upRate);
      check(
        `${where} historical-mean p`,
        f["historical-mean"].p[i]!,
        g["historical-mean"].p[i]!,
        upRate,
      );
      check(
        `${where} historical-mean`,
        f["historical-mean"].ret![i]!,
        g["historical-mean"].ret![i]!,
        rule(trainingChanged),
      );
      const net = rule(trainingChanged || rowChanged);
      check(`${where} mlp p`, f.mlp.p[i]!, g.mlp.p[i]!, net);
      check(`${where} mlp ret`, f.mlp.ret![i]!, g.mlp.ret![i]!, net);
      check(`${where} logistic`, f.logistic.p[i]!, g.logistic.p[i]!, net);
    }
    return problems;
  }

  const baseCalendar = tradingCalendar(base.dates);
  it.each([
    // inside fold 0's test block: fold 0 keeps its models, folds 1 and 2 retrain on changed rows
    ["inside a test block", baseCalendar[660]!],
    // in fold 1's embargo (cut 715, first test 720): fold 1 trains on unchanged rows only
    ["inside an embargo", baseCalendar[717]!],
    // two dates before fold 1's cut: fold 1 trains on two changed dates, so all of it may change
    ["just before a training cut", baseCalendar[713]!],
  ])(
    "no look-ahead: changing every row from D on (%s) changes exactly what it may",
    async (_, d) => {
      const perturbed = perturbFrom(base, d, 5);
      // the earlier rows really are the same, the later ones really differ
      const k = base.featureCount;
      for (let i = 0; i < base.n; i++) {
        const same =
          Object.is(perturbed.ret[i], base.ret[i]) &&
          perturbed.x.subarray(i * k, (i + 1) * k).every((v, j) => Object.is(v, base.x[i * k + j]));
        expect(same).toBe(base.dates[i]! < d);
      }
      const after = await runWalkForward(perturbed, config);
      const problems = unexpected(first, after, d, plans);
      expect(problems.slice(0, 10)).toEqual([]);
      // both kinds of fold occur for each D
      expect(plans.some((p) => p.trainBefore <= d)).toBe(true);
      expect(plans.some((p) => p.trainBefore > d)).toBe(true);
    },
  );

  it("appending later rows never changes an earlier forecast", async () => {
    const longer = await runWalkForward(full, config);
    expect(longer.test.n).toBe(3 * 360);
    const at = new Map(rowKeys(longer.test).map((key, i) => [key, i]));
    const keys = rowKeys(first.test);
    const problems: string[] = [];
    keys.forEach((key, i) => {
      const j = at.get(key);
      if (j === undefined) return problems.push(`${key} missing`);
      for (const m of MODEL_NAMES) {
        const a = first.forecasts[m];
        const b = longer.forecasts[m];
        if (!Object.is(a.p[i], b.p[j])) problems.push(`${key} ${m} p`);
        if (a.ret && !Object.is(a.ret[i], b.ret![j])) problems.push(`${key} ${m} ret`);
      }
    });
    expect(problems.slice(0, 10)).toEqual([]);
    // the last fold grew; the earlier folds are the same plans
    expect(longer.folds.map((f) => f.firstTestDate)).toEqual(
      first.folds.map((f) => f.firstTestDate),
    );
    expect(longer.folds.at(-1)!.lastTestDate).toBe(calendar.at(-1));
  });

  describe("a symbol without training rows, and the network-only mode of the gates", () => {
    // a fourth symbol that is listed only from date 850 on
    const four = syntheticRows({ symbols: 4, days: 900, seed: 202, featureCount: 6 });
    const cal4 = tradingCalendar(four.dates);
    const late = selectRows(four, (i) => four.symbolIndex[i] !== 3 || four.dates[i]! >= cal4[850]!);
    const quick: WalkForwardConfig = { ...config, lastFolds: 1, networkOnly: true };
    const data: LabelledRows = late;
    let result: WalkForwardResult;

    beforeAll(async () => {
      result = await runWalkForward(data, quick);
    });

    it("gives a symbol without training rows the pooled up-rate and mean return", () => {
      const plan = planFolds(tradingCalendar(data.dates), quick)[0]!;
      expect(plan.trainBefore < cal4[850]!).toBe(true);
      let ups = 0;
      let sum = 0;
      let count = 0;
      for (let r = 0; r < data.n; r++) {
        if (data.dates[r]! >= plan.trainBefore) continue;
        ups += data.up[r]!;
        sum += data.ret[r]!;
        count++;
      }
      const rows = Array.from(result.test.symbolIndex.keys()).filter(
        (i) => result.test.symbolIndex[i] === 3,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const i of rows) {
        expect(result.forecasts["always-up"].p[i]).toBeCloseTo(ups / count, 12);
        expect(result.forecasts["historical-mean"].ret![i]).toBeCloseTo(sum / count, 14);
      }
    });

    it("networkOnly skips the logistic baseline: its forecasts are 0.5 (as documented)", () => {
      // WalkForwardConfig.networkOnly: "skip the logistic baseline (its forecasts become 0.5)"
      expect(result.forecasts.logistic.p.every((p) => p === 0.5)).toBe(true);
      // the network still runs
      expect(result.forecasts.mlp.p.some((p) => p !== 0.5)).toBe(true);
    });
  });
});
