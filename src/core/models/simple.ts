// The benchmark methods of Hyndman & Athanasopoulos, "Forecasting: Principles
// and Practice" (3rd ed.), §5.2, as statsforecast implements them (Naive,
// SeasonalNaive, WindowAverage, HistoricAverage, RandomWalkWithDrift). They
// have no parameters to fit, so `predict` reads y as it is at the origin.

import type { LocalModel, ModelOutput } from './types';

/** Mean-of-the-last-k window of `window_average`: the seed's own yardstick (mean of 8 weeks). */
export const WINDOW_AVERAGE_K = 8;

function flat(value: number, h: number): ModelOutput {
  return { point: new Float64Array(h).fill(value) };
}

function mean(y: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < y.length; i++) s += y[i] as number;
  return s / (y.length - from);
}

export const naive: LocalModel<null> = {
  kind: 'local',
  alias: 'naive',
  reference: 'Naive: every future week equals the last observed week (FPP3 §5.2).',
  minHistory: 1,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => flat(y[y.length - 1] as number, h),
};

export const seasonalNaive: LocalModel<null> = {
  kind: 'local',
  alias: 'seasonal_naive',
  reference:
    'Seasonal naive: each future week equals the same week one season earlier (FPP3 §5.2).',
  minHistory: 52,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h, settings) => {
    const m = settings.seasonLength;
    const point = new Float64Array(h);
    for (let k = 0; k < h; k++) point[k] = y[y.length - m + (k % m)] as number;
    return { point };
  },
};

export const windowAverage: LocalModel<null> = {
  kind: 'local',
  alias: 'window_average',
  reference: `Window average: the mean of the last ${WINDOW_AVERAGE_K} weeks (statsforecast WindowAverage).`,
  minHistory: WINDOW_AVERAGE_K,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => flat(mean(y, y.length - WINDOW_AVERAGE_K), h),
};

export const historicAverage: LocalModel<null> = {
  kind: 'local',
  alias: 'historic_average',
  reference: 'Historic average: the mean of the whole history (FPP3 §5.2, "mean method").',
  minHistory: 1,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => flat(mean(y, 0), h),
};

export const drift: LocalModel<null> = {
  kind: 'local',
  alias: 'drift',
  reference:
    'Random walk with drift: the last week plus h times the mean weekly change over the history (FPP3 §5.2).',
  minHistory: 2,
  maxHorizon: Infinity,
  fit: () => null,
  predict: (_p, y, h) => {
    const n = y.length;
    const slope = ((y[n - 1] as number) - (y[0] as number)) / (n - 1);
    const point = new Float64Array(h);
    for (let k = 0; k < h; k++) point[k] = (y[n - 1] as number) + slope * (k + 1);
    return { point };
  },
};
