/**
 * A seeded PRNG for generated hostile inputs (SECURITY.md §4: ≥ 200 fuzz inputs per family). The
 * same seed gives the same inputs, so a failing case can be replayed from its index. mulberry32:
 * tiny, fast, and good enough to spread mutations — nothing here needs secrecy.
 */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Uint8Array;
  /** A string of `n` characters drawn from `alphabet`. */
  string(n: number, alphabet?: string): string;
};

export function seeded(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => {
      if (items.length === 0) throw new RangeError('nothing to pick from');
      return items[int(0, items.length - 1)]!;
    },
    chance: (p) => next() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => int(0, 255)),
    string: (n, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') =>
      Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join(''),
  };
}
