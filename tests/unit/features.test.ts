import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ALL_PRESENT,
  buildInputWindow,
  buildSequenceWindow,
  isSequenceInput,
  SEASON_WEEKS,
  seasonIndexInto,
  SEQUENCE_FEATURE_NAMES,
  SEQUENCE_SCALING_RULE,
  SEQUENCE_SEASON_FEATURE_NAMES,
  SEQUENCE_STRONG_SEASON_FEATURE_NAMES,
  SEQUENCE_TESTED_SEASON_FEATURE_NAMES,
  completeWeekIndices,
  FEATURE_NAMES,
  hasFullWindow,
  historyStats,
  latestOrigin,
  unscaleOutput,
} from '../../src/core/features';
import { parseModelDescriptor, type ModelDescriptor } from '../../src/core/model-descriptor';
import { mulberry32 } from '../../src/core/random';
import { isSeasonal } from '../../src/core/stats/seasonality';
import type { WeeklyRow } from '../../src/core/types';

const F = FEATURE_NAMES.length;
const col = (name: string): number => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]);

const spec: Pick<ModelDescriptor, 'input' | 'scaling'> = {
  input: { name: 'input', window: 4, features: [...FEATURE_NAMES] },
  scaling: { rule: 'test', scaledFeatures: [], minScale: 1e-6, historyWeeks: 104 },
};

function row(i: number, amount: number, partial: 0 | 1 = 0): WeeklyRow {
  const quantity = amount > 0 ? Math.round(amount / 10) : 0;
  const transactions = amount > 0 ? 2 : 0;
  return {
    sku: 'A',
    seed_id: -1,
    week_start: `2023-01-${String(2 + i).padStart(2, '0')}`,
    iso_year: 2023,
    iso_week: (i % 52) + 1,
    month: (Math.floor(i / 4.35) % 12) + 1,
    partial,
    total_amount: amount,
    quantity,
    transactions,
    age: transactions ? 40 : 0,
    male: transactions ? 1 : 0,
    female: transactions ? 1 : 0,
    price_per_unit: 10,
    window_mean_4: amount,
    window_mean_5: amount,
    window_mean_6: amount,
    window_mean_7: amount,
  };
}

describe('completeWeekIndices / latestOrigin', () => {
  it('skips partial weeks at both ends', () => {
    const rows = [row(0, 5, 1), row(1, 5), row(2, 5), row(3, 5, 1)];
    expect(completeWeekIndices(rows)).toEqual([1, 2]);
    expect(latestOrigin(rows)).toBe(3);
    expect(latestOrigin([row(0, 1, 1)])).toBe(-1);
  });
});

