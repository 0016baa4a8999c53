import { describe, expect, it } from "vitest";
import { createRng } from "../../core/random.js";
import {
  crossSectionalSpread,
  dailyRankIc,
  dayRanges,
  distinctRankCount,
  quantileReturns,
  spearman,
  summarizeIc,
} from "../../pipeline/evaluation/ranking.js";

interface Panel {
  dates: string[];
  score: number[];
  outcome: number[];
}

function panel(days: { date: string; score: number[]; outcome: number[] }[]): Panel {
  const out: Panel = { dates: [], score: [], outcome: [] };
  for (const day of days) {
    day.score.forEach((s, i) => {
      out.dates.push(day.date);
      out.score.push(s);
      out.outcome.push(day.outcome[i]!);
    });
  }
  return out;
}

/** The same panel with each day's rows in a seeded random order. */
function shuffledWithinDays(p: Panel, seed: number): Panel {
  const rng = createRng(seed);
  const out: Panel = { dates: [], score: [], outcome: [] };
  for (const { start, end } of dayRanges(p.dates)) {
    const idx = Array.from({ length: end - start }, (_, i) => start + i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    for (const i of idx) {
      out.dates.push(p.dates[i]!);
      out.score.push(p.score[i]!);
      out.outcome.push(p.outcome[i]!);
    }
  }
  return out;
}

/** 10 members over 4 days, outcomes standard normal, score = outcome (a perfect ranking). */
function perfectPanel(): Panel {
  const rng = createRng(7);
  const days = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"].map((date) => {
    const outcome = Array.from({ length: 10 }, () => rng.normal(0, 0.01));
    return { date, score: [...outcome], outcome };
  });
  return panel(days);
}

describe("evaluation/ranking spearman", () => {
  it("matches 1 − 6Σd²/(n(n²−1)) without ties", () => {
    // d = 0, 1, 1, 0: 1 − 6·2/(4·15) = 0.8
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15);
    expect(spearman([10, 20, 30, 40], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
    // Ranks only: a monotone transform changes nothing.
    expect(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 1000])).toBeCloseTo(1, 15);
  });

  it("gives tied values their average rank", () => {
    // Ranks a = 1, 2.5, 2.5, 4 and b = 1, 2, 3, 4 (both mean 2.5):
    // Σ da·db = 2.25 + 0 + 0 + 2.25 = 4.5, Σ da² = 4.5, Σ db² = 5 → 4.5/√22.5 = √0.9.
    // Ranking the tie by position (1, 2, 3, 4) would give 1.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(Math.sqrt(0.9), 15);
  });

  it("uses finite pairs only and is NaN when undefined", () => {
    expect(spearman([1, 2, Number.NaN, 3, 4], [1, 3, 5, 2, 4])).toBeCloseTo(0.8, 15);
    expect(spearman([1, 2], [2, 1])).toBeNaN();
    expect(spearman([1, 2, Number.NaN], [1, 2, 3])).toBeNaN();
    expect(spearman([5, 5, 5, 5], [1, 2, 3, 4])).toBeNaN();
    expect(spearman([1, 2, 3, 4], [0, 0, 0, 0])).toBeNaN();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(RangeError);
  });
});

describe("evaluation/ranking dailyRankIc", () => {
  it("is 1 every day for a perfect score", () => {
    const p = perfectPanel();
    const daily = dailyRankIc(p.dates, p.score, p.outcome);
    expect(daily.dates).toEqual(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]);
    for (const ic of daily.ic) expect(ic).toBeCloseTo(1, 15);
  });

  it("counts only rows with a finite outcome towards minMembers", () => {
    // Day 1: 5 finite rows, ρ = 1 − 6·2/(5·24) = 0.9, plus a sixth row whose outcome is NaN.
    // Day 2: reversed order, ρ = −1.
    const p = panel([
      { date: "2024-03-01", score: [1, 2, 3, 4, 5, 6], outcome: [1, 3, 2, 4, 5, Number.NaN] },
      { date: "2024-03-04", score: [1, 2, 3, 4, 5, 6], outcome: [6, 5, 4, 3, 2, 1] },
    ]);
    const five = dailyRankIc(p.dates, p.score, p.outcome, 5);
    expect(five.dates).toEqual(["2024-03-01", "2024-03-04"]);
    expect(five.ic[0]).toBeCloseTo(0.9, 15);
    expect(five.ic[1]).toBeCloseTo(-1, 15);
    const six = dailyRankIc(p.dates, p.score, p.outcome, 6);
    expect(six.dates).toEqual(["2024-03-04"]);
  });

  it("leaves out the days of a constant score", () => {
    const p = perfectPanel();
    const constant = p.score.map(() => 0.5);
    const daily = dailyRankIc(p.dates, constant, p.outcome);
    expect(daily.dates).toEqual([]);
    expect(daily.ic.length).toBe(0);
    // One day constant, the others perfect: only the constant day disappears.
    const mixed = p.score.map((s, i) => (p.dates[i] === "2024-01-02" ? 0.5 : s));
    expect(dailyRankIc(p.dates, mixed, p.outcome).dates).toEqual([
      "2024-01-01",
      "2024-01-03",
      "2024-01-04",
    ]);
  });

  it("does not depend on the order of rows within a day and rejects unsorted dates", () => {
    const rng = createRng(11);
    const p = panel(
      ["2024-05-01", "2024-05-02", "2024-05-03"].map((date) => ({
        date,
        score: Array.from({ length: 12 }, () => rng.normal()),
        outcome: Array.from({ length: 12 }, () => rng.normal()),
      })),
    );
    const q = shuffledWithinDays(p, 3);
    expect(q.score).not.toEqual(p.score);
    const a = dailyRankIc(p.dates, p.score, p.outcome);
    const b = dailyRankIc(q.dates, q.score, q.outcome);
    expect(b.dates).toEqual(a.dates);
    expect(Array.from(b.ic)).toEqual(Array.from(a.ic));
    expect(() => dailyRankIc(["2024-01-02", "2024-01-01"], [1, 2], [1, 2])).toThrow(RangeError);
  });
});

