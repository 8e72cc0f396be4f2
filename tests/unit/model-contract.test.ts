// The contract every registered model meets through forecastOne, the one road a
// model runs on in the library (the backtest, auto and the forecast all take it;
// the TCN's batch goes through runModel, a loop over it): h values per quantile,
// finite, non-negative, p10 <= p50 <= p90, the same output twice, series shorter
// than the model's minimum history served by the fallback chain (and named so),
// all-zero and constant series, long seasonal series, horizons 1, 13 and 52; and
// the road itself: a model that throws or gives a non-finite value is recorded as
// failed and the chain takes its series, fitted parameters roll forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FALLBACK_CHAIN, LOCAL_MODELS } from '../../src/core/models/registry';
import {
  finish,
  forecastOne,
  runModel,
  type SeriesForecast,
} from '../../src/core/models/run-model';
import { tcnModel } from '../../src/core/models/tcn';
import { ses } from '../../src/core/models/ses';
import { seasonalNaive } from '../../src/core/models/simple';
import {
  DEFAULT_SETTINGS,
  zeroForecast,
  type GlobalModel,
  type LocalModel,
  type ModelOutput,
} from '../../src/core/models/types';
import { mulberry32 } from '../../src/core/random';
import { createModelRunner } from '../../src/runtime/model-runner';
import { loadModelFiles } from './forecast-helpers';

const HORIZONS = [1, 13, 52];
const settings = DEFAULT_SETTINGS;

function poisson(u: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= u();
  } while (p > limit);
  return k - 1;
}

function series(): Record<string, Float64Array> {
  // Seeded, so the suite needs no fixtures.
  const u = mulberry32(20261125);
  const n = 156;
  const level = new Float64Array(n);
  const seasonal = new Float64Array(n);
  const intermittent = new Float64Array(n);
  const trend = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    level[t] = 40 + (u() - 0.5) * 12;
    const peak = 1 + 1.2 * Math.exp(-(((t % 52) - 48) ** 2) / 6);
    seasonal[t] = Math.round((120 + 0.2 * t) * peak + (u() - 0.5) * 20);
    intermittent[t] = u() < 0.3 ? poisson(u, 2) + 1 : 0;
    trend[t] = Math.max(0, 5 + 0.6 * t + (u() - 0.5) * 6);
  }
  return {
    level,
    seasonal,
    intermittent,
    trend,
    zeros: new Float64Array(n),
    constant: new Float64Array(60).fill(7),
  };
}

const SERIES = series();
const fallbackAlias = FALLBACK_CHAIN[0]?.alias ?? 'historic_average';

function checkShape(r: SeriesForecast, h: number): void {
  const f = r.forecast;
  for (const q of [f.point, f.p10, f.p50, f.p90]) {
    expect(q).toHaveLength(h);
    for (const v of q) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  }
  for (let k = 0; k < h; k++) {
    expect(f.p10[k]).toBeLessThanOrEqual(f.p50[k] as number);
    expect(f.p50[k]).toBeLessThanOrEqual(f.p90[k] as number);
  }
}

function run(model: LocalModel, ys: Float64Array[], h: number): SeriesForecast[] {
  return ys.map((y) => forecastOne(model, y, h, { settings }));
}

it('registers every local model once, snake_case', () => {
  const aliases = LOCAL_MODELS.map((m) => m.alias);
  expect(new Set(aliases).size).toBe(aliases.length);
  for (const a of aliases) expect(a).toMatch(/^[a-z][a-z0-9_]*$/);
});

