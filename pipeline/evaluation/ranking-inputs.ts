/**
 * What the ranking summary needs beside the scores, read off the dataset: each scored row's
 * tradable outcome (from the next session's open to the one after), the index's returns per
 * signal date, and the absolute model's walk-forward probability for the same row.
 */
import type { ModelInputs } from "../model/inputs.js";
import type { LabelledRows } from "../model/dataset.js";
import type { RankWalkForwardResult } from "./rank-walk-forward.js";
import type { RankingInputs } from "./ranking-summary.js";
import type { WalkForwardResult } from "./walk-forward.js";

function openToOpenOf(inputs: Pick<ModelInputs, "closes" | "opens">) {
  const index = new Map<string, Map<string, number>>();
  for (const [symbol, series] of inputs.closes) {
    index.set(symbol, new Map(series.dates.map((d, i) => [d, i])));
  }
  return (symbol: string, date: string): number => {
    const bar = index.get(symbol)?.get(date);
    const open = inputs.opens.get(symbol);
    if (bar === undefined || !open || bar + 2 >= open.length) return Number.NaN;
    const r = Math.log(open[bar + 2]! / open[bar + 1]!);
    return Number.isFinite(r) ? r : Number.NaN;
  };
}

export function rankingInputs(
  data: LabelledRows,
  inputs: Pick<ModelInputs, "closes" | "opens">,
  absolute: WalkForwardResult,
  rank: RankWalkForwardResult,
  indexSymbol: number,
  about: Pick<RankingInputs, "recipe" | "recipeHash" | "recipesTried" | "selectionCut">,
): RankingInputs {
  const openToOpen = openToOpenOf(inputs);
  const marketByRow = new Map<number, number>();
  absolute.rowIndex.forEach((r, i) => marketByRow.set(r, absolute.forecasts.mlp.p[i]!));
  const indexReturns = new Map<string, { closeToClose: number; openToOpen: number }>();
  const indexName = data.symbols[indexSymbol]!;
  for (let r = 0; r < data.n; r++) {
    if (data.symbolIndex[r] !== indexSymbol) continue;
    indexReturns.set(data.dates[r]!, {
      closeToClose: data.ret[r]!,
      openToOpen: openToOpen(indexName, data.dates[r]!),
    });
  }
  return {
    ...about,
    rank,
    openToOpen: Float64Array.from(rank.rows, (r) =>
      openToOpen(data.symbols[data.symbolIndex[r]!]!, data.dates[r]!),
    ),
    indexReturns,
    marketP: Float64Array.from(rank.rows, (r) => marketByRow.get(r) ?? 0.5),
  };
}

/** evaluation/<version>/ranking.csv: one row per scored member day, every model's score. */
export function rankingCsv(data: LabelledRows, inputs: RankingInputs): string {
  const { rank } = inputs;
  const models = Object.keys(rank.scores);
  const lines = [
    [
      "date",
      "symbol",
      "fold",
      "next_return",
      "next_open_to_open",
      ...models.map((m) => `${m}_score`),
    ].join(","),
  ];
  rank.rows.forEach((_, i) => {
    lines.push(
      [
        rank.dates[i]!,
        data.symbols[rank.symbolIndex[i]!]!,
        rank.fold[i]!,
        rank.ret[i]!,
        Number.isFinite(inputs.openToOpen[i]!) ? inputs.openToOpen[i]! : "",
        ...models.map((m) => rank.scores[m]![i]!),
      ].join(","),
    );
  });
  return lines.join("\n") + "\n";
}
