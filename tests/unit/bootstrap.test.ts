import { describe, expect, it } from 'vitest';
import { pairedBootstrap, type PooledParts } from '../../src/core/backtest/bootstrap';
import { mulberry32 } from '../../src/core/random';

/** Per-series absolute errors and actuals of n series, drawn from a seeded stream. */
function wapeParts(n: number, seed: number, errorScale: number): PooledParts {
  const r = mulberry32(seed);
  const den = Array.from({ length: n }, () => 50 + 100 * r());
  return { num: den.map((d) => d * errorScale * (0.5 + r())), den };
}

describe('paired bootstrap over series', () => {
  it('puts two identical models at exactly 0, with a zero-width interval', () => {
    const a = wapeParts(40, 3, 0.2);
    const ci = pairedBootstrap(a, { num: Array.from(a.num), den: Array.from(a.den) });
    expect(ci.estimate).toBe(0);
    expect(ci.lo).toBe(0);
    expect(ci.hi).toBe(0);
  });

  it('excludes 0 when one model is worse on every series', () => {
    const b = wapeParts(40, 5, 0.2);
    // A's error is 10–30% lower than B's on each series.
    const r = mulberry32(9);
    const a = { num: Array.from(b.num, (e) => e * (0.7 + 0.2 * r())), den: b.den };
    const ci = pairedBootstrap(a, b, { resamples: 500 });
    expect(ci.estimate).toBeLessThan(-0.1);
    expect(ci.hi).toBeLessThan(0);
    expect(ci.lo).toBeLessThan(ci.estimate);
    expect(ci.hi).toBeGreaterThan(ci.estimate);
  });

  it('contains 0 when the lead comes from one series', () => {
    const b = wapeParts(40, 7, 0.2);
    // Equal everywhere but one series, where A is far better and B far worse:
    // whether that series is drawn decides the sign.
    const aNum = Array.from(b.num);
    aNum[0] = 0;
    const bNum = Array.from(b.num);
    bNum[0] = 40 * (bNum[0] as number);
    const ci = pairedBootstrap({ num: aNum, den: b.den }, { num: bNum, den: b.den });
    expect(ci.estimate).toBeLessThan(-0.3);
    expect(ci.lo).toBeLessThan(-0.3);
    expect(ci.hi).toBe(0);
  });

  it('gives the same interval for the same seed, another for another seed', () => {
    const a = wapeParts(30, 11, 0.18);
    const b = wapeParts(30, 12, 0.2);
    const one = pairedBootstrap(a, b, { seed: 4, resamples: 300 });
    expect(pairedBootstrap(a, b, { seed: 4, resamples: 300 })).toEqual(one);
    const other = pairedBootstrap(a, b, { seed: 5, resamples: 300 });
    expect(other.estimate).toBe(one.estimate);
    expect([other.lo, other.hi]).not.toEqual([one.lo, one.hi]);
  });

  it('refuses models scored on different series', () => {
    expect(() => pairedBootstrap(wapeParts(3, 1, 0.2), wapeParts(4, 1, 0.2))).toThrow(
      /same series/,
    );
  });
});