describe.each(LOCAL_MODELS.map((m) => [m.alias, m] as const))('%s', (_alias, model) => {
  it('states its reference and limits', () => {
    expect(model.reference.length).toBeGreaterThan(10);
    expect(model.minHistory).toBeGreaterThanOrEqual(1);
    expect(model.maxHorizon).toBeGreaterThanOrEqual(52);
  });

  it.each(HORIZONS)(
    'h = %i: shapes, finite, non-negative, ordered quantiles, deterministic',
    (h) => {
      const ys = Object.values(SERIES);
      const first = run(model, ys, h);
      const second = run(model, ys, h);
      expect(first).toHaveLength(ys.length);
      first.forEach((r, i) => {
        checkShape(r, h);
        const y = ys[i] as Float64Array;
        expect(r.alias).toBe(y.length >= model.minHistory ? model.alias : fallbackAlias);
        expect(second[i]).toEqual(r);
      });
    },
  );

  it('short series go down the fallback chain, and a series of exactly minHistory weeks is served', () => {
    const base = SERIES.level as Float64Array;
    const lengths = [...new Set([1, 2, model.minHistory - 1, model.minHistory])].filter(
      (n) => n >= 1,
    );
    for (const h of HORIZONS) {
      const out = run(
        model,
        lengths.map((n) => base.slice(0, n)),
        h,
      );
      out.forEach((r, i) => {
        checkShape(r, h);
        const n = lengths[i] as number;
        expect(r.alias, `length ${n}`).toBe(n >= model.minHistory ? model.alias : fallbackAlias);
      });
    }
  });

  it('an all-zero series forecasts zero', () => {
    const [r] = run(model, [SERIES.zeros as Float64Array], 13);
    const f = (r as SeriesForecast).forecast;
    for (const q of [f.point, f.p10, f.p50, f.p90]) for (const v of q) expect(v).toBe(0);
  });

  it('a constant series forecasts near the constant', () => {
    const [r] = run(model, [SERIES.constant as Float64Array], 13);
    for (const v of (r as SeriesForecast).forecast.point) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(14);
    }
  });

  it('a long seasonal series gives a forecast on its scale', () => {
    const y = SERIES.seasonal as Float64Array;
    const [r] = run(model, [y], 52);
    const max = Math.max(...y);
    for (const v of (r as SeriesForecast).forecast.point) expect(v).toBeLessThan(3 * max);
  });
});

describe('forecastOne, the road every model runs on', () => {
  const y = SERIES.level as Float64Array;
  const h = 4;
  /** ses whose fit throws, or whose forecast is not finite. */
  const broken = (how: 'throws' | 'nan'): LocalModel => ({
    ...(ses as LocalModel),
    fit: (yy, st) => {
      if (how === 'throws') throw new Error('a model bug');
      return ses.fit(yy, st);
    },
    predict: (p, yy, hh, st) => {
      const out = ses.predict(p as { alpha: number }, yy, hh, st);
      if (how === 'nan') out.point[0] = NaN;
      return out;
    },
  });
  const byFallback = (yy: Float64Array) =>
    FALLBACK_CHAIN[0]!.predict(FALLBACK_CHAIN[0]!.fit(yy, settings), yy, h, settings);

  it.each(['throws', 'nan'] as const)(
    'records a model that %s as failed, and the fallback chain forecasts the series',
    (how) => {
      const r = forecastOne(broken(how), y, h, { settings });
      expect(r.failed).toBe(true);
      expect(r.alias).toBe(fallbackAlias);
      checkShape(r, h);
      expect(r.forecast).toEqual(finish(byFallback(y), y, h));
    },
  );

  it('does not count a series too short for the model as a failure', () => {
    const short = y.subarray(0, seasonalNaive.minHistory - 1);
    const r = forecastOne(seasonalNaive as LocalModel, short, h, { settings });
    expect(r).toMatchObject({ alias: fallbackAlias, failed: false });
    expect(r.fitted).toBeUndefined();
  });

  it('rolls fitted parameters forward over a longer history instead of fitting again (a backtest without refit)', () => {
    let fits = 0;
    const counted: LocalModel = {
      ...(ses as LocalModel),
      fit: (yy, st) => {
        fits++;
        return ses.fit(yy, st);
      },
    };
    const early = forecastOne(counted, y.subarray(0, 100), h, { settings });
    expect(fits).toBe(1);
    const rolled = forecastOne(counted, y, h, { settings, fitted: early.fitted });
    expect(fits).toBe(1);
    expect(rolled.fitted).toBe(early.fitted);
    const params = early.fitted?.params as { alpha: number };
    expect(rolled.forecast).toEqual(finish(ses.predict(params, y, h, settings), y, h));
    const refit = forecastOne(counted, y, h, { settings });
    expect(fits).toBe(2);
    expect(refit.fitted).not.toBe(early.fitted);
  });

  it('writes into a given forecast, whoever makes it (a backtest copies it on: no garbage per window)', () => {
    const into = zeroForecast(h);
    const own = forecastOne(ses as LocalModel, y, h, { settings, into });
    expect(own.forecast).toBe(into);
    expect(own.forecast).toEqual(forecastOne(ses as LocalModel, y, h, { settings }).forecast);
    const fellBack = forecastOne(broken('nan'), y, h, { settings, into });
    expect(fellBack.forecast).toBe(into);
    expect(Array.from(into.point)).toEqual(Array.from(finish(byFallback(y), y, h)!.point));
    const empty = forecastOne(ses as LocalModel, new Float64Array(0), h, { settings, into });
    expect(empty.forecast).toBe(into);
    for (const q of [into.point, into.p10, into.p50, into.p90])
      for (const v of q) expect(v).toBe(0);
  });

  it('finishes a global model’s output for the series, and fails over when the batch gave none', () => {
    const global: GlobalModel = {
      kind: 'global',
      alias: 'tcn',
      reference: 'test',
      minHistory: 8,
      maxHorizon: 26,
      predictBatch: () => Promise.reject(new Error('batches go through runModel')),
    };
    const output: ModelOutput = { point: new Float64Array(h).fill(3) };
    const r = forecastOne(global, y, h, { settings, output });
    expect(r).toMatchObject({ alias: 'tcn', failed: false });
    expect(r.forecast).toEqual(finish(output, y, h));
    expect(forecastOne(global, y, h, { settings })).toMatchObject({
      alias: fallbackAlias,
      failed: true,
    });
    expect(forecastOne(global, y.subarray(0, 7), h, { settings })).toMatchObject({
      alias: fallbackAlias,
      failed: false,
    });
  });
});

