// Holt's linear method with a damped trend as a state space model, ETS(A,Ad,N)
// (Hyndman et al. 2008; statsforecast AutoETS(model='AAN', damped=True);
// statsmodels ETSModel(error='add', trend='add', damped_trend=True)): alpha,
// beta, phi in statsforecast's usual bounds (phi in [0.8, 0.98]) and the
// initial level and trend, all by maximum likelihood; see exp-smoothing.ts.
//
// Without refit the backtest keeps the parameters and initial states and
// re-runs the filter over the longer series.

import { etsForecast, fitEts, parameterCount, type EtsParams } from './exp-smoothing';
import type { LocalModel } from './types';

export const holt: LocalModel<EtsParams> = {
  kind: 'local',
  alias: 'holt',
  reference:
    "Holt's damped trend, ETS(A,Ad,N) by maximum likelihood with phi in [0.8, 0.98] (Hyndman et al. 2008; statsforecast AutoETS 'AAdN').",
  // statsforecast fits a model only when n > parameters + 4.
  minHistory: parameterCount('Ad') + 5,
  maxHorizon: Infinity,
  fit: (y) => {
    const f = fitEts(y, 'A', 'Ad');
    if (f) return f.params;
    // Unreachable for n >= minHistory; a flat level keeps the contract.
    return { error: 'A', trend: 'Ad', alpha: 0.9999, beta: 1e-4, phi: 0.98, l0: y[0] ?? 0, b0: 0 };
  },
  predict: (p, y, h) => ({ point: etsForecast(p, y, h) }),
};
