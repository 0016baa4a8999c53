import { describe, expect, it } from "vitest";
import { createRng, normalSample, shuffle } from "../../core/random.js";

describe("core/random", () => {
  it("reproduces the reference mulberry32 stream for seed 99", () => {
    // Reference values of the JavaScript mulberry32 generator for seed 99, as asserted in the
    // xrandom package's mulberry32 test ("Reference values from JS generator", Art Galkin).
    const expected = [
      1118692146, 3456687457, 2323025554, 2964572940, 4890715, 3511320825, 48751514, 452846334,
      1703291702, 2881671998,
    ];
    const rng = createRng(99);
    expect(expected.map(() => rng.nextUint32())).toEqual(expected);
  });

  it("is deterministic per seed and differs between seeds", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const drawsA = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(drawsA);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(drawsA);
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const rng = createRng(1);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      sumSq += u * u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const m = sum / n;
    // Standard error of the mean is √(1/12)/√n ≈ 0.0009, so 0.005 is > 5 standard errors.
    expect(Math.abs(m - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - m * m - 1 / 12)).toBeLessThan(0.002);
  });

  it("draws normals with the requested moments and 95% inside ±1.96 sd", () => {
    const z = normalSample(createRng(2), 100_000, 3, 2);
    let sum = 0;
    let sumSq = 0;
    let inside = 0;
    for (const v of z) {
      sum += v;
      sumSq += v * v;
      if (Math.abs(v - 3) < 1.959963985 * 2) inside++;
    }
    const m = sum / z.length;
    expect(Math.abs(m - 3)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(sumSq / z.length - m * m) - 2)).toBeLessThan(0.03);
    expect(Math.abs(inside / z.length - 0.95)).toBeLessThan(0.004);
  });

  it("draws unbiased integers in range and rejects bad bounds", () => {
    const rng = createRng(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
  });

  it("shuffles into a permutation, leaves the input alone and repeats per seed", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = shuffle(items, createRng(11));
    expect(items).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(once.slice().sort((a, b) => a - b)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(shuffle(items, createRng(11))).toEqual(once);
    expect(shuffle(items, createRng(12))).not.toEqual(once);
  });
});
