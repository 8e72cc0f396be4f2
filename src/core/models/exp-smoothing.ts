// The non-seasonal exponential-smoothing state space models (Hyndman, Koehler,
// Ord & Snyder, "Forecasting with Exponential Smoothing", 2008, ch. 2, table
// 2.1): errors A or M, trend N, A or Ad, as R's forecast::ets and
// statsforecast's ets.py fit them. Shared by `holt` and `ets`.
//
// Recursions (one-step forecast f_t = l_{t-1} + phi b_{t-1}; phi = 1 for trend A,
// b = 0 for trend N):
//   additive error        e_t = y_t - f_t
//   multiplicative error  e_t = (y_t - f_t) / f_t
//   l_t = f_t + alpha (y_t - f_t)
//   b_t = phi b_{t-1} + beta (y_t - f_t)
// (for the non-seasonal forms both error types move the states alike; they
// differ in the likelihood). Forecast k steps ahead: l_n + (phi + ... + phi^k) b_n.
//
// Fit, as statsforecast's `etsmodel` (opt.crit = "lik", bounds = "both"):
// - initial states from the first max(10, 2m) = 10 values: their mean (trend N)
//   or the least-squares line through them (trend A/Ad), then optimized with
//   the smoothing parameters;
// - -2 log-likelihood up to constants: n log(SSE/n) for additive errors,
//   n log(sum (e_t)^2 / n) + 2 sum log|f_t| for multiplicative (statsforecast
//   writes n log(SSE): the same up to n log n, which no comparison sees);
// - 'usual' bounds: alpha, beta in [1e-4, 0.9999], beta <= alpha,
//   phi in [0.8, 0.98] (the admissible region contains them for these forms);
// - statsforecast's Nelder–Mead (adaptive, first simplex +5%, stop when the
//   spread of values is below 1e-4, at most 1000 iterations), plus one restart
//   from the optimum because clipping at a bound can stall the simplex;
// - AICc = lik + 2k + 2k(k+1)/(n-k-1), k = parameters + initial states + 1 (sigma).

import { nelderMead } from './optim';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';

/** A fitted non-seasonal ETS model: its form, smoothing parameters and initial states. */
export interface EtsParams {
  error: ErrorType;
  trend: TrendType;
  alpha: number;
  /** 0 for trend N. */
  beta: number;
  /** 1 unless the trend is damped. */
  phi: number;
  l0: number;
  /** 0 for trend N. */
  b0: number;
}

export interface EtsFit {
  params: EtsParams;
  /** -2 log-likelihood without constants (see above). */
  lik: number;
  aicc: number;
  /** Parameters counted in the AICc (smoothing + initial states + sigma). */
  k: number;
}

export const LOWER_SMOOTHING = 1e-4;
export const UPPER_SMOOTHING = 0.9999;
/** statsforecast's damping bounds (_PHI_LOWER, _PHI_UPPER). */
export const PHI_LOWER = 0.8;
export const PHI_UPPER = 0.98;
const TOL = 1e-10;

/**
 * Runs the model over y and returns -2 log-likelihood up to constants
 * (Infinity where a multiplicative-error forecast reaches zero).
 */
export function etsLik(
  y: Float64Array,
  error: ErrorType,
  alpha: number,
  beta: number,
  phi: number,
  l0: number,
  b0: number,
): number {
  const n = y.length;
  let l = l0;
  let b = b0;
  let sse = 0;
  if (error === 'A') {
    for (let t = 0; t < n; t++) {
      const pb = phi * b;
      const f = l + pb;
      const e = (y[t] as number) - f;
      sse += e * e;
      l = f + alpha * e;
      b = pb + beta * e;
    }
    return clampLik(n * Math.log(sse / n));
  }
  let logs = 0;
  for (let t = 0; t < n; t++) {
    const pb = phi * b;
    const f = l + pb;
    if (!(Math.abs(f) >= TOL)) return Infinity;
    const d = (y[t] as number) - f;
    const e = d / f;
    sse += e * e;
    logs += Math.log(Math.abs(f));
    l = f + alpha * d;
    b = pb + beta * d;
  }
  return clampLik(n * Math.log(sse / n) + 2 * logs);
}

/** statsforecast caps the likelihood of a perfect fit at -1e10; NaN counts as no fit. */
function clampLik(lik: number): number {
  if (Number.isNaN(lik)) return Infinity;
  return lik < -1e10 ? -1e10 : lik;
}

/** The states after y (level, trend) and the h-step forecasts from them. */
export function etsForecast(p: EtsParams, y: Float64Array, h: number): Float64Array {
  let l = p.l0;
  let b = p.b0;
  const { alpha, beta, phi } = p;
  for (let t = 0; t < y.length; t++) {
    const pb = phi * b;
    const f = l + pb;
    const d = (y[t] as number) - f;
    l = f + alpha * d;
    b = pb + beta * d;
  }
  const out = new Float64Array(h);
  let damp = 0;
  let pk = 1;
  for (let k = 0; k < h; k++) {
    pk *= phi;
    damp += pk;
    out[k] = l + damp * b;
  }
  return out;
}

