import { describe, expect, it } from 'vitest';
import { auto, type AutoResult } from '../../src/core/backtest/auto';
import { crossValidation } from '../../src/core/backtest/cross-validation';
import {
  calibrate,
  calibratedForecast,
  DEFAULT_CONFORMAL,
  driftFactor,
  MAX_DRIFT_FACTOR,
} from '../../src/core/backtest/conformal';
import { seriesFromArrays, truncate, type BacktestSeries } from '../../src/core/backtest/series';
import { LOCAL_MODELS } from '../../src/core/models/registry';
import type { GlobalModel, Model } from '../../src/core/models/types';
import { historicAverage, naive, seasonalNaive, windowAverage } from '../../src/core/models/simple';
import { Rng } from '../../src/core/random';

const CANDIDATES = [naive, seasonalNaive, historicAverage, windowAverage];

function iid(count: number, n: number, seed: number) {
  const rng = new Rng(seed);
  return seriesFromArrays(
    Array.from({ length: count }, (_, i) => ({
      id: `s${i}`,
      y: Array.from({ length: n }, () => 100 + 15 * rng.normal()),
    })),
  );
}

describe('conformal intervals', () => {
  it('cover about 80% of later iid weeks', async () => {
    const full = iid(300, 80, 7);
    const h = 4;
    const hist = full.map((s) => truncate(s, 76));
    const res = await auto(hist, [historicAverage], { h, strategy: 'pooled', nWindows: 8 });
    let inside = 0;
    let total = 0;
    res.forecasts.forEach((f, i) => {
      for (let k = 0; k < h; k++) {
        const y = full[i]!.y[76 + k]!;
        total++;
        if (y >= f.forecast.p10[k]! && y <= f.forecast.p90[k]!) inside++;
      }
    });
    expect(inside / total).toBeGreaterThan(0.75);
    expect(inside / total).toBeLessThan(0.85);
  });

  it('give p10 <= p50 <= p90, never below zero, scaled by the series level', () => {
    const y = Float64Array.from([10, 12, 8, 11, 9, 10, 13, 7]);
    const cal = calibrate(
      [
        {
          id: 'a',
          y,
          cutoffs: [4, 6],
          actual: Float64Array.from([11, 9, 13, 7]),
          point: Float64Array.from([10, 10, 10, 10]),
        },
      ],
      2,
      DEFAULT_CONFORMAL,
    );
    const f = calibratedForecast(cal, 'a', y, [10, 10]);
    const big = calibratedForecast(
      cal,
      'a',
      Float64Array.from(y, (v) => v * 100),
      [1000, 1000],
    );
    for (let k = 0; k < 2; k++) {
      expect(f.p10[k]!).toBeLessThanOrEqual(f.p50[k]!);
      expect(f.p50[k]!).toBeLessThanOrEqual(f.p90[k]!);
      expect(f.p10[k]!).toBeGreaterThanOrEqual(0);
      expect(big.p90[k]! - big.p10[k]!).toBeCloseTo(100 * (f.p90[k]! - f.p10[k]!), 8);
    }
    const tiny = calibratedForecast(cal, 'a', y, [0.1, 0.1]);
    expect(tiny.p10[1]).toBe(0);
  });
});

describe('drift factor', () => {
  /** One item per series: residuals of `sd` around a point of 0, scale 1 (a flat history has scale = level 1). */
  function items(count: number, sd: number, seed: number, h: number) {
    const rng = new Rng(seed);
    return Array.from({ length: count }, (_, i) => ({
      id: `s${i}`,
      y: Float64Array.from({ length: 10 }, () => 1),
      cutoffs: [10],
      actual: Float64Array.from({ length: h }, () => sd * rng.normal()),
      point: new Float64Array(h),
    }));
  }

  it('is the stretch that makes an earlier band hold 80% of later residuals', () => {
    const h = 2;
    const early = calibrate(items(4000, 1, 1, h), h, DEFAULT_CONFORMAL);
    expect(driftFactor(early, items(4000, 1, 2, h), h)).toBeCloseTo(1, 1);
    expect(driftFactor(early, items(4000, 2, 3, h), h)).toBeCloseTo(2, 1);
    expect(driftFactor(early, items(4000, 0.5, 4, h), h)).toBeCloseTo(0.5, 1);
    // The stretched band holds 80% of the later residuals.
    const late = items(4000, 2, 5, h);
    const f = driftFactor(early, late, h);
    const cal = { ...early, widen: f };
    let inside = 0;
    for (const it of late) {
      const b = calibratedForecast(cal, it.id, it.y, it.point);
      // Residuals below zero are clamped with the band; compare on the upper side and mirror.
      for (let k = 0; k < h; k++) if (Math.abs(it.actual[k]!) <= b.p90[k]!) inside++;
    }
    expect(inside / (4000 * h)).toBeGreaterThan(0.77);
    expect(inside / (4000 * h)).toBeLessThan(0.83);
  });

  it('stays within its cap when later residuals are far out', () => {
    const early = calibrate(items(500, 1, 6, 1), 1, DEFAULT_CONFORMAL);
    expect(driftFactor(early, items(500, 100, 7, 1), 1)).toBe(MAX_DRIFT_FACTOR);
    expect(driftFactor(early, [], 1)).toBe(1);
  });

  it('widens the band auto gives when the noise grows, and only when asked', async () => {
    const rng = new Rng(8);
    const series = seriesFromArrays(
      Array.from({ length: 200 }, (_, i) => ({
        id: `s${i}`,
        // Calm for a year, then noise that keeps growing through the backtest weeks.
        y: Array.from(
          { length: 80 },
          (_, t) => 100 + 5 * 1.2 ** Math.max(0, t - 64) * rng.normal(),
        ),
      })),
    );
    const opts = { h: 2, strategy: 'pooled' as const, nWindows: 12 };
    const off = await auto(series, [historicAverage], opts);
    const widen = await auto(series, [historicAverage], {
      ...opts,
      conformal: { ...DEFAULT_CONFORMAL, drift: 'widen' },
    });
    expect(off.evidence.conformal.widen).toBe(1);
    expect(widen.evidence.conformal.widen).toBeGreaterThan(1.1);
    // The same point, a band that holds the one without the stretch.
    widen.forecasts.forEach((f, i) => {
      const o = off.forecasts[i]!.forecast;
      expect(f.forecast.point).toEqual(o.point);
      expect(f.forecast.p90[0]!).toBeGreaterThan(o.p90[0]!);
      expect(f.forecast.p10[0]!).toBeLessThanOrEqual(o.p10[0]!);
    });
  });
});