// The TCN joins the library at run time (it needs a runner): the same contract,
// through the real ONNX model in onnxruntime-web's WASM backend, on bare series.
describe('tcn', () => {
  let tcn: GlobalModel;
  let dispose: () => Promise<void>;
  /** The shipped network under a descriptor that reads the calendar or not. */
  let withCalendar: (reads: boolean) => GlobalModel;
  beforeAll(async () => {
    const { desc, bytes } = loadModelFiles();
    const runner = await createModelRunner(bytes, desc, { preferred: 'wasm' });
    const absent = { age: false, gender: false, quantity: false };
    tcn = tcnModel(desc, (x, b) => runner.run(x, b), absent);
    withCalendar = (reads) =>
      tcnModel(
        { ...desc, input: { ...desc.input, readsCalendar: reads } },
        (x, b) => runner.run(x, b),
        absent,
      );
    dispose = () => runner.dispose();
  });
  afterAll(() => dispose?.());

  it.each([1, 4, 13, 26])(
    'h = %i: shapes, finite, non-negative, ordered quantiles, deterministic, fallback below 8 weeks',
    async (h) => {
      const ys = [
        ...Object.values(SERIES),
        (SERIES.level as Float64Array).slice(0, 8),
        (SERIES.level as Float64Array).slice(0, 7),
      ];
      const first = await runModel(
        tcn,
        ys.map((y) => ({ y })),
        h,
        settings,
      );
      const second = await runModel(
        tcn,
        ys.map((y) => ({ y })),
        h,
        settings,
      );
      first.forEach((r, i) => {
        checkShape(r, h);
        const y = ys[i] as Float64Array;
        expect(r.alias).toBe(y.length >= tcn.minHistory ? 'tcn' : fallbackAlias);
        expect(second[i]).toEqual(r);
      });
    },
  );

  it('reads 8 weeks and more (shorter ones are left-padded) and forecasts up to 26 weeks', () => {
    expect(tcn.minHistory).toBe(8);
    expect(tcn.maxHorizon).toBe(26);
  });

  it('leaves horizons beyond its training to the fallback chain', async () => {
    const [r] = await runModel(tcn, [{ y: SERIES.level as Float64Array }], 27, settings);
    expect(r?.alias).toBe(fallbackAlias);
    checkShape(r as SeriesForecast, 27);
  });

  it('is given the ISO weeks of a dated series only when its descriptor says it reads them', async () => {
    const y = SERIES.seasonal as Float64Array;
    const weeks = Array.from({ length: y.length }, (_, t) => ((t + 20) % 52) + 1);
    const point = async (m: GlobalModel, dated: boolean) =>
      (await runModel(m, [dated ? { y, isoWeeks: weeks } : { y }], 8, settings))[0]!.forecast.point;
    const blind = withCalendar(false);
    expect(await point(blind, true)).toEqual(await point(blind, false));
    const reads = withCalendar(true);
    expect(await point(reads, true)).not.toEqual(await point(reads, false));
  });

  it('forecasts an all-zero series as (next to) zero and a constant one near the constant', async () => {
    const [zero, constant] = await runModel(
      tcn,
      [{ y: SERIES.zeros as Float64Array }, { y: SERIES.constant as Float64Array }],
      4,
      settings,
    );
    for (const v of zero!.forecast.p90) expect(v).toBeLessThan(1e-3);
    for (const v of constant!.forecast.p50) {
      expect(v).toBeGreaterThan(2);
      expect(v).toBeLessThan(14);
    }
  });
});