describe("evaluation/ranking summarizeIc", () => {
  // IC 0.02, 0.04, 0.06, 0.08: mean 0.05, deviations ±0.01, ±0.03, Σ² = 0.002,
  // std = √(0.002/3) = 0.0258198889747161; t = 0.05·√4/std = √15; ICIR = √15/2.
  // Student t with 3 df has the closed form F(t) = 1/2 + (1/π)(t/(√3(1 + t²/3)) + atan(t/√3));
  // at t = √15: t/√3 = √5 and 1 + t²/3 = 6, so p = 1/2 − (√5/6 + atan √5)/π = 0.0152331458…
  const daily = {
    dates: ["2023-12-28", "2023-12-29", "2024-01-01", "2024-01-02"],
    ic: Float64Array.from([0.02, 0.04, 0.06, 0.08]),
  };

  it("computes mean, std, ICIR, t and a one-sided p value by hand", () => {
    const s = summarizeIc(daily, 2);
    expect(s.days).toBe(4);
    expect(s.mean).toBeCloseTo(0.05, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(0.002 / 3), 15);
    expect(s.icir).toBeCloseTo(Math.sqrt(15) / 2, 12);
    expect(s.t).toBeCloseTo(Math.sqrt(15), 12);
    const p = 0.5 - (Math.sqrt(5) / 6 + Math.atan(Math.sqrt(5))) / Math.PI;
    expect(p).toBeCloseTo(0.0152331458, 9);
    expect(s.pValue).toBeCloseTo(p, 10);
    expect(s.positiveShare).toBe(1);
  });

  it("splits by calendar year and rolls a window mean from the window-th day", () => {
    const s = summarizeIc(daily, 2);
    // 2023: 0.02, 0.04 → mean 0.03, std 0.01·√2, ICIR 0.03/(0.01√2) = 2.1213…, t = ICIR·√2 = 3.
    // 2024: 0.06, 0.08 → mean 0.07, ICIR 4.9497…, t = 7.
    expect(s.byYear.map((y) => [y.year, y.days])).toEqual([
      ["2023", 2],
      ["2024", 2],
    ]);
    expect(s.byYear[0]!.mean).toBeCloseTo(0.03, 15);
    expect(s.byYear[0]!.icir).toBeCloseTo(3 / Math.SQRT2, 12);
    expect(s.byYear[0]!.t).toBeCloseTo(3, 12);
    expect(s.byYear[1]!.mean).toBeCloseTo(0.07, 15);
    expect(s.byYear[1]!.t).toBeCloseTo(7, 12);
    expect(s.rolling.map((r) => r.date)).toEqual(["2023-12-29", "2024-01-01", "2024-01-02"]);
    [0.03, 0.05, 0.07].forEach((m, i) => expect(s.rolling[i]!.ic).toBeCloseTo(m, 15));
    expect(summarizeIc(daily, 5).rolling).toEqual([]);
    expect(summarizeIc(daily).rolling).toEqual([]); // default window 60 > 4 days
  });

  it("counts only strictly positive days and stays defined on short input", () => {
    const s = summarizeIc({
      dates: ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
      ic: Float64Array.from([0.1, -0.2, 0, 0.3]),
    });
    expect(s.positiveShare).toBe(0.5);
    // A negative mean IC gives a p value above 1/2.
    const neg = summarizeIc({ dates: daily.dates, ic: daily.ic.map((v) => -v) });
    expect(neg.t).toBeCloseTo(-Math.sqrt(15), 12);
    expect(neg.pValue).toBeCloseTo(1 - 0.0152331458310855, 10);

    const empty = summarizeIc({ dates: [], ic: new Float64Array(0) });
    expect(empty.days).toBe(0);
    for (const v of [empty.mean, empty.std, empty.icir, empty.t, empty.pValue]) {
      expect(v).toBeNaN();
    }
    expect(empty.positiveShare).toBeNaN();
    expect(empty.byYear).toEqual([]);
    expect(empty.rolling).toEqual([]);

    const one = summarizeIc({ dates: ["2024-01-01"], ic: Float64Array.from([0.1]) });
    expect(one.mean).toBe(0.1);
    expect(one.std).toBeNaN();
    expect(one.pValue).toBeNaN();
    const flat = summarizeIc({ dates: daily.dates, ic: new Float64Array(4).fill(0.05) });
    expect(flat.std).toBe(0);
    expect(flat.icir).toBeNaN();
    expect(flat.t).toBeNaN();
  });
});