describe('auto', () => {
  it('chooses seasonal naive for purely seasonal series', async () => {
    const rng = new Rng(3);
    const series = seriesFromArrays(
      Array.from({ length: 20 }, (_, i) => ({
        id: `s${i}`,
        y: Array.from(
          { length: 156 },
          (_, t) => 100 + 50 * Math.sin((2 * Math.PI * (t + i)) / 52) + 2 * rng.normal(),
        ),
      })),
    );
    const res = await auto(series, CANDIDATES, { h: 4, strategy: 'pooled' });
    expect(res.evidence.chosen).toEqual(['seasonal_naive']);
    expect(res.forecasts.every((f) => f.model === 'seasonal_naive')).toBe(true);
    expect(res.evidence.candidates[0]!.alias).toBe('seasonal_naive');
    const perSku = await auto(series, CANDIDATES, { h: 4, strategy: 'per_sku' });
    expect(perSku.forecasts.filter((f) => f.model === 'seasonal_naive').length).toBeGreaterThan(15);
  });

  it('chooses a level model for flat noise, and says why', async () => {
    const series = iid(30, 104, 11);
    const res = await auto(series, CANDIDATES, { h: 4, strategy: 'pooled', nWindows: 8 });
    expect(['historic_average', 'window_average']).toContain(res.evidence.chosen[0]);
    expect(res.evidence.candidates.map((c) => c.alias)).toHaveLength(4);
    expect(res.evidence.rule).toMatch(/backtested/);
    expect(res.perSku[0]!.scores.naive).toBeGreaterThan(res.perSku[0]!.scores.historic_average!);
    const ens = await auto(series, CANDIDATES, { h: 4, strategy: 'ensemble_mean', topK: 2 });
    // Named by its members, as the exports and the page show it.
    expect(ens.forecasts[0]!.model).toBe(`mean(${ens.perSku[0]!.members!.join('+')})`);
    expect(ens.perSku[0]!.members).toHaveLength(2);
  });

  it('forecasts a series too short for any window with the fallback and names models it leaves out', async () => {
    const series = seriesFromArrays([
      { id: 'new', y: [4] },
      ...iid(5, 60, 1).map((s) => ({ id: s.id, y: Array.from(s.y) })),
    ]);
    const short = { ...naive, alias: 'tcn' as const, maxHorizon: 2 };
    const res = await auto(series, [...CANDIDATES, short], { h: 4 });
    expect(res.forecasts[0]!.id).toBe('new');
    expect(res.forecasts[0]!.forecast.p50[0]).toBeGreaterThan(0);
    expect(res.evidence.excluded.map((e) => e.alias)).toEqual(['tcn']);
  });
});

