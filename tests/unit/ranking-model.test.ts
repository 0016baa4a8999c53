/**
 * The members' ranking task: per-day processing (cross-sectional z-scores, rank label), the
 * ridge baseline, the tfjs ranker (learns a planted relative signal, reproducible, saves and
 * loads), the walk-forward of the ranking without look-ahead, and the combined probability.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  applyMemberProbability,
  fitMemberProbability,
} from "../../pipeline/model/member-probability.js";
import {
  mergeRankResults,
  type RankWalkForwardResult,
  runRankWalkForward,
  splitFolds,
} from "../../pipeline/evaluation/rank-walk-forward.js";
import { tradingCalendar } from "../../pipeline/evaluation/walk-forward.js";
import { dailyRankIc, summarizeIc } from "../../pipeline/evaluation/ranking.js";
import { fitRidge, predictRidge } from "../../pipeline/evaluation/ridge.js";
import { createRng } from "../../core/random.js";
import { initBackend } from "../../pipeline/model/backend.js";
import {
  CROSS_SECTION_CLIP,
  crossSectionalZ,
  dailyRankLabel,
  demeanByDate,
} from "../../pipeline/model/cross-section.js";
import type { LabelledRows } from "../../pipeline/model/dataset.js";
import { scoreRows } from "../../pipeline/model/infer.js";
import { fitRankerBranches, joinRankerBranches, trainRanker } from "../../pipeline/model/ranker.js";
import { championRecipe, zooRecipes, type RankerRecipe } from "../../pipeline/model/recipe.js";
import { loadModelArtifacts, saveModelArtifacts } from "../../pipeline/model/serialize.js";
import { perturbFrom, weekdayDates } from "../helpers/synthetic-rows.js";

/**
 * Members whose next return is a common market move plus a relative part driven by feature 0
 * of that day relative to the other members; symbol 0 plays the index (not a member).
 */
function relativePanel(members: number, days: number, seed: number, signal = 0.4): LabelledRows {
  const rng = createRng(seed);
  const dates = weekdayDates(days);
  const symbols = members + 1;
  const k = 8;
  const n = symbols * days;
  const x = new Float32Array(n * k);
  const ret = new Float64Array(n);
  const market = Array.from({ length: days }, () => 0.01 * rng.normal());
  const rowDates: string[] = [];
  const symbolIndex = new Int32Array(n);
  for (let s = 0; s < symbols; s++) {
    for (let d = 0; d < days; d++) {
      const i = s * days + d;
      for (let j = 0; j < k; j++) x[i * k + j] = 1 + 2 * rng.normal() + 0.5 * market[d]! * 100;
      const relative = (x[i * k]! - 1 - 0.5 * market[d]! * 100) / 2;
      ret[i] = market[d]! + 0.01 * (signal * relative + rng.normal());
      rowDates.push(dates[d]!);
      symbolIndex[i] = s;
    }
  }
  return {
    featureCount: k,
    symbols: Array.from({ length: symbols }, (_, s) => (s === 0 ? "^IDX" : `M${s}`)),
    n,
    x,
    ret,
    up: Uint8Array.from(ret, (r) => (r > 0 ? 1 : 0)),
    dates: rowDates,
    symbolIndex,
  };
}

const isMember = (s: number) => s !== 0;