describe('buildInputWindow', () => {
  const amounts = [0, 100, 200, 0, 300, 400, 0, 500];
  const rows = [row(0, 999, 1), ...amounts.map((a, i) => row(i + 1, a)), row(9, 999, 1)];

  it('scales money by the mean |amount| of all complete weeks before the origin', () => {
    const { x, scale } = buildInputWindow(rows, 9, spec, ALL_PRESENT);
    expect(scale).toBeCloseTo(1500 / 8, 9);
    expect(x).toHaveLength(4 * F);
    const lastWeek = 3 * F;
    expect(x[lastWeek + col('total_amount')]).toBeCloseTo(500 / scale, 5);
    expect(x[lastWeek + col('window_mean_7')]).toBeCloseTo(500 / scale, 5);
    expect(x[lastWeek + col('history_zero_share')]).toBeCloseTo(3 / 8, 6);
    expect(x[lastWeek + col('price_per_unit')]).toBeCloseTo(Math.log1p(10 / scale), 6);
  });

  it('reads only the weeks before the origin (no look-ahead)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 2, maxLength: 2 }),
        (future) => {
          const changed = rows.slice();
          changed[7] = row(7, future[0] as number);
          changed[8] = row(8, future[1] as number);
          const a = buildInputWindow(rows, 7, spec, ALL_PRESENT);
          const b = buildInputWindow(changed, 7, spec, ALL_PRESENT);
          return a.scale === b.scale && a.x.every((v, i) => v === b.x[i]);
        },
      ),
    );
  });

  it('zeroes and flags columns the file does not have', () => {
    const { x } = buildInputWindow(rows, 9, spec, { age: false, gender: false, quantity: false });
    for (let t = 0; t < 4; t++) {
      for (const name of [
        'age',
        'male_share',
        'female_share',
        'quantity',
        'has_age',
        'has_gender',
        'has_quantity',
      ]) {
        expect(x[t * F + col(name)]).toBe(0);
      }
    }
    const full = buildInputWindow(rows, 9, spec, ALL_PRESENT).x;
    expect(full[3 * F + col('has_age')]).toBe(1);
    expect(full[3 * F + col('age')]).toBeCloseTo(0.4, 6);
    expect(full[3 * F + col('male_share')]).toBeCloseTo(0.5, 6);
  });

  it('encodes the calendar cyclically, with no raw year', () => {
    const { x } = buildInputWindow(rows, 9, spec, ALL_PRESENT);
    for (let t = 0; t < 4; t++) {
      const s = x[t * F + col('iso_week_sin')] as number;
      const c = x[t * F + col('iso_week_cos')] as number;
      expect(s * s + c * c).toBeCloseTo(1, 5);
    }
    expect(FEATURE_NAMES.some((f) => f.includes('year'))).toBe(false);
  });

  it('refuses a window that includes a partial week or reaches before the start', () => {
    expect(() => buildInputWindow(rows, 4, spec, ALL_PRESENT)).toThrow(/complete weeks/);
    expect(() => buildInputWindow(rows, 10, spec, ALL_PRESENT)).toThrow(/complete weeks/);
    expect(hasFullWindow(rows, 5, 4)).toBe(true);
  });

  it('floors the scale of a history without sales and keeps inputs finite', () => {
    const silent = [0, 0, 0, 0, 0].map((a, i) => row(i, a));
    const { x, scale } = buildInputWindow(silent, 5, spec, ALL_PRESENT);
    expect(scale).toBe(1e-6);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(historyStats(silent, 5).weeks).toBe(5);
  });

  it('rejects a descriptor whose features differ from this build', () => {
    const other = { ...spec, input: { ...spec.input, features: ['total_amount'] } };
    expect(() => buildInputWindow(rows, 9, other, ALL_PRESENT)).toThrow(/features/);
  });
});

describe('unscaleOutput', () => {
  it('multiplies by the scale, clamps at 0 and keeps quantiles ordered', () => {
    const out = unscaleOutput([-1, 0.5, 2, 1, 0.9, 3], 100, 2, 3);
    expect(Array.from(out)).toEqual([0, 50, 200, 100, 100, 300]);
  });
});

describe('shipped descriptors', () => {
  const read = (file: string): ModelDescriptor =>
    parseModelDescriptor(JSON.parse(readFileSync(path.resolve('models', file), 'utf8')));

  it('tcn lists exactly the sequence features this build produces, p10…p90', () => {
    const desc = read('tcn.json');
    expect(desc.input.features).toEqual([...SEQUENCE_STRONG_SEASON_FEATURE_NAMES]);
    expect(isSequenceInput(desc)).toBe(true);
    expect(desc.output.quantiles).toEqual(expect.arrayContaining([0.1, 0.5, 0.9]));
  });

  it('tcn8 lists exactly the seed features this build produces', () => {
    const desc = read('tcn8.json');
    expect(desc.input.features).toEqual([...FEATURE_NAMES]);
    expect(desc.output.quantiles).toEqual([0.1, 0.5, 0.9]);
  });
});

const shared = path.resolve(process.cwd(), '../shared');
describe('seed data windows', () => {
  it('builds finite inputs for every complete origin of the seed table', async (ctx) => {
    if (!existsSync(shared)) ctx.skip('skipped: ../shared not found');
    const { loadSeedData } = await import('../../src/training/data');
    const data = await loadSeedData();
    expect(data?.series).toHaveLength(15);
    for (const s of data?.series ?? []) {
      const cidx = completeWeekIndices(s.rows);
      expect(cidx).toHaveLength(52);
      for (const end of cidx.slice(4).map((i) => i + 1)) {
        const { x, scale } = buildInputWindow(s.rows, end, spec, ALL_PRESENT);
        expect(scale).toBeGreaterThan(0);
        expect(x.every(Number.isFinite)).toBe(true);
      }
    }
  });
});