describe('auto scored in a streaming pass', () => {
  // A stand-in global model (the TCN's place): a damped last value, batched.
  const globalModel: GlobalModel = {
    kind: 'global',
    alias: 'tcn',
    reference: 'test',
    minHistory: 6,
    maxHorizon: 8,
    predictBatch: (batch, h) =>
      Promise.resolve(
        batch.map((s) => {
          const last = s.y[s.y.length - 1]!;
          const point = Float64Array.from({ length: h }, (_, k) => last * 0.9 ** (k + 1) + 1);
          return { point };
        }),
      ),
  };
  const mixed = (): BacktestSeries[] => {
    const rng = new Rng(21);
    return seriesFromArrays(
      Array.from({ length: 61 }, (_, i) => {
        const n = i % 9 === 0 ? 3 + (i % 5) : 20 + ((i * 7) % 90);
        const kind = i % 4;
        return {
          id: `s${i}`,
          y: Array.from({ length: n }, (_, t) =>
            kind === 3
              ? rng.next() < 0.3
                ? 5 + 10 * rng.next()
                : 0
              : Math.max(0, 50 + (kind === 1 ? 20 * Math.sin(t / 4) : 0) + 8 * rng.normal()),
          ),
        };
      }),
    );
  };
  const plain = (r: AutoResult) =>
    JSON.stringify(
      {
        forecasts: r.forecasts,
        perSku: r.perSku,
        evidence: {
          ...r.evidence,
          candidates: r.evidence.candidates.map((c) => ({ ...c, millis: 0 })),
        },
      },
      (_, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v),
    );

  it('gives what keeping every candidate gives when the global model alone is chosen', async () => {
    // Straight lines: a stand-in that extends them is exact, the level models are not.
    const extend: GlobalModel = {
      ...globalModel,
      minHistory: 2,
      predictBatch: (batch, h) =>
        Promise.resolve(
          batch.map((s) => {
            const last = s.y[s.y.length - 1] as number;
            const slope = last - (s.y[s.y.length - 2] as number);
            return { point: Float64Array.from({ length: h }, (_, k) => last + slope * (k + 1)) };
          }),
        ),
    };
    const series = seriesFromArrays(
      Array.from({ length: 23 }, (_, i) => ({
        id: `t${i}`,
        y: Array.from({ length: 30 + i }, (_, t) => 10 + (i + 1) * t),
      })),
    );
    const models: Model[] = [historicAverage, windowAverage, extend];
    for (const strategy of ['ensemble_mean', 'pooled'] as const) {
      const base = { h: 4, nWindows: 6, strategy };
      const kept = await auto(series, models, { ...base, keepAll: true });
      expect(kept.evidence.chosen).toEqual(['tcn']);
      for (const scoreBlock of [1, 5]) {
        const streamed = await auto(series, models, { ...base, scoreBlock });
        expect(plain(streamed)).toBe(plain(kept));
      }
    }
  });

  it('gives what keeping every candidate gives, in blocks of any size', async () => {
    const series = mixed();
    const models: Model[] = [...LOCAL_MODELS, globalModel];
    for (const strategy of ['ensemble_mean', 'ensemble_median', 'pooled'] as const) {
      for (const metric of ['wape', 'scaled_mae'] as const) {
        const base = { h: 4, nWindows: 6, strategy, metric };
        const kept = await auto(series, models, { ...base, keepAll: true });
        for (const scoreBlock of [1, 7, 1000]) {
          const streamed = await auto(series, models, { ...base, scoreBlock });
          expect(plain(streamed)).toBe(plain(kept));
        }
      }
    }
  });

  it('runs no candidate twice on a file small enough to keep, and the network beside the first block', async () => {
    const series = mixed();
    const models: Model[] = [...LOCAL_MODELS, globalModel];
    const runs: string[][] = [];
    const earlier: string[][] = [];
    let running = 0;
    let overlapped = false;
    const res = await auto(series, models, {
      h: 4,
      nWindows: 6,
      crossValidate: async (part, ms, cv) => {
        if (cv.earlier) earlier.push(ms.map((m) => m.alias));
        else runs.push(ms.map((m) => m.alias));
        running++;
        if (running > 1) overlapped = true;
        // Let the other backtest start before this one ends.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const out = await crossValidation(part, ms, cv);
        running--;
        return out;
      },
    });
    expect(runs.length).toBe(2);
    expect(runs.flat().sort()).toEqual(models.map((m) => m.alias).sort());
    expect(overlapped).toBe(true);
    // The band's earlier origins: the chosen members alone.
    expect(earlier.flat().sort()).toEqual([...res.evidence.chosen].sort());
    const kept = await auto(series, models, { h: 4, nWindows: 6, keepAll: true });
    expect(plain(res)).toBe(plain(kept));
  });

  it('leaves no backtest running once a cancelled run has stopped', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let batches = 0;
    const slowGlobal: GlobalModel = {
      ...globalModel,
      predictBatch: async (batch, h, settings) => {
        batches++;
        await sleep(30);
        return globalModel.predictBatch(batch, h, settings);
      },
    };
    // As the page's worker: a pause throws while a cancel is asked for, and
    // the flag is cleared when the next run starts.
    let cancelRequested = false;
    // Enough windows for a dozen of the network's batches.
    const many = Array.from({ length: 8 }, (_, k) =>
      mixed().map((sr) => ({ ...sr, id: `${sr.id}-${k}` })),
    ).flat();
    const run = auto(many, [...LOCAL_MODELS, slowGlobal], {
      h: 4,
      nWindows: 6,
      crossValidate: (part, ms, cv) =>
        crossValidation(part, ms, {
          ...cv,
          pause: async () => {
            await sleep(0);
            if (cancelRequested) throw new Error('cancelled');
          },
        }),
    });
    setTimeout(() => (cancelRequested = true), 5);
    await expect(run).rejects.toThrow('cancelled');
    cancelRequested = false;
    const atStop = batches;
    await sleep(300);
    expect(batches).toBe(atStop);
    expect(atStop).toBeLessThan(5);
  });
});
