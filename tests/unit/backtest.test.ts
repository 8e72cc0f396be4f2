import { describe, expect, it } from 'vitest';
import {
  crossValidation,
  cvRecords,
  cvRows,
  windowCutoffs,
} from '../../src/core/backtest/cross-validation';
import { scoreItems } from '../../src/core/backtest/scores';
import { batchInputs, inputAt, seriesFromArrays, truncate } from '../../src/core/backtest/series';
import type { WeeklyRow } from '../../src/core/types';
import { historicAverage, naive, seasonalNaive } from '../../src/core/models/simple';
import type { LocalModel } from '../../src/core/models/types';

const Y = [3, 5, 4, 6, 8, 7, 9, 12, 10, 11];

describe('crossValidation', () => {
  it('naive on a 10-week series: cutoffs, rows and WAPE by hand', async () => {
    const series = seriesFromArrays([{ id: 'a', y: Y }], '2024-03-04');
    expect(series[0]!.weeks[0]).toBe('2024-01-01');
    const cv = await crossValidation(series, [naive], { h: 2, nWindows: 3, stepSize: 2 });
    const sb = cv.series[0]!;
    // Last window's targets end at the last week: cutoffs after 4, 6 and 8 weeks.
    expect(sb.cutoffs).toEqual([4, 6, 8]);
    const rows = cvRows(cv);
    expect(
      rows.map((r) => [r.cutoff, r.week_start, r.step, r.y, r.forecasts.naive!.point]),
    ).toEqual([
      ['2024-01-22', '2024-01-29', 1, 8, 6],
      ['2024-01-22', '2024-02-05', 2, 7, 6],
      ['2024-02-05', '2024-02-12', 1, 9, 7],
      ['2024-02-05', '2024-02-19', 2, 12, 7],
      ['2024-02-19', '2024-02-26', 1, 10, 12],
      ['2024-02-19', '2024-03-04', 2, 11, 12],
    ]);
    expect(cvRecords(cv)[0]).toMatchObject({ sku: 'a', y: 8, naive: 6, naive_p50: 6 });
    const s = scoreItems([
      { series: sb.series, cutoffs: sb.cutoffs, actual: sb.actual, band: sb.forecasts.naive! },
    ]);
    // |errors| 2,1 / 2,5 / 2,1 over Σy = 57.
    expect(s.pooled.wape).toBeCloseTo(13 / 57, 12);
    // MASE, each window scaled by the naive MAE of its own history (5/3, 8/5, 13/7).
    expect(s.pooled.mase).toBeCloseTo((3 / (5 / 3) + 7 / (8 / 5) + 3 / (13 / 7)) / 6, 12);
    expect(s.pooled.points).toBe(6);
    expect(s.perSku[0]!.id).toBe('a');
  });

  it('reports series too short for a window and sends short histories down the fallback chain', async () => {
    const series = seriesFromArrays([
      { id: 'short', y: [5, 6] },
      { id: 'long', y: Array.from({ length: 60 }, (_, t) => 10 + (t % 3)) },
    ]);
    const cv = await crossValidation(series, [seasonalNaive], { h: 4, nWindows: 10 });
    expect(cv.skipped.map((s) => s.id)).toEqual(['short']);
    const long = cv.series[0]!;
    // Cutoffs 47..56: the first five have fewer than 52 weeks, so historic_average made them.
    expect(long.cutoffs).toEqual([47, 48, 49, 50, 51, 52, 53, 54, 55, 56]);
    expect(long.used.seasonal_naive!.slice(0, 6)).toEqual([
      'historic_average',
      'historic_average',
      'historic_average',
      'historic_average',
      'historic_average',
      undefined,
    ]);
    expect(cvRows(cv)[0]!.forecasts.seasonal_naive!.model).toBe('historic_average');
  });

  it('refit false fits once on the first window and rolls the state forward', async () => {
    const fits: number[] = [];
    const lastOfFit: LocalModel<number> = {
      kind: 'local',
      alias: 'naive',
      reference: 'test: forecasts the value the fit saw last plus the change since',
      minHistory: 1,
      maxHorizon: Infinity,
      fit: (y) => {
        fits.push(y.length);
        return y.length;
      },
      predict: (p, y, h) => ({ point: new Float64Array(h).fill(p + y.length) }),
    };
    const series = seriesFromArrays([{ id: 'a', y: Y }]);
    const cv = await crossValidation(series, [lastOfFit as LocalModel], {
      h: 1,
      nWindows: 3,
      refit: false,
    });
    expect(fits).toEqual([7]);
    expect(Array.from(cv.series[0]!.forecasts.naive!.point)).toEqual([14, 15, 16]);
    fits.length = 0;
    await crossValidation(series, [lastOfFit as LocalModel], { h: 1, nWindows: 3 });
    expect(fits).toEqual([7, 8, 9]);
  });

  it('windowCutoffs drops origins with no history', () => {
    expect(windowCutoffs(6, 2, 4, 2)).toEqual([2, 4]);
  });

  it('a future window forecasts from the end with no targets', async () => {
    const series = seriesFromArrays([{ id: 'a', y: Y }]);
    const cv = await crossValidation(series, [historicAverage], {
      h: 2,
      nWindows: 1,
      future: true,
    });
    expect(cv.series[0]!.cutoffs).toEqual([8, 10]);
    expect(Number.isNaN(cv.series[0]!.actual[2]!)).toBe(true);
    expect(cvRows(cv)).toHaveLength(2);
  });

  it('inputAt gives a table-backed series its rows and the end after the cutoff week', () => {
    const s = seriesFromArrays([{ id: 'a', y: Y }])[0]!;
    const withRows = { ...s, rows: [], rowIndex: Int32Array.from(Y, (_, i) => i + 3) };
    expect(inputAt(withRows, 4).end).toBe(7);
    expect(truncate(withRows, 4).rowIndex!.length).toBe(4);
  });

  it('truncate hands models the rows of the history only, the same ones up to every cutoff', () => {
    const s = seriesFromArrays([{ id: 'a', y: Y }])[0]!;
    const rows = Array.from(
      { length: Y.length + 5 },
      (_, i) => ({ week_start: `week ${i}` }) as unknown as WeeklyRow,
    );
    const full = { ...s, rows, rowIndex: Int32Array.from(Y, (_, i) => i + 3) };
    const cut = truncate(full, 4);
    expect(cut.rows).toEqual(rows.slice(0, 7));
    for (let length = 1; length <= 4; length++) {
      const before = batchInputs(full)(length);
      const after = batchInputs(cut)(length);
      expect(after.y).toEqual(before.y);
      expect(after.end).toBe(before.end);
      expect(after.rows!.slice(0, after.end)).toEqual(before.rows!.slice(0, before.end));
    }
  });
});
