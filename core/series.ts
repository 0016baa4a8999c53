/** A numeric series: a plain array or a typed array such as Float64Array. */
export type Series = ArrayLike<number>;

/** A binary outcome series: booleans or the numbers 0 and 1. */
export type BinarySeries = ArrayLike<boolean | number>;

export function assertSameLength(name: string, ...series: ArrayLike<unknown>[]): number {
  const n = series[0]?.length ?? 0;
  for (const s of series) {
    if (s.length !== n) {
      throw new RangeError(`${name}: inputs differ in length (${series.map((x) => x.length)})`);
    }
  }
  return n;
}

export function assertNonEmpty(name: string, n: number): void {
  if (n === 0) throw new RangeError(`${name}: empty input`);
}

/** Reads a binary series as 0/1, rejecting anything else (NaN, 0.5, 2, ...). */
export function toBinary(name: string, values: BinarySeries): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else throw new RangeError(`${name}: value ${String(v)} at ${i} is not boolean or 0/1`);
  }
  return out;
}

export function assertProbabilities(name: string, p: Series): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name}: probability ${v} at ${i} not in [0,1]`);
  }
}

export function mean(values: Series): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
