import { describe, expect, it } from "vitest";
import { CLIP, STD_FLOOR, fitScaler, transform } from "../../pipeline/model/scaler.js";

describe("scaler", () => {
  // three features over four rows, row-major
  const x = Float32Array.from([1, 5, 7, 3, 5, -1, 5, 5, 2, 7, 5, 4]);

  it("fits the mean and population std per feature, flooring a constant feature", () => {
    const s = fitScaler(x, 3);
    expect(s.mean).toEqual([4, 5, 3]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(s.std[1]).toBe(STD_FLOOR);
    expect(s.std[2]).toBeCloseTo(Math.sqrt((16 + 16 + 1 + 1) / 4), 6);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("is fitted on the given rows only: other rows never change it", () => {
    const train = [0, 2];
    const a = fitScaler(x, 3, train);
    const changed = x.slice();
    changed.set([1e6, -1e6, 42], 3);
    changed.set([Number.NaN, 0, 0], 9);
    expect(fitScaler(changed, 3, train)).toEqual(a);
    expect(a.mean).toEqual([3, 5, 4.5]);
    expect(fitScaler(changed, 3, [0, 1])).not.toEqual(a);
  });

  it("standardises and clips to ±6", () => {
    const s = { mean: [0, 10], std: [2, 1] };
    const out = transform(s, Float32Array.from([4, 10, 100, -100]));
    expect(Array.from(out)).toEqual([2, 0, CLIP, -CLIP]);
    expect(() => transform(s, Float32Array.from([1, 2, 3]))).toThrow(/rows of 2/);
  });

  it("refuses non-finite training values and empty row sets", () => {
    expect(() => fitScaler(Float32Array.from([1, Number.NaN]), 1)).toThrow(/non-finite/);
    expect(() => fitScaler(x, 3, [])).toThrow(/no rows/);
  });
});