/** Initial states as statsforecast's `initstate` for a non-seasonal model (m = 1): from the first 10 values. */
export function initialStates(
  y: Float64Array,
  trend: TrendType,
  first = 10,
): { l0: number; b0: number } {
  const maxn = Math.min(first, y.length);
  if (trend === 'N') {
    let s = 0;
    for (let t = 0; t < maxn; t++) s += y[t] as number;
    return { l0: s / maxn, b0: 0 };
  }
  // Least squares of y[0..maxn) on x = 1..maxn: the intercept is the level at time 0.
  let sx = 0;
  let sy = 0;
  for (let t = 0; t < maxn; t++) {
    sx += t + 1;
    sy += y[t] as number;
  }
  const mx = sx / maxn;
  const my = sy / maxn;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < maxn; t++) {
    const dx = t + 1 - mx;
    sxx += dx * dx;
    sxy += dx * ((y[t] as number) - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let l0 = my - slope * mx;
  let b0 = slope;
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 1e-3;
    b0 *= 1 - 1e-3;
  }
  return { l0, b0 };
}

/**
 * beta from its share of alpha: the optimizer searches beta / alpha in [0, 1], so
 * beta <= alpha is a box bound instead of a wall of infinite values (as statsmodels
 * parametrizes it); beta stays at least the lower bound.
 */
function betaOf(alpha: number, share: number): number {
  const b = alpha * share;
  return b < LOWER_SMOOTHING ? LOWER_SMOOTHING : b;
}

/** Number of estimated quantities of a form: smoothing parameters and initial states. */
export function parameterCount(trend: TrendType): number {
  return trend === 'N' ? 2 : trend === 'A' ? 4 : 5;
}

/** AICc of a fit with -2 log-likelihood `lik` and `np` estimated quantities (sigma added here). */
export function aicc(lik: number, np: number, n: number): number {
  const k = np + 1;
  if (n - k - 1 <= 0) return Infinity;
  return lik + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}

/**
 * Fits one form by maximum likelihood; undefined when the series is too short for
 * it (statsforecast: as many estimated quantities as n - 1).
 */
export function fitEts(y: Float64Array, error: ErrorType, trend: TrendType): EtsFit | undefined {
  const n = y.length;
  const np = parameterCount(trend);
  if (np >= n - 1) return undefined;
  const { l0, b0 } = initialStates(y, trend);
  // Starting values of statsforecast's `initparam` (m = 1).
  const alpha0 = LOWER_SMOOTHING + 0.2 * (UPPER_SMOOTHING - LOWER_SMOOTHING);
  const beta0 = LOWER_SMOOTHING + 0.1 * (Math.min(UPPER_SMOOTHING, alpha0) - LOWER_SMOOTHING);
  const phi0 = PHI_LOWER + 0.99 * (PHI_UPPER - PHI_LOWER);

  let x0: number[];
  let lower: number[];
  let upper: number[];
  let objective: (x: Float64Array) => number;
  if (trend === 'N') {
    x0 = [alpha0, l0];
    lower = [LOWER_SMOOTHING, -Infinity];
    upper = [UPPER_SMOOTHING, Infinity];
    objective = (x) => etsLik(y, error, x[0] as number, 0, 1, x[1] as number, 0);
  } else if (trend === 'A') {
    x0 = [alpha0, beta0 / alpha0, l0, b0];
    lower = [LOWER_SMOOTHING, 0, -Infinity, -Infinity];
    upper = [UPPER_SMOOTHING, 1, Infinity, Infinity];
    objective = (x) => {
      const a = x[0] as number;
      return etsLik(y, error, a, betaOf(a, x[1] as number), 1, x[2] as number, x[3] as number);
    };
  } else {
    x0 = [alpha0, beta0 / alpha0, phi0, l0, b0];
    lower = [LOWER_SMOOTHING, 0, PHI_LOWER, -Infinity, -Infinity];
    upper = [UPPER_SMOOTHING, 1, PHI_UPPER, Infinity, Infinity];
    objective = (x) => {
      const a = x[0] as number;
      const bt = betaOf(a, x[1] as number);
      return etsLik(y, error, a, bt, x[2] as number, x[3] as number, x[4] as number);
    };
  }
  const options = { lower, upper, adaptive: true, tolStd: 1e-4, maxIter: 1000, restarts: 1 };
  let r = nelderMead(objective, x0, options);
  // A second start near alpha = beta = 0 with the least-squares level (and line)
  // of the whole series: the deterministic model, whose basin of the likelihood
  // the first start often does not reach.
  const x1 = x0.slice();
  const whole = initialStates(y, trend, n);
  x1[0] = 0.001;
  if (trend !== 'N') x1[1] = 0.5;
  x1[x1.length - (trend === 'N' ? 1 : 2)] = whole.l0;
  if (trend !== 'N') x1[x1.length - 1] = whole.b0;
  const r1 = nelderMead(objective, x1, options);
  if (r1.fx < r.fx) r = r1;
  if (!Number.isFinite(r.fx)) return undefined;
  const x = r.x;
  const params: EtsParams =
    trend === 'N'
      ? { error, trend, alpha: x[0] as number, beta: 0, phi: 1, l0: x[1] as number, b0: 0 }
      : trend === 'A'
        ? {
            error,
            trend,
            alpha: x[0] as number,
            beta: betaOf(x[0] as number, x[1] as number),
            phi: 1,
            l0: x[2] as number,
            b0: x[3] as number,
          }
        : {
            error,
            trend,
            alpha: x[0] as number,
            beta: betaOf(x[0] as number, x[1] as number),
            phi: x[2] as number,
            l0: x[3] as number,
            b0: x[4] as number,
          };
  return { params, lik: r.fx, aicc: aicc(r.fx, np, n), k: np + 1 };
}
