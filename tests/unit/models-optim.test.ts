import { describe, expect, it } from 'vitest';
import { minimizeScalar, nelderMead } from '../../src/core/models/optim';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(
      (x) => 100 * ((x[1] as number) - (x[0] as number) ** 2) ** 2 + (1 - (x[0] as number)) ** 2,
      [-1.2, 1],
      { initStep: 0.5, maxIter: 5000, tolStd: 1e-14 },
    );
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('keeps every trial inside the bounds', () => {
    const seen: number[] = [];
    const r = nelderMead(
      (x) => {
        seen.push(x[0] as number);
        return ((x[0] as number) - 5) ** 2 + ((x[1] as number) - 0.3) ** 2;
      },
      [0.5, 0.5],
      { lower: [0, 0], upper: [1, 1], adaptive: true, tolStd: 1e-12, restarts: 5 },
    );
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(0.3, 3);
  });
});

describe('minimizeScalar', () => {
  it('matches scipy fminbound on a smooth function', () => {
    const r = minimizeScalar((x) => (x - 0.37) ** 2 + 1, 0.01, 0.99);
    expect(r.x).toBeCloseTo(0.37, 5);
    expect(r.fx).toBeCloseTo(1, 10);
  });

  it('ends at a bound when the minimum lies outside', () => {
    const r = minimizeScalar((x) => -x, 0.01, 0.99);
    expect(r.x).toBeGreaterThan(0.99 - 1e-4);
  });
});
