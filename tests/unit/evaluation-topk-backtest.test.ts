import { describe, expect, it } from "vitest";
import { createRng } from "../../core/random.js";
import {
  summarizeTopk,
  topkDropoutBacktest,
  topMinusBottom,
} from "../../pipeline/evaluation/topk-backtest.js";

const NaN_ = Number.NaN;
const A = 0;
const B = 1;
const C = 2;
const D = 3;

interface Panel {
  dates: string[];
  symbol: number[];
  score: number[];
  outcome: number[];
}

/** Rows from per-day tables of [symbol, score, simple return]; the outcome is its log return. */
function panel(days: [string, [number, number, number][]][]): Panel {
  const out: Panel = { dates: [], symbol: [], score: [], outcome: [] };
  for (const [date, rows] of days) {
    for (const [s, score, simple] of rows) {
      out.dates.push(date);
      out.symbol.push(s);
      out.score.push(score);
      out.outcome.push(Math.log1p(simple));
    }
  }
  return out;
}

describe("evaluation/topk-backtest topkDropoutBacktest", () => {
  // k = 2, nDrop = 1, 10 bp per side (c = 0.001), members A B C D.
  // Day 1: scores A .4 B .3 C .2 D .1 → buy A, B (turnover 1, traded weight 1).
  //   gross (0.02 + 0.01)/2 = 0.015; net 0.999·1.015 − 1 = 0.013985; benchmark 0.05/4 = 0.0125.
  // Day 2: C .5 A .4 D .3 B .1; top 2 = C, A → sell B (outside the top 2), buy C.
  //   A has no outcome: held, earns 0. gross (0 + 0.04)/2 = 0.02; traded (1 + 1)/2 = 1;
  //   net 0.999·1.02 − 1 = 0.01898; benchmark over B C D = 0.02/3; turnover 1/2.
  // Day 3: D .9 A .8 C .7 B .1 but D has no outcome, so it cannot be bought: ranked among held
  //   or buyable names (A, C, B), the top 2 is A, C and nothing trades. (Ranking D in would push
  //   C out and swap it for B, a far worse name.) gross (0.01 − 0.03)/2 = −0.01 = net;
  //   benchmark (0.01 + 0.05 − 0.03)/3 = 0.01; turnover 0.
  const p = panel([
    [
      "2024-01-01",
      [
        [A, 0.4, 0.02],
        [B, 0.3, 0.01],
        [C, 0.2, -0.01],
        [D, 0.1, 0.03],
      ],
    ],
    [
      "2024-01-02",
      [
        [A, 0.4, NaN_],
        [B, 0.1, -0.02],
        [C, 0.5, 0.04],
        [D, 0.3, 0],
      ],
    ],
    [
      "2024-01-03",
      [
        [A, 0.8, 0.01],
        [B, 0.1, 0.05],
        [C, 0.7, -0.03],
        [D, 0.9, NaN_],
      ],
    ],
  ]);
  const options = { k: 2, nDrop: 1, costBps: 10 };

  it("computes holdings, turnover, costs and the benchmark by hand", () => {
    const r = topkDropoutBacktest(p.dates, p.symbol, p.score, p.outcome, options);
    expect(r.dates).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(r.holdings).toEqual([
      [A, B],
      [A, C],
      [A, C],
    ]);
    expect(Array.from(r.turnover)).toEqual([1, 0.5, 0]);
    [0.015, 0.02, -0.01].forEach((g, i) => expect(r.gross[i]).toBeCloseTo(g, 15));
    [0.013985, 0.01898, -0.01].forEach((n, i) => expect(r.portfolio[i]).toBeCloseTo(n, 15));
    [0.0125, 0.02 / 3, 0.01].forEach((b, i) => expect(r.benchmark[i]).toBeCloseTo(b, 15));
  });

  it("summarises the hand example", () => {
    // Equity 1.013985 · 1.01898 · 0.99 = 1.022898130947; annualised ^(252/3) − 1.
    // Net mean 0.007655, sd 0.0154923134 → Sharpe 0.007655/0.0154923134·√252 = 7.84384839.
    // Peak 1.03323... then ×0.99: drawdown 0.01. Turnover (1 + 0.5 + 0)·252/3 = 126.
    // Benchmark equity 1.0125 · (1 + 0.02/3) · 1.01 = 1.0294425.
    const s = summarizeTopk(topkDropoutBacktest(p.dates, p.symbol, p.score, p.outcome, options));
    expect(s.days).toBe(3);
    expect(s.annualReturn).toBeCloseTo(1.022898130947 ** 84 - 1, 10);
    expect(s.benchmarkAnnualReturn).toBeCloseTo(1.0294425 ** 84 - 1, 10);
    expect(s.excessAnnualReturn).toBeCloseTo(1.022898130947 ** 84 - 1.0294425 ** 84, 10);
    expect(s.sharpe).toBeCloseTo(7.8438483943, 8);
    expect(s.maxDrawdown).toBeCloseTo(0.01, 14);
    expect(s.turnoverPerYear).toBeCloseTo(126, 12);
  });

  it("replaces at most nDrop names a day, worst held first", () => {
    // Day 1 buys A, B; day 2 ranks C .9 D .8 A .2 B .1: both held names fall outside the top 2.
    const q = panel([
      [
        "2024-01-01",
        [
          [A, 0.4, 0],
          [B, 0.3, 0],
          [C, 0.2, 0],
          [D, 0.1, 0],
        ],
      ],
      [
        "2024-01-02",
        [
          [A, 0.2, 0.01],
          [B, 0.1, 0.02],
          [C, 0.9, 0.03],
          [D, 0.8, 0.04],
        ],
      ],
    ]);
    const one = topkDropoutBacktest(q.dates, q.symbol, q.score, q.outcome, {
      k: 2,
      nDrop: 1,
      costBps: 0,
    });
    expect(one.holdings[1]).toEqual([A, C]); // B (the worse) goes, C (the best) comes
    expect(one.turnover[1]).toBe(0.5);
    expect(one.portfolio[1]).toBeCloseTo((0.01 + 0.03) / 2, 15);
    const two = topkDropoutBacktest(q.dates, q.symbol, q.score, q.outcome, {
      k: 2,
      nDrop: 2,
      costBps: 0,
    });
    expect(two.holdings[1]).toEqual([C, D]);
    expect(two.turnover[1]).toBe(1);
    const none = topkDropoutBacktest(q.dates, q.symbol, q.score, q.outcome, {
      k: 2,
      nDrop: 0,
      costBps: 0,
    });
    expect(none.holdings[1]).toEqual([A, B]);
  });

  it("holds cash in empty slots, fills them later, and skips days without outcomes", () => {
    // k = 3, 20 bp. Day 1: only A and B can be bought (C has no outcome): 2 slots of 1/3,
    //   turnover 2/3, gross (0.03 + 0.06)/3 = 0.03, net (1 − 0.002·2/3)·1.03 − 1.
    // Day 2: C becomes buyable and fills the third slot: turnover 1/3, traded 1/3.
    // Day 3: no outcome at all (the last signal day): left out.
    const q = panel([
      [
        "2024-01-01",
        [
          [A, 0.3, 0.03],
          [B, 0.2, 0.06],
          [C, 0.9, NaN_],
        ],
      ],
      [
        "2024-01-02",
        [
          [A, 0.3, 0],
          [B, 0.2, 0],
          [C, 0.9, 0.03],
        ],
      ],
      [
        "2024-01-03",
        [
          [A, 0.3, NaN_],
          [B, 0.2, NaN_],
          [C, 0.9, NaN_],
        ],
      ],
    ]);
    const r = topkDropoutBacktest(q.dates, q.symbol, q.score, q.outcome, {
      k: 3,
      nDrop: 1,
      costBps: 20,
    });
    expect(r.dates).toEqual(["2024-01-01", "2024-01-02"]);
    expect(r.holdings).toEqual([
      [A, B],
      [A, B, C],
    ]);
    expect(r.turnover[0]).toBeCloseTo(2 / 3, 15);
    expect(r.turnover[1]).toBeCloseTo(1 / 3, 15);
    expect(r.gross[0]).toBeCloseTo(0.03, 15);
    expect(r.portfolio[0]).toBeCloseTo((1 - (0.002 * 2) / 3) * 1.03 - 1, 15);
    expect(r.portfolio[1]).toBeCloseTo((1 - 0.002 / 3) * 1.01 - 1, 15);
  });

  it("gives the same result whatever the order of rows within a day", () => {
    const rng = createRng(21);
    const base: Panel = { dates: [], symbol: [], score: [], outcome: [] };
    const shuffled: Panel = { dates: [], symbol: [], score: [], outcome: [] };
    for (let d = 1; d <= 20; d++) {
      const date = `2024-02-${String(d).padStart(2, "0")}`;
      // Scores on a coarse grid so that ties (broken by symbol) occur.
      const rows = Array.from({ length: 8 }, (_, s) => ({
        s,
        score: rng.int(4),
        outcome: rng.uniform() < 0.1 ? NaN_ : rng.normal(0, 0.02),
      }));
      const order = rows.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const [target, idx] of [
        [base, rows.map((_, i) => i)],
        [shuffled, order],
      ] as const) {
        for (const i of idx) {
          target.dates.push(date);
          target.symbol.push(rows[i]!.s);
          target.score.push(rows[i]!.score);
          target.outcome.push(rows[i]!.outcome);
        }
      }
    }
    expect(shuffled.symbol).not.toEqual(base.symbol);
    const o = { k: 3, nDrop: 1, costBps: 5 };
    const a = topkDropoutBacktest(base.dates, base.symbol, base.score, base.outcome, o);
    const b = topkDropoutBacktest(
      shuffled.dates,
      shuffled.symbol,
      shuffled.score,
      shuffled.outcome,
      o,
    );
    expect(b).toEqual(a);
    const la = topMinusBottom(base.dates, base.symbol, base.score, base.outcome, 2, 5);
    const lb = topMinusBottom(
      shuffled.dates,
      shuffled.symbol,
      shuffled.score,
      shuffled.outcome,
      2,
      5,
    );
    expect(lb).toEqual(la);
  });

  it("beats the benchmark when the score is the future outcome itself", () => {
    const rng = createRng(99);
    const p: Panel = { dates: [], symbol: [], score: [], outcome: [] };
    for (let d = 0; d < 120; d++) {
      const date = new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10);
      for (let s = 0; s < 30; s++) {
        const r = rng.normal(0.0003, 0.015);
        p.dates.push(date);
        p.symbol.push(s);
        p.score.push(r);
        p.outcome.push(r);
      }
    }
    const r = topkDropoutBacktest(p.dates, p.symbol, p.score, p.outcome, {
      k: 5,
      nDrop: 5,
      costBps: 10,
    });
    // nDrop = k rebalances to the true top 5 daily, which beats the mean of all 30 every day.
    for (let t = 0; t < r.dates.length; t++) {
      expect(r.gross[t]).toBeGreaterThan(r.benchmark[t]!);
    }
    const s = summarizeTopk(r);
    expect(s.days).toBe(120);
    expect(s.excessAnnualReturn).toBeGreaterThan(0);
    expect(s.annualReturn).toBeGreaterThan(s.benchmarkAnnualReturn);
    expect(s.sharpe).toBeGreaterThan(0);
    // The reversed score is the worst possible one and loses to the benchmark.
    const worst = summarizeTopk(
      topkDropoutBacktest(
        p.dates,
        p.symbol,
        p.score.map((v) => -v),
        p.outcome,
        {
          k: 5,
          nDrop: 5,
          costBps: 10,
        },
      ),
    );
    expect(worst.excessAnnualReturn).toBeLessThan(0);
    expect(
      topMinusBottom(p.dates, p.symbol, p.score, p.outcome, 5, 10).spread.every((v) => v > 0),
    ).toBe(true);
  });

  it("rejects bad options and duplicate symbols, and summarises no days without throwing", () => {
    const run = (k: number, nDrop: number, costBps: number) =>
      topkDropoutBacktest(p.dates, p.symbol, p.score, p.outcome, { k, nDrop, costBps });
    expect(() => run(0, 1, 0)).toThrow(RangeError);
    expect(() => run(1.5, 1, 0)).toThrow(RangeError);
    expect(() => run(2, -1, 0)).toThrow(RangeError);
    expect(() => run(2, 1, -1)).toThrow(RangeError);
    expect(() => topkDropoutBacktest(["d", "d"], [A, A], [1, 2], [0, 0], options)).toThrow(
      RangeError,
    );
    const empty = topkDropoutBacktest([], [], [], [], options);
    expect(empty.dates).toEqual([]);
    const s = summarizeTopk(empty);
    expect(s.days).toBe(0);
    expect(s.annualReturn).toBeNaN();
    expect(s.sharpe).toBeNaN();
    expect(s.turnoverPerYear).toBeNaN();
  });
});

