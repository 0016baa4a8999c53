/**
 * The walk-forward's cadence: which rows a run evaluates, and the record key's sensitivity to
 * the rows themselves.
 */
import { describe, expect, it } from "vitest";
import { evaluationCut, rowsHash } from "../../pipeline/evaluation/evaluation-record.js";
import { selectRows } from "../../pipeline/model/dataset.js";
import { syntheticRows } from "../helpers/synthetic-rows.js";

describe("evaluationCut", () => {
  it("weekly: the Monday of the week after the last labelled date's next day", () => {
    // 2023-06-27 is a Tuesday, 2023-06-28 a Wednesday: both runs evaluate rows before Monday 26th
    expect(evaluationCut("2023-06-27", 7)).toBe("2023-06-26");
    expect(evaluationCut("2023-06-28", 7)).toBe("2023-06-26");
    // a Friday's label is Monday's close: the Monday run evaluates up to that Friday
    expect(evaluationCut("2023-06-23", 7)).toBe("2023-06-19");
    expect(evaluationCut("2023-06-25", 7)).toBe("2023-06-26");
  });

  it("daily: every row is evaluated", () => {
    expect(evaluationCut("2023-06-28", 1)).toBe("2023-06-29");
    expect(evaluationCut("2023-12-31", 1)).toBe("2024-01-01");
  });
});

describe("rowsHash", () => {
  const data = syntheticRows({ symbols: 3, days: 50, seed: 2 });

  it("is the same for the same rows and changes with any feature, target or date", () => {
    expect(rowsHash(selectRows(data, () => true))).toBe(rowsHash(data));
    const x = data.x.slice();
    x[17] = x[17]! + 1e-3;
    expect(rowsHash({ ...data, x })).not.toBe(rowsHash(data));
    const ret = data.ret.slice();
    ret[3] = ret[3]! + 1e-9;
    expect(rowsHash({ ...data, ret })).not.toBe(rowsHash(data));
    expect(rowsHash(selectRows(data, (r) => r !== 5))).not.toBe(rowsHash(data));
  });
});
