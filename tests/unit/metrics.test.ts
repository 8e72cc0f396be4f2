import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  coverage,
  mase,
  maseScale,
  pinball,
  rmse,
  salesMaseSeason,
  smape,
  wape,
} from '../../src/core/metrics';

describe('wape', () => {
  it('is Σ|y − ŷ| / Σ|y| pooled over all points', () => {
    expect(wape([10, 0, 30], [12, 5, 20])).toBeCloseTo((2 + 5 + 10) / 40, 12);
  });
  it('is 0 for a perfect forecast and 1 for an all-zero forecast of positive sales', () => {
    expect(wape([3, 4], [3, 4])).toBe(0);
    expect(wape([3, 4], [0, 0])).toBe(1);
  });
  it('divides by Σ|y|, so returns (negative weeks) count as volume', () => {
    expect(wape([-10, 10], [0, 0])).toBe(1);
  });
  it('is undefined (NaN) when there are no sales to scale by', () => {
    expect(wape([0, 0], [1, 2])).toBeNaN();
  });
  it('rejects arrays of different lengths', () => {
    expect(() => wape([1], [1, 2])).toThrow(/length/);
  });
});

describe('rmse', () => {
  it('is the root of the mean squared error', () => {
    expect(rmse([0, 0, 0, 0], [1, -1, 3, -3])).toBeCloseTo(Math.sqrt(5), 12);
  });
  it('is NaN for no points', () => {
    expect(rmse([], [])).toBeNaN();
  });
  it('is never below the mean absolute error', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (pairs) => {
          const y = pairs.map((p) => p[0]);
          const p = pairs.map((q) => q[1]);
          const mae = pairs.reduce((s, [a, b]) => s + Math.abs(a - b), 0) / pairs.length;
          return rmse(y, p) >= mae - 1e-9;
        },
      ),
    );
  });
});

describe('coverage', () => {
  it('counts actuals inside [lower, upper], bounds included', () => {
    expect(coverage([1, 2, 3, 4], [1, 0, 3.5, 0], [1, 1, 5, 10])).toBe(0.5);
  });
  it('is NaN for no points', () => {
    expect(coverage([], [], [])).toBeNaN();
  });
});

describe('pinball', () => {
  it('charges q per unit under-forecast and 1 − q per unit over-forecast', () => {
    expect(pinball([10], [8], 0.9)).toBeCloseTo(1.8, 12);
    expect(pinball([10], [12], 0.9)).toBeCloseTo(0.2, 12);
  });
  it('at q = 0.5 is half the mean absolute error', () => {
    expect(pinball([1, 5], [3, 2], 0.5)).toBeCloseTo((2 + 3) / 4, 12);
  });
});

describe('mase', () => {
  it('scales the mean absolute error by the in-sample naive error (m = 1, as M4 weekly)', () => {
    // History 10, 12, 9, 13: |differences| 2, 3, 4, mean 3.
    const scale = maseScale([10, 12, 9, 13], 1);
    expect(scale).toBe(3);
    // Errors 3 and 6, mean 4.5, over 3.
    expect(mase([16, 7], [13, 13], scale)).toBeCloseTo(1.5, 12);
  });
  it('uses the seasonal difference with m > 1, and needs more than m weeks', () => {
    expect(maseScale([1, 2, 3, 5, 4, 6], 3)).toBeCloseTo((4 + 2 + 3) / 3, 12);
    expect(maseScale([1, 2, 3], 3)).toBeNaN();
    expect(mase([1], [2], 0)).toBeNaN();
  });
  it('season for sales: 52 with two years of history, else naive', () => {
    expect(salesMaseSeason(103)).toBe(1);
    expect(salesMaseSeason(104)).toBe(52);
  });
});

describe('smape', () => {
  it("is M4's 200|y − ŷ| / (|y| + |ŷ|) in percent, 0 where both are 0", () => {
    // 200·2/(10+12) and 200·5/(5+10) and 0.
    expect(smape([10, 5, 0], [12, 10, 0])).toBeCloseTo((400 / 22 + 1000 / 15 + 0) / 3, 12);
  });
  it('is 200 for a zero forecast of a positive week', () => {
    expect(smape([4], [0])).toBe(200);
  });
});
