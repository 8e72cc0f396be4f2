// The backtest spread over shards (worker pool) must give exactly what one
// thread gives: same windows, same forecasts, same fallbacks, series in order.
import { describe, expect, it } from 'vitest';
import { crossValidation } from '../../src/core/backtest/cross-validation';
import { seriesFromArrays } from '../../src/core/backtest/series';
import {
  crossValidationSharded,
  MIN_SERIES_PER_SHARD,
  runShard,
  type ShardRunner,
} from '../../src/core/backtest/sharded';
import { LOCAL_MODELS } from '../../src/core/models/registry';
import { Rng } from '../../src/core/random';

/** A shard runner across a structured-clone boundary, as a worker's postMessage is. */
const cloningRunner: ShardRunner = async (req) =>
  structuredClone(await runShard(structuredClone(req)));

function series(count: number) {
  const rng = new Rng(7);
  return seriesFromArrays(
    Array.from({ length: count }, (_, i) => ({
      id: `s${i}`,
      // Lengths from 3 (no window at h = 4) to 80 weeks, some intermittent.
      y: Array.from({ length: 3 + (i % 78) }, () =>
        i % 5 === 0 ? (rng.next() < 0.3 ? 10 : 0) : 50 + 20 * rng.normal(),
      ),
    })),
  );
}

describe('crossValidationSharded', () => {
  it('equals the one-thread backtest over three shards', async () => {
    const all = series(3 * MIN_SERIES_PER_SHARD + 17);
    const models = LOCAL_MODELS.filter((m) =>
      ['naive', 'ses', 'theta', 'croston'].includes(m.alias),
    );
    const opts = { h: 4, nWindows: 3, refit: false, future: true };
    const one = await crossValidation(all, models, opts);
    const progress: [number, number][] = [];
    const sharded = await crossValidationSharded(
      all,
      models,
      { ...opts, onProgress: (done, total) => progress.push([done, total]) },
      [cloningRunner, cloningRunner],
    );
    // Sku-model backtests: rising, ending at every series × every model.
    const total = all.length * models.length;
    expect(progress.every(([, t]) => t === total)).toBe(true);
    const done = progress.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(total);
    expect(done.length).toBeGreaterThan(3);
    expect(sharded.skipped).toEqual(one.skipped);
    expect(sharded.series.map((s) => s.series)).toEqual(one.series.map((s) => s.series));
    sharded.series.forEach((sb, i) => {
      const ref = one.series[i]!;
      expect(sb.series).toBe(ref.series);
      expect(sb.cutoffs).toEqual(ref.cutoffs);
      expect(Array.from(sb.actual)).toEqual(Array.from(ref.actual));
      expect(sb.used).toEqual(ref.used);
      for (const m of models) {
        expect(Array.from(sb.forecasts[m.alias]!.p50)).toEqual(
          Array.from(ref.forecasts[m.alias]!.p50),
        );
        expect(Array.from(sb.forecasts[m.alias]!.p90)).toEqual(
          Array.from(ref.forecasts[m.alias]!.p90),
        );
      }
    });
  });

  it('pauses between series without changing a forecast, and stops where a pause throws', async () => {
    const all = series(3 * MIN_SERIES_PER_SHARD + 17);
    const models = LOCAL_MODELS.filter((m) => ['naive', 'ses'].includes(m.alias));
    const opts = { h: 4, nWindows: 3 };
    const plain = await crossValidation(all, models, opts);
    let pauses = 0;
    const paused = await crossValidation(all, models, {
      ...opts,
      pause: () => {
        pauses++;
        return Promise.resolve();
      },
    });
    // After each series but the first of each local model: the page's worker
    // reads a cancel there, the CLI lets the network's batches through.
    expect(pauses).toBe(models.length * (plain.series.length - 1));
    expect(paused.series.map((sb) => Array.from(sb.forecasts['ses']!.p50))).toEqual(
      plain.series.map((sb) => Array.from(sb.forecasts['ses']!.p50)),
    );
    const stop = new Error('cancelled');
    await expect(
      crossValidationSharded(all, models, { ...opts, pause: () => Promise.reject(stop) }, [
        cloningRunner,
      ]),
    ).rejects.toBe(stop);
  });

  it('stays on one thread for few series', async () => {
    const few = series(MIN_SERIES_PER_SHARD - 1);
    let calls = 0;
    const counting: ShardRunner = (req) => {
      calls++;
      return runShard(req);
    };
    await crossValidationSharded(few, LOCAL_MODELS.slice(0, 2), { h: 2, nWindows: 2 }, [counting]);
    expect(calls).toBe(0);
  });

  it('shares chunks between a slow thread and this one, and gives what one thread gives', async () => {
    const all = series(6 * MIN_SERIES_PER_SHARD + 5);
    const models = LOCAL_MODELS.filter((m) => ['naive', 'ses'].includes(m.alias));
    const opts = { h: 4, nWindows: 3 };
    const one = await crossValidation(all, models, opts);
    const taken: number[] = [];
    // A thread that answers late: this thread takes the chunks it has not.
    const slow: ShardRunner = async (req) => {
      taken.push(req.series.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return cloningRunner(req);
    };
    const sharded = await crossValidationSharded(all, models, opts, [slow]);
    expect(taken.length).toBeGreaterThan(0);
    expect(taken.reduce((a, b) => a + b, 0)).toBeLessThan(all.length / 2);
    expect(sharded.skipped).toEqual(one.skipped);
    expect(sharded.series.map((sb) => sb.series)).toEqual(one.series.map((sb) => sb.series));
    sharded.series.forEach((sb, i) => {
      expect(Array.from(sb.forecasts['ses']!.p50)).toEqual(
        Array.from(one.series[i]!.forecasts['ses']!.p50),
      );
    });
  });

  it('gives the other threads no more chunks once this thread is cancelled', async () => {
    const all = series(6 * MIN_SERIES_PER_SHARD + 5);
    const models = LOCAL_MODELS.filter((m) => m.alias === 'naive');
    let sent = 0;
    const slow: ShardRunner = async (req) => {
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return cloningRunner(req);
    };
    const stop = new Error('cancelled');
    await expect(
      crossValidationSharded(
        all,
        models,
        { h: 4, nWindows: 3, pause: () => Promise.reject(stop) },
        [slow],
      ),
    ).rejects.toBe(stop);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toBe(1);
  });
});