describe("evaluation/ranking quantileReturns", () => {
  it("splits like pandas.qcut on ranks and averages each quantile over days", () => {
    // Day 1, 7 rows: qcut(1..7, 5) has edges 1, 2.2, 3.4, 4.6, 5.8, 7 → sizes 2, 1, 1, 1, 2;
    // outcome = score, so the quantile means are 1.5, 3, 4, 5, 6.5.
    // Day 2, 5 rows: one per quantile, outcome −score: −1, −2, −3, −4, −5.
    // Day 3 has 3 rows < 5 quantiles and is skipped (its outcomes of 100 would show).
    const p = panel([
      { date: "2024-02-01", score: [4, 1, 7, 2, 6, 3, 5], outcome: [4, 1, 7, 2, 6, 3, 5] },
      { date: "2024-02-02", score: [5, 4, 3, 2, 1], outcome: [-5, -4, -3, -2, -1] },
      { date: "2024-02-05", score: [1, 2, 3], outcome: [100, 100, 100] },
    ]);
    const q = quantileReturns(p.dates, p.score, p.outcome, 5);
    expect(q.map((r) => r.quantile)).toEqual([1, 2, 3, 4, 5]);
    expect(q.map((r) => r.days)).toEqual([2, 2, 2, 2, 2]);
    [0.25, 0.5, 0.5, 0.5, 0.75].forEach((m, i) => expect(q[i]!.meanReturn).toBeCloseTo(m, 15));
  });

  it("keeps tied scores in one quantile whatever the row order", () => {
    // Scores 1, 2, 2, 3: average ranks 1, 2.5, 2.5, 4; with 2 quantiles the edge is 2.5,
    // so quantile 1 = {1, 2, 2} (mean (10 + 20 + 30)/3 = 20) and quantile 2 = {3} (40).
    const q1 = quantileReturns(["d", "d", "d", "d"], [1, 2, 2, 3], [10, 20, 30, 40], 2);
    const q2 = quantileReturns(["d", "d", "d", "d"], [3, 2, 2, 1], [40, 30, 20, 10], 2);
    for (const q of [q1, q2]) {
      expect(q[0]!.meanReturn).toBeCloseTo(20, 13);
      expect(q[1]!.meanReturn).toBe(40);
    }
  });

  it("ranks a perfect score's quintiles in order, ignores NaN outcomes, ignores row order", () => {
    const p = perfectPanel();
    p.outcome[3] = Number.NaN; // one row of day 1 drops out: 9 rows remain, still ≥ 5
    const q = quantileReturns(p.dates, p.score, p.outcome);
    expect(q).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(q[i]!.meanReturn).toBeGreaterThan(q[i - 1]!.meanReturn);
    expect(q.every((r) => r.days === 4)).toBe(true);
    const s = shuffledWithinDays(p, 5);
    const qs = quantileReturns(s.dates, s.score, s.outcome);
    qs.forEach((r, i) => expect(r.meanReturn).toBeCloseTo(q[i]!.meanReturn, 15));
    expect(quantileReturns(["d"], [1], [1], 5)[0]!.meanReturn).toBeNaN();
  });
});

describe("evaluation/ranking spread and distinct values", () => {
  it("gives the population standard deviation per day and exactly 0 for a constant score", () => {
    const p = panel([
      { date: "2024-01-01", score: [1, 2, 3, 4], outcome: [0, 0, 0, 0] },
      // (0.1 + 0.1 + 0.1)/3 = 0.10000000000000002: a naive mean would leave ~1e-17
      { date: "2024-01-02", score: [0.1, 0.1, 0.1], outcome: [0, 0, 0] },
      { date: "2024-01-03", score: [Number.NaN], outcome: [0] },
      { date: "2024-01-04", score: [7], outcome: [0] },
    ]);
    const spread = crossSectionalSpread(p.dates, p.score);
    expect(spread.dates).toEqual(["2024-01-01", "2024-01-02", "2024-01-04"]);
    expect(spread.std[0]).toBeCloseTo(Math.sqrt(1.25), 15); // deviations ±0.5, ±1.5
    expect(spread.std[1]).toBe(0);
    expect(spread.std[2]).toBe(0);
  });

  it("counts distinct non-NaN values", () => {
    expect(distinctRankCount([1, 1, 2, Number.NaN, 3, 3, Number.NaN])).toBe(3);
    expect(distinctRankCount(new Float64Array([0.5, 0.5, 0.5]))).toBe(1);
    expect(distinctRankCount([0, -0])).toBe(1);
    expect(distinctRankCount([])).toBe(0);
  });
});