describe("evaluation/topk-backtest topMinusBottom", () => {
  it("charges the changed weight of both legs by hand", () => {
    // k = 1, 10 bp (c = 0.001).
    // Day 1: long A (0.03), short D (−0.02): gross 0.05; entering both legs Σ|Δw| = 2 → 0.048.
    // Day 2: long A (0.01), short C (−0.02): gross 0.03; only the short leg changes
    //   (D −1 → 0, C 0 → −1): Σ|Δw| = 2 → 0.028.
    // Day 3: long D (0.02), short A (−0.01): gross 0.03; every name changes
    //   (A +1 → −1 counts 2, D 0 → +1, C −1 → 0): Σ|Δw| = 4 → 0.026.
    // Day 4: only B has an outcome, fewer than 2k names: left out.
    const q = panel([
      [
        "2024-01-01",
        [
          [A, 0.4, 0.03],
          [B, 0.3, 0.01],
          [C, 0.2, -0.01],
          [D, 0.1, -0.02],
        ],
      ],
      [
        "2024-01-02",
        [
          [A, 0.4, 0.01],
          [B, 0.3, 0],
          [C, 0.1, -0.02],
          [D, 0.2, 0.01],
        ],
      ],
      [
        "2024-01-03",
        [
          [A, 0.1, -0.01],
          [B, 0.3, 0.05],
          [C, 0.2, 0.04],
          [D, 0.4, 0.02],
        ],
      ],
      [
        "2024-01-04",
        [
          [A, 0.1, NaN_],
          [B, 0.3, 0.05],
        ],
      ],
    ]);
    const r = topMinusBottom(q.dates, q.symbol, q.score, q.outcome, 1, 10);
    expect(r.dates).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    [0.048, 0.028, 0.026].forEach((v, i) => expect(r.spread[i]).toBeCloseTo(v, 14));
    const free = topMinusBottom(q.dates, q.symbol, q.score, q.outcome, 1, 0);
    [0.05, 0.03, 0.03].forEach((v, i) => expect(free.spread[i]).toBeCloseTo(v, 14));
  });

  it("measures the changed share of each leg with k = 2", () => {
    // Day 1: long A, B (0.02, 0.04), short C, D (0, −0.02): gross 0.03 − (−0.01) = 0.04;
    //   Σ|Δw| = 4 · 1/2 = 2 → 0.04 − 0.002 = 0.038 at 10 bp.
    // Day 2: long A, C, short B, D: B +1/2 → −1/2 and C −1/2 → +1/2, Σ|Δw| = 2 → cost 0.002;
    //   gross (0.01 + 0.03)/2 − (−0.01 + 0.01)/2 = 0.02 → 0.018.
    const q = panel([
      [
        "2024-01-01",
        [
          [A, 0.4, 0.02],
          [B, 0.3, 0.04],
          [C, 0.2, 0],
          [D, 0.1, -0.02],
        ],
      ],
      [
        "2024-01-02",
        [
          [A, 0.4, 0.01],
          [B, 0.2, -0.01],
          [C, 0.3, 0.03],
          [D, 0.1, 0.01],
        ],
      ],
    ]);
    const r = topMinusBottom(q.dates, q.symbol, q.score, q.outcome, 2, 10);
    expect(r.spread[0]).toBeCloseTo(0.038, 14);
    expect(r.spread[1]).toBeCloseTo(0.018, 14);
    expect(() => topMinusBottom(q.dates, q.symbol, q.score, q.outcome, 0, 10)).toThrow(RangeError);
  });
});