describe('buildSequenceWindow (the sequence TCN input)', () => {
  const spec = {
    input: { name: 'input', window: 6, features: [...SEQUENCE_FEATURE_NAMES], minHistory: 2 },
    scaling: {
      rule: SEQUENCE_SCALING_RULE,
      scaledFeatures: ['sales'],
      minScale: 1e-6,
      historyWeeks: 8,
      recentWeeks: 3,
    },
  };
  const F = SEQUENCE_FEATURE_NAMES.length;
  const col = (x: Float32Array, f: string): number[] => {
    const j = SEQUENCE_FEATURE_NAMES.indexOf(f as (typeof SEQUENCE_FEATURE_NAMES)[number]);
    return Array.from({ length: x.length / F }, (_, t) => x[t * F + j] as number);
  };

  it('scales by the mean of the non-zero recent weeks and left-pads a short history', () => {
    const y = [4, 0, 2, 6];
    const x = new Float32Array(6 * F);
    const scale = buildSequenceWindow(y, [50, 51, 52, 1], 4, spec, x);
    expect(scale).toBe(4); // last 3 weeks 0, 2, 6: zeros left out
    expect(col(x, 'sales')).toEqual([0, 0, 1, 0, 0.5, 1.5]);
    expect(col(x, 'observed')).toEqual([0, 0, 1, 1, 1, 1]);
    expect(col(x, 'calendar_known')).toEqual([0, 0, 1, 1, 1, 1]);
    expect(col(x, 'history_length')).toEqual([0, 0, 0.5, 0.5, 0.5, 0.5]);
    const cos = col(x, 'iso_week_cos');
    expect(cos[5]).toBeCloseTo(1, 12); // ISO week 1
    expect(cos[4]).toBeCloseTo(Math.cos((2 * Math.PI * 51) / 52), 6);
  });

  it('reads only the weeks before `end`, falls back to older sales, floors an all-zero history', () => {
    const x = new Float32Array(6 * F);
    expect(buildSequenceWindow([9, 0, 0, 0, 100], null, 4, spec, x)).toBe(9);
    expect(col(x, 'sales').slice(2)).toEqual([1, 0, 0, 0]);
    expect(col(x, 'calendar_known')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(col(x, 'iso_week_sin')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(buildSequenceWindow([0, 0, 0], null, 3, spec, x)).toBe(1e-6);
    expect(Math.max(...col(x, 'sales'))).toBe(0);
  });

  it('clips a freak week to ±50 scales and writes at an offset without touching the rest', () => {
    const x = new Float32Array(2 * 6 * F).fill(7);
    expect(buildSequenceWindow([1000, -1000, 1, 1, 1], null, 5, spec, x, 6 * F)).toBe(1);
    expect(Array.from(x.subarray(0, 6 * F)).every((v) => v === 7)).toBe(true);
    expect(col(x.subarray(6 * F), 'sales')).toEqual([0, 50, -50, 1, 1, 1]);
  });

  it('is what a sequence descriptor selects', () => {
    expect(isSequenceInput(spec)).toBe(true);
    expect(isSequenceInput({ input: { ...spec.input, features: [...FEATURE_NAMES] } })).toBe(false);
  });
});

describe('season_index (the whole history’s seasonal index, a seventh sequence channel)', () => {
  const m = SEASON_WEEKS;
  const season = (t: number): number => 0.3 * Math.sin((2 * Math.PI * t) / m);
  // Five years of a growing series with a ±30% yearly season.
  const n = 5 * m;
  const y = Array.from({ length: n }, (_, t) => (100 + 0.5 * t) * (1 + season(t)));
  const index = (values: ArrayLike<number>, end: number): Float32Array => {
    const out = new Float32Array(end);
    seasonIndexInto(values, end, 0, out, 0, 1);
    return out;
  };

  it('recovers a multiplicative season under a trend, shrunk by n / (n + 1) for n years', () => {
    const out = index(y, n);
    // Week 4·52 + 10 has four complete centred years behind it (j = 10 has none).
    for (const t of [4 * m + 10, 4 * m + 20, 3 * m + 40]) {
      const years = Math.floor((t - m / 2) / m) + 1;
      expect(out[t]).toBeCloseTo((season(t) * years) / (years + 1), 1);
    }
    // The first and last half-years have no centred year of their own: they
    // borrow the same weeks of earlier years, or are 0 when there are none.
    expect(out[10]).toBe(0);
    expect(out[n - 5]).toBeCloseTo((season(n - 5) * 4) / 5, 1);
  });

  it('reads no week at or after `end`', () => {
    for (const end of [30, 60, 104, 150, n - 1]) {
      expect(index(y, end)).toEqual(index(y.slice(0, end), end));
    }
  });

  it('is 0 without a year of history and bounded on zeros, returns and spikes', () => {
    expect(Array.from(index(y, 51)).every((v) => v === 0)).toBe(true);
    expect(Array.from(index(new Array(200).fill(0), 200)).every((v) => v === 0)).toBe(true);
    const wild = Array.from({ length: 200 }, (_, t) =>
      t % 13 === 0 ? 1e6 : t % 7 === 0 ? -50 : t % 3 === 0 ? 0 : 2,
    );
    const out = index(wild, 200);
    expect(out.every((v) => Number.isFinite(v) && v >= -1 && v <= 4)).toBe(true);
  });

  it('fills the window’s seventh channel at the same weeks, and a 7-channel descriptor is a sequence input', () => {
    const spec = {
      input: { name: 'input', window: 104, features: [...SEQUENCE_SEASON_FEATURE_NAMES] },
      scaling: { rule: SEQUENCE_SCALING_RULE, scaledFeatures: ['sales'], minScale: 1e-6 },
    };
    const F = SEQUENCE_SEASON_FEATURE_NAMES.length;
    expect(isSequenceInput(spec)).toBe(true);
    for (const end of [n, 60]) {
      const x = new Float32Array(104 * F).fill(9);
      buildSequenceWindow(y, null, end, spec, x);
      const channel = Array.from({ length: 104 }, (_, t) => x[t * F + 6]);
      const full = index(y, end);
      const expected = Array.from({ length: 104 }, (_, t) => {
        const i = end - 104 + t;
        return i >= 0 ? full[i] : 0;
      });
      expect(channel).toEqual(expected);
    }
  });

  // A 7-channel sequence input of 104 weeks, and its seventh channel for `values`.
  const seasonInput = (features: readonly string[]) => ({
    input: { name: 'input', window: 104, features: [...features] },
    scaling: { rule: SEQUENCE_SCALING_RULE, scaledFeatures: ['sales'], minScale: 1e-6 },
  });
  const seasonChannel = (values: number[], features: readonly string[]): number[] => {
    const F = features.length;
    const x = new Float32Array(104 * F);
    buildSequenceWindow(values, null, values.length, seasonInput(features), x);
    return Array.from({ length: 104 }, (_, t) => x[t * F + 6] as number);
  };

  it('season_index_tested keeps the index of a seasonal history and zeroes one without a season', () => {
    expect(isSequenceInput(seasonInput(SEQUENCE_TESTED_SEASON_FEATURE_NAMES))).toBe(true);
    expect(seasonChannel(y, SEQUENCE_TESTED_SEASON_FEATURE_NAMES)).toEqual(
      seasonChannel(y, SEQUENCE_SEASON_FEATURE_NAMES),
    );
    // White noise around 100: the ungated index is noise, the tested one is 0.
    const u = mulberry32(1);
    const noise = Array.from({ length: n }, () => 100 + 20 * (u() - 0.5));
    expect(seasonChannel(noise, SEQUENCE_SEASON_FEATURE_NAMES).some((v) => v !== 0)).toBe(true);
    expect(seasonChannel(noise, SEQUENCE_TESTED_SEASON_FEATURE_NAMES).every((v) => v === 0)).toBe(
      true,
    );
  });

  it('season_index_strong keeps a strong season and zeroes a trend the test mistakes for one', () => {
    expect(isSequenceInput(seasonInput(SEQUENCE_STRONG_SEASON_FEATURE_NAMES))).toBe(true);
    // A clear yearly season: both gates keep the same index.
    expect(seasonChannel(y, SEQUENCE_STRONG_SEASON_FEATURE_NAMES)).toEqual(
      seasonChannel(y, SEQUENCE_TESTED_SEASON_FEATURE_NAMES),
    );
    expect(seasonChannel(y, SEQUENCE_STRONG_SEASON_FEATURE_NAMES).some((v) => v !== 0)).toBe(true);
    // A random walk with drift over ten years, like M4's long series: its
    // autocorrelation at lag 52 passes the test, but no week of the year
    // differs from another.
    const u = mulberry32(7);
    const walk: number[] = [];
    let level = 1000;
    for (let t = 0; t < 10 * 52; t++) walk.push((level += 1 + 10 * (u() - 0.5)));
    expect(isSeasonal(walk, 52)).toBe(true);
    expect(seasonChannel(walk, SEQUENCE_TESTED_SEASON_FEATURE_NAMES).some((v) => v !== 0)).toBe(
      true,
    );
    expect(seasonChannel(walk, SEQUENCE_STRONG_SEASON_FEATURE_NAMES).every((v) => v === 0)).toBe(
      true,
    );
  });
});
