// Simple exponential smoothing with an optimized alpha, as statsforecast's
// SimpleExponentialSmoothingOptimized (models.py `_ses_optimized`): the initial
// level is the first value (not estimated), alpha minimizes the sum of squared
// one-step errors within [0.01, 0.99] (here by Brent's bounded search, as
// scipy's minimize_scalar; statsforecast starts L-BFGS-B at the lower bound),
// and every future week is the last level. statsmodels'
// ExponentialSmoothing(y, initialization_method='known', initial_level=y[0])
// fits the same objective (tests/unit/models-smoothing.test.ts).
//
// Without refit the backtest keeps alpha and re-runs the level from y[0].

import { minimizeScalar } from './optim';
import type { LocalModel } from './types';

export interface SesParams {
  alpha: number;
}

export const SES_ALPHA_LOWER = 0.01;
export const SES_ALPHA_UPPER = 0.99;

/** Sum of squared one-step errors of SES started at l = y[0]. */
export function sesSse(y: Float64Array, alpha: number): number {
  let l = y[0] as number;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const e = (y[t] as number) - l;
    sse += e * e;
    l += alpha * e;
  }
  return sse;
}

/** The level after y: every week's forecast. */
export function sesLevel(y: Float64Array, alpha: number): number {
  let l = y[0] as number;
  for (let t = 1; t < y.length; t++) l += alpha * ((y[t] as number) - l);
  return l;
}

export const ses: LocalModel<SesParams> = {
  kind: 'local',
  alias: 'ses',
  reference:
    'Simple exponential smoothing, alpha in [0.01, 0.99] minimizing the one-step SSE, initial level y[0] (statsforecast SimpleExponentialSmoothingOptimized; FPP3 §8.1).',
  minHistory: 2,
  maxHorizon: Infinity,
  fit: (y) => ({
    alpha: minimizeScalar((a) => sesSse(y, a), SES_ALPHA_LOWER, SES_ALPHA_UPPER, 1e-8).x,
  }),
  predict: (p, y, h) => ({ point: new Float64Array(h).fill(sesLevel(y, p.alpha)) }),
};
