/**
 * Seeded pseudo-random numbers for tests, simulations and reproducible shuffles.
 *
 * Generator: mulberry32 (Tommy Ettinger, 2017), a 32-bit Weyl sequence with a MurmurHash3-style
 * output mix; period 2^32. Fast and good enough for simulations; not for cryptography.
 * Normal variates: Box-Muller transform (Box & Muller 1958), both outputs of each pair used.
 */
interface Rng {
  /** Next raw 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number;
  /** Normal with the given mean and standard deviation (default standard normal). */
  normal(mean?: number, sd?: number): number;
  /** Uniform integer in [0, maxExclusive), without modulo bias; maxExclusive in [1, 2^32]. */
  int(maxExclusive: number): number;
}

const TWO_POW_32 = 4294967296;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spareNormal: number | undefined;

  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const uniform = (): number => nextUint32() / TWO_POW_32;

  const standardNormal = (): number => {
    if (spareNormal !== undefined) {
      const z = spareNormal;
      spareNormal = undefined;
      return z;
    }
    const u1 = 1 - uniform(); // (0, 1]: keeps log finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };

  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(
        `int: maxExclusive must be an integer in [1, 2^32], got ${maxExclusive}`,
      );
    }
    // Reject the top partial block so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    let r = nextUint32();
    while (r >= limit) r = nextUint32();
    return r % maxExclusive;
  };

  return {
    nextUint32,
    uniform,
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    int,
  };
}

/** A shuffled copy (Fisher-Yates / Durstenfeld); the input is left untouched. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** n independent normal draws. */
export function normalSample(rng: Rng, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal(mean, sd);
  return out;
}