describe("cross-sectional processing", () => {
  const data = relativePanel(10, 30, 1);
  const memberRow = (r: number) => isMember(data.symbolIndex[r]!);
  const z = crossSectionalZ(data.x, data.featureCount, data.dates, memberRow);

  it("z-scores each feature against the members of the same day", () => {
    const k = data.featureCount;
    for (const date of [data.dates[0]!, data.dates[17]!]) {
      const rows = Array.from({ length: data.n }, (_, i) => i).filter(
        (i) => data.dates[i] === date && memberRow(i),
      );
      for (let j = 0; j < k; j++) {
        const values = rows.map((r) => z[r * k + j]!);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
        expect(Math.abs(mean)).toBeLessThan(0.2);
        expect(sd).toBeGreaterThan(0.8);
        expect(sd).toBeLessThan(1.05);
        for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(CROSS_SECTION_CLIP);
      }
    }
  });

  it("uses that day's rows only: changing another day changes nothing on this one", () => {
    const k = data.featureCount;
    const x = data.x.slice();
    const later = data.dates[20]!;
    for (let i = 0; i < data.n; i++)
      if (data.dates[i]! >= later) x[i * k] = x[i * k]! + 3 * (i % 7); // not a shift: z is shift-free
    const z2 = crossSectionalZ(x, k, data.dates, memberRow);
    for (let i = 0; i < data.n; i++) {
      const same = Object.is(z2[i * k], z[i * k]);
      expect(same).toBe(data.dates[i]! < later);
    }
  });

  it("gives zeros on a day with too few members, and the index row its standing among them", () => {
    const few = crossSectionalZ(
      data.x,
      data.featureCount,
      data.dates,
      (r) => data.symbolIndex[r]! <= 1,
    );
    expect(few.every((v) => v === 0)).toBe(true);
    const indexRow = 0;
    expect(Number.isFinite(z[indexRow * data.featureCount]!)).toBe(true);
  });

  it("labels the members by their rank of the next return, the index not at all", () => {
    const label = dailyRankLabel(data.ret, data.dates, memberRow);
    const date = data.dates[5]!;
    const rows = Array.from({ length: data.n }, (_, i) => i).filter((i) => data.dates[i] === date);
    const members = rows.filter(memberRow);
    const byReturn = [...members].sort((a, b) => data.ret[a]! - data.ret[b]!);
    const labels = byReturn.map((r) => label[r]!);
    for (let i = 1; i < labels.length; i++) expect(labels[i]!).toBeGreaterThan(labels[i - 1]!);
    expect(labels.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    expect(labels[0]).toBeCloseTo((0.5 / 10 - 0.5) * Math.sqrt(12), 5);
    expect(rows.filter((r) => !memberRow(r)).every((r) => Number.isNaN(label[r]!))).toBe(true);
    const excess = demeanByDate(data.ret, data.dates, memberRow);
    expect(members.reduce((s, r) => s + excess[r]!, 0)).toBeCloseTo(0, 12);
  });
});

describe("ridge", () => {
  it("recovers the weights of noiseless data, and shrinks them as lambda grows", () => {
    const rng = createRng(3);
    const n = 500;
    const k = 3;
    const x = Float32Array.from({ length: n * k }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => 0.5 + 2 * x[i * k]! - x[i * k + 2]!);
    const fit = fitRidge(x, y, k, 0);
    expect(fit.weights[0]).toBeCloseTo(2, 4);
    expect(fit.weights[1]).toBeCloseTo(0, 4);
    expect(fit.weights[2]).toBeCloseTo(-1, 4);
    expect(fit.intercept).toBeCloseTo(0.5, 4);
    expect(predictRidge(fit, x.subarray(0, k), 1)[0]).toBeCloseTo(y[0]!, 3);
    expect(Math.abs(fitRidge(x, y, k, 10).weights[0]!)).toBeLessThan(0.5);
  });
});

describe("the tfjs ranker", () => {
  beforeAll(async () => {
    await initBackend();
  });

  const recipe: RankerRecipe = {
    name: "test-mlp",
    description: "",
    inputs: "cross-section",
    hidden: [8],
    dropout: 0.1,
    l2: 0,
    epochs: 3,
    batchSize: 256,
    learningRate: 0.01,
    ensemble: 2,
  };

  it("learns a planted relative signal, reproducibly, and saves and loads to the same scores", async () => {
    const data = relativePanel(20, 300, 7);
    const memberRow = (r: number) => isMember(data.symbolIndex[r]!);
    const z = crossSectionalZ(data.x, data.featureCount, data.dates, memberRow);
    const label = dailyRankLabel(data.ret, data.dates, memberRow);
    const train = Float32Array.from(label, (v, i) =>
      data.dates[i]! < data.dates[200 * 1]! ? v : Number.NaN,
    );
    const a = await trainRanker(z, train, recipe, 11);
    const b = await trainRanker(z, train, recipe, 11);
    const sa = scoreRows(a.model, z, data.n);
    const sb = scoreRows(b.model, z, data.n);
    expect(Array.from(sa)).toEqual(Array.from(sb));
    // out of sample: the later days, members only
    const test = Array.from({ length: data.n }, (_, i) => i).filter(
      (i) => memberRow(i) && data.dates[i]! >= data.dates[200]!,
    );
    test.sort((p, q) =>
      data.dates[p]! < data.dates[q]! ? -1 : data.dates[p]! > data.dates[q]! ? 1 : 0,
    );
    const ic = summarizeIc(
      dailyRankIc(
        test.map((i) => data.dates[i]!),
        test.map((i) => sa[i]!),
        test.map((i) => data.ret[i]!),
      ),
    );
    expect(ic.mean).toBeGreaterThan(0.15);
    const saved = await saveModelArtifacts(a.model, "ranker.bin");
    const loaded = await loadModelArtifacts(saved.modelJson, saved.weights);
    expect(Array.from(scoreRows(loaded, z, data.n))).toEqual(Array.from(sa));
    // a different seed gives different weights
    const c = await trainRanker(z, train, recipe, 12);
    expect(Array.from(scoreRows(c.model, z, data.n))).not.toEqual(Array.from(sa));
    for (const m of [a, b, c]) m.model.dispose();
    loaded.dispose();
  });

  it("branches fitted apart (as on two threads) join into the one-thread fit, bit for bit", async () => {
    const data = relativePanel(10, 120, 5);
    const memberRow = (r: number) => isMember(data.symbolIndex[r]!);
    const z = crossSectionalZ(data.x, data.featureCount, data.dates, memberRow);
    const label = dailyRankLabel(data.ret, data.dates, memberRow);
    const whole = await trainRanker(z, label, recipe, 3);
    const second = await fitRankerBranches(z, label, recipe, 3, [1]);
    const first = await fitRankerBranches(z, label, recipe, 3, [0]);
    const joined = joinRankerBranches(recipe, data.featureCount, 3, [...second, ...first]);
    expect(Array.from(scoreRows(joined, z, data.n))).toEqual(
      Array.from(scoreRows(whole.model, z, data.n)),
    );
    const a = await saveModelArtifacts(whole.model, "ranker.bin");
    const b = await saveModelArtifacts(joined, "ranker.bin");
    expect(b.modelJson).toBe(a.modelJson);
    expect(Buffer.from(b.weights).equals(Buffer.from(a.weights))).toBe(true);
    expect(() => joinRankerBranches(recipe, data.featureCount, 3, first)).toThrow(/branch 1/);
    await expect(fitRankerBranches(z, label, recipe, 3, [2])).rejects.toThrow(/no branch 2/);
    whole.model.dispose();
    joined.dispose();
  });

  it("walk-forward: changing every row from D on leaves every score before D bit-identical", async () => {
    const base = relativePanel(8, 160, 21);
    const config = {
      refitEvery: 30,
      embargoDays: 2,
      firstTestDate: weekdayDates(160)[80]!,
      seed: 5,
    };
    const quick = { ...recipe, epochs: 1, ensemble: 1 };
    const before = await runRankWalkForward(base, isMember, [quick], config);
    const d = weekdayDates(160)[125]!;
    const after = await runRankWalkForward(perturbFrom(base, d, 9), isMember, [quick], config);
    expect(after.dates).toEqual(before.dates);
    let earlier = 0;
    let changed = 0;
    for (const name of Object.keys(before.scores)) {
      before.dates.forEach((date, i) => {
        const same = Object.is(before.scores[name]![i], after.scores[name]![i]);
        if (date < d) {
          expect(same).toBe(true);
          earlier++;
        } else if (!same) changed++;
      });
    }
    expect(earlier).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
    expect(Object.keys(before.scores)).toEqual([
      "test-mlp",
      "ridge",
      "reversal-5d",
      "momentum-60d",
    ]);
  });

  it("walk-forward split over threads: the folds joined back equal the whole run, bit for bit", async () => {
    const data = relativePanel(6, 150, 23);
    const config = {
      refitEvery: 20,
      embargoDays: 2,
      firstTestDate: weekdayDates(150)[70]!,
      seed: 7,
    };
    const quick = { ...recipe, epochs: 1, ensemble: 1 };
    const whole = await runRankWalkForward(data, isMember, [quick], config);
    const shares = splitFolds(tradingCalendar(data.dates), config, 2);
    expect(shares).toHaveLength(2);
    expect(shares.flat().sort((a, b) => a - b)).toEqual(whole.folds.map((f) => f.index));
    // the later folds train on more rows; the shares take about equal work
    expect(Math.abs(shares[0]!.length - shares[1]!.length)).toBeLessThanOrEqual(1);
    const parts: RankWalkForwardResult[] = [];
    for (const onlyFolds of shares)
      parts.push(await runRankWalkForward(data, isMember, [quick], { ...config, onlyFolds }));
    const joined = mergeRankResults(parts.reverse());
    expect(joined.folds).toEqual(whole.folds);
    expect(joined.dates).toEqual(whole.dates);
    expect(Array.from(joined.rows)).toEqual(Array.from(whole.rows));
    expect(Array.from(joined.fold)).toEqual(Array.from(whole.fold));
    expect(Array.from(joined.ret)).toEqual(Array.from(whole.ret));
    expect(Array.from(joined.symbolIndex)).toEqual(Array.from(whole.symbolIndex));
    for (const name of Object.keys(whole.scores))
      expect(Array.from(joined.scores[name]!)).toEqual(Array.from(whole.scores[name]!));
    expect(() => mergeRankResults([parts[0]!, parts[0]!])).toThrow(/appears twice/);
  });
});

describe("recipes", () => {
  it("the champion recipe is one of the zoo's, and every zoo name is unique", () => {
    const zoo = zooRecipes();
    expect(zoo.map((r) => r.name)).toContain(championRecipe().name);
    expect(zoo.find((r) => r.name === championRecipe().name)).toEqual(championRecipe());
    expect(new Set(zoo.map((r) => r.name)).size).toBe(zoo.length);
  });
});

describe("a member's combined probability of a rise", () => {
  it("recovers the coefficients of a simulated logistic relation", () => {
    const rng = createRng(4);
    const n = 20_000;
    const market = Float64Array.from({ length: n }, () => 1 / (1 + Math.exp(-0.3 * rng.normal())));
    const score = Float64Array.from({ length: n }, () => rng.normal());
    const truth = { intercept: 0.1, marketLogit: 1, score: 0.3 };
    const up = Float64Array.from({ length: n }, (_, i) =>
      rng.uniform() < applyMemberProbability(truth, market[i]!, score[i]!) ? 1 : 0,
    );
    const fit = fitMemberProbability(market, score, up);
    expect(fit.intercept).toBeCloseTo(0.1, 1);
    expect(fit.score).toBeCloseTo(0.3, 1);
    expect(Math.abs(fit.marketLogit - 1)).toBeLessThan(0.25);
  });
});
