/**
 * The members' ranking in the report: its tables and a verdict that judges the comparisons on
 * the days the recipe choice never saw, and says when the portfolio loses after costs.
 */
import { describe, expect, it } from "vitest";
import { rankingMetricsSchema, type RankingMetrics } from "../../core/contracts.js";
import { rankingSection, rankingVerdict } from "../../pipeline/report/ranking.js";

const ic = (mean: number, t: number, p: number) => ({
  days: 100,
  mean,
  std: 0.2,
  icir: mean / 0.2,
  t,
  pValue: p,
  positiveShare: 0.55,
});

function fixture(holdoutP: number, topk: number): RankingMetrics {
  const model = (name: string, mean: number) => ({
    model: name,
    whole: ic(mean, 5, 1e-6),
    selection: ic(mean + 0.01, 4, 1e-4),
    holdout: ic(mean - 0.01, 2, 0.02),
    byYear: [],
    quantiles: [1, 2, 3, 4, 5].map((q) => ({ quantile: q, meanReturn: q * 1e-4, days: 100 })),
    spreadMean: 0.001,
    trainingSeconds: 1,
  });
  return rankingMetricsSchema.parse({
    recipe: "champ",
    recipeHash: "h",
    recipesTried: 4,
    selectionCut: "2020-01-01",
    members: 30,
    models: [model("champ", 0.045), model("ridge", 0.04)],
    comparisons: [
      {
        baseline: "ridge",
        meanDifference: 0.005,
        t: 2.5,
        pValueBetter: 0.01,
        holdout: { meanDifference: 0.001, t: 0.3, pValueBetter: holdoutP },
      },
    ],
    varyingDayShare: 1,
    backtest: [
      {
        timing: "next-open",
        tradable: true,
        k: 5,
        nDrop: 2,
        costBps: 10,
        days: 100,
        annualReturn: topk,
        benchmarkAnnualReturn: 0.2,
        indexAnnualReturn: 0.12,
        excessAnnualReturn: topk - 0.2,
        sharpe: 1,
        maxDrawdown: 0.3,
        turnoverPerYear: 80,
        spreadAnnualReturn: -0.05,
      },
    ],
    memberProbability: null,
  });
}

describe("the ranking in the report", () => {
  it("judges a baseline comparison on the days from the selection cut", () => {
    const lines = rankingVerdict(fixture(0.38, 0.15)).join("\n");
    expect(lines).toContain(
      "Against ridge, on the days from 2020-01-01: not significantly different",
    );
    expect(lines).toContain("p 0.380");
    expect(rankingVerdict(fixture(0.01, 0.15)).join("\n")).toContain("significantly better");
  });

  it("says whether the tradable portfolio beats the members after costs", () => {
    expect(rankingVerdict(fixture(0.5, 0.15)).join("\n")).toContain("it does not beat the members");
    expect(rankingVerdict(fixture(0.5, 0.25)).join("\n")).toContain("it beats the members");
  });

  it("draws the rank IC, comparison, quintile and backtest tables", () => {
    const text = rankingSection(fixture(0.38, 0.15)).join("\n\n");
    expect(text).toContain("| champ (champion recipe) |");
    expect(text).toContain("Difference from 2020-01-01");
    expect(text).toContain("Q5 (highest)");
    expect(text).toContain("next open (tradable)");
  });
});
