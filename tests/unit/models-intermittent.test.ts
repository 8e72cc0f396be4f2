// Reference tests for Croston SBA, TSB, ADIDA and IMAPA against an independent
// numpy implementation (scripts/reference/make_theta_intermittent_fixtures.py;
// statsmodels has none of them).
//
// Tolerances: 1e-9 relative for every value. Croston and TSB are exact
// recursions with fixed constants; ADIDA and IMAPA optimise the SES alpha on
// [0.1, 0.3] with Brent's bounded minimiser in both implementations (scipy's
// fminbound there, its port here, xatol 1e-8), so the same alpha comes out
// and the forecasts agree to rounding (seen: <= 1.2e-16).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adida,
  aggregate,
  croston,
  demandIntervals,
  demandSizes,
  imapa,
  roundHalfEven,
  tsb,
} from '../../src/core/models/intermittent';
import { DEFAULT_SETTINGS, type LocalModel } from '../../src/core/models/types';

interface Case {
  name: string;
  y: number[];
  h: number;
  croston: number;
  tsb: number;
  adida: { forecast: number; level: number | null; alpha: number | null };
  imapa: { forecast: number; max_level: number | null; alphas: (number | null)[] };
  roll_forward: { fit_weeks: number; croston: number; tsb: number; adida?: number; imapa?: number };
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/models/intermittent.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const s = DEFAULT_SETTINGS;
const models = { croston, tsb, adida, imapa } as Record<string, LocalModel>;

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-9 * Math.max(Math.abs(expected), 1e-9),
  );
}

function reference(c: Case, alias: string): number {
  if (alias === 'croston') return c.croston;
  if (alias === 'tsb') return c.tsb;
  if (alias === 'adida') return c.adida.forecast;
  return c.imapa.forecast;
}

describe('intermittent-demand models against the numpy reference', () => {
  for (const c of fixtures.cases) {
    for (const [alias, model] of Object.entries(models)) {
      it(`${c.name} ${alias}`, () => {
        const y = Float64Array.from(c.y);
        const out = model.predict(model.fit(y, s), y, c.h, s);
        expect(out.point).toHaveLength(c.h);
        for (const v of out.point) close(v, reference(c, alias));
      });
    }

    it(`${c.name}: refit false — fitted on ${c.roll_forward.fit_weeks} weeks, rolled over all`, () => {
      const y = Float64Array.from(c.y);
      const head = y.subarray(0, c.roll_forward.fit_weeks);
      for (const [alias, model] of Object.entries(models)) {
        const expected = c.roll_forward[alias as 'croston'];
        if (expected === undefined) continue;
        close(model.predict(model.fit(head, s), y, 1, s).point[0] as number, expected);
      }
    });
  }
});

describe('building blocks and edge cases', () => {
  it('sizes and intervals as statsforecast counts them (first interval from the start)', () => {
    const y = [0, 0, 3, 0, 2, 5, 0];
    expect(Array.from(demandSizes(y))).toEqual([3, 2, 5]);
    expect(Array.from(demandIntervals(y))).toEqual([3, 2, 1]);
  });

  it('aggregation drops the oldest weeks so the last block ends at the last week', () => {
    expect(Array.from(aggregate([1, 2, 3, 4, 5, 6, 7], 3))).toEqual([9, 18]);
  });

  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });

  it('no demand at all forecasts zeros; a fit without demand still serves a longer series', () => {
    const zeros = new Float64Array(30);
    const later = Float64Array.from([...zeros, 4, 0, 0, 4]);
    for (const model of Object.values(models)) {
      const p = model.fit(zeros, s);
      expect(Array.from(model.predict(p, zeros, 4, s).point)).toEqual([0, 0, 0, 0]);
      expect(model.predict(p, later, 1, s).point[0]).toBeGreaterThan(0);
    }
  });

  it('a single demand: Croston is 0.95 × size / (its week + 1), ADIDA one block of the whole interval', () => {
    const y = new Float64Array(20);
    y[9] = 6;
    close(croston.predict(null, y, 1, s).point[0] as number, (0.95 * 6) / 10);
    // Interval 10: two blocks of 10 weeks, [6, 0]; SES from 6 at alpha a gives 6 (1 - a).
    const p = adida.fit(y, s);
    expect(p?.level).toBe(10);
    close(adida.predict(p, y, 1, s).point[0] as number, (6 * (1 - (p!.alpha as number))) / 10);
  });
});
