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
// Fit: the objective, bounds and starting values of statsforecast's `etsmodel`
// (opt.crit = "lik", bounds = "both"), with a more careful search:
// - -2 log-likelihood up to constants: n log(SSE/n) for additive errors,
//   n log(sum (e_t)^2 / n) + 2 sum log|f_t| for multiplicative (statsforecast
//   writes n log(SSE): the same up to n log n, which no comparison sees);
// - 'usual' bounds: alpha, beta in [1e-4, 0.9999], beta <= alpha,
//   phi in [0.8, 0.98] (the admissible region contains them for these forms);
//   the search runs over beta / alpha in [0, 1], so beta <= alpha is a box bound
//   (statsforecast returns +Inf beyond it, a wall Nelder–Mead sticks to);
// - additive errors: the errors are linear in the initial states, so for given
//   (alpha, beta, phi) the best (l0, b0) solve 2×2 normal equations
//   (concentratedStates) and the search is over the smoothing parameters only:
//   a fine grid then Brent for ETS(A,N,N), statsforecast's Nelder–Mead
//   (adaptive, first simplex +5%, stop when the spread of values is below
//   1e-4, at most 1000 iterations, one restart) from statsforecast's start and
//   from the best point of a coarse grid for the trend forms;
// - multiplicative errors: the same Nelder–Mead over smoothing parameters and
//   initial states (statsforecast's `initstate`: mean or least-squares line of
//   the first 10 values) from statsforecast's start and from the additive fit,
//   restarted (up to 4 times) while a fresh simplex still improves: in 5
//   dimensions the clipped simplex often stalls far from the optimum;
// - the lower of the two optima; AICc = lik + 2k + 2k(k+1)/(n-k-1), k =
//   parameters + initial states + 1 (sigma), as statsforecast counts them.

import { minimizeScalar, nelderMead } from './optim';

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
  // sum log|f| as the log of products of 16 factors: one log per 16 weeks.
  let logs = 0;
  let prod = 1;
  for (let t = 0; t < n; t++) {
    const pb = phi * b;
    const f = l + pb;
    const af = Math.abs(f);
    if (!(af >= TOL) || af > 1e18) return Infinity;
    const d = (y[t] as number) - f;
    const e = d / f;
    sse += e * e;
    prod *= af;
    if ((t & 15) === 15) {
      logs += Math.log(prod);
      prod = 1;
    }
    l = f + alpha * d;
    b = pb + beta * d;
  }
  return clampLik(n * Math.log(sse / n) + 2 * (logs + Math.log(prod)));
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
 * The initial states (l0, b0) that minimize the SSE of an additive-error model for
 * given smoothing parameters, and that SSE. The one-step errors are linear in the
 * initial states, e_t = e°_t - r_t · (dl, db), with e° the errors from `base` and
 * r_1 = (1, phi), r_{t+1} = r_t (F - g w'), so the states solve 2×2 normal equations.
 */
export function concentratedStates(
  y: Float64Array,
  trend: TrendType,
  alpha: number,
  beta: number,
  phi: number,
  base: { l0: number; b0: number },
): { l0: number; b0: number; sse: number } {
  const n = y.length;
  let l = base.l0;
  let b = trend === 'N' ? 0 : base.b0;
  let see = 0;
  if (trend === 'N') {
    let r = 1;
    let srr = 0;
    let sre = 0;
    for (let t = 0; t < n; t++) {
      const e = (y[t] as number) - l;
      see += e * e;
      srr += r * r;
      sre += r * e;
      l += alpha * e;
      r *= 1 - alpha;
    }
    const d = srr > 0 ? sre / srr : 0;
    return { l0: base.l0 + d, b0: 0, sse: Math.max(see - sre * d, 0) };
  }
  let r1 = 1;
  let r2 = phi;
  let sll = 0;
  let slb = 0;
  let sbb = 0;
  let cl = 0;
  let cb = 0;
  const a1 = 1 - alpha;
  const b1 = 1 - beta;
  for (let t = 0; t < n; t++) {
    const pb = phi * b;
    const f = l + pb;
    const e = (y[t] as number) - f;
    see += e * e;
    cl += r1 * e;
    cb += r2 * e;
    sll += r1 * r1;
    slb += r1 * r2;
    sbb += r2 * r2;
    l = f + alpha * e;
    b = pb + beta * e;
    const next = r1 * a1 - r2 * beta;
    r2 = phi * (r1 * a1 + r2 * b1);
    r1 = next;
  }
  const det = sll * sbb - slb * slb;
  if (!(det > 1e-12 * sll * sbb)) return { l0: base.l0, b0: base.b0, sse: see };
  const dl = (sbb * cl - slb * cb) / det;
  const db = (sll * cb - slb * cl) / det;
  return { l0: base.l0 + dl, b0: base.b0 + db, sse: Math.max(see - (cl * dl + cb * db), 0) };
}

// Starting values of statsforecast's `initparam` (m = 1).
const ALPHA0 = LOWER_SMOOTHING + 0.2 * (UPPER_SMOOTHING - LOWER_SMOOTHING);
const BETA0 = LOWER_SMOOTHING + 0.1 * (Math.min(UPPER_SMOOTHING, ALPHA0) - LOWER_SMOOTHING);
const PHI0 = PHI_LOWER + 0.99 * (PHI_UPPER - PHI_LOWER);
/** Coarse alpha grid that brackets the bounded search of ETS(A,N,N). */
const ALPHA_GRID = [
  1e-4, 3e-4, 1e-3, 3e-3, 0.006, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.13, 0.17, 0.22,
  0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9999,
];
/** The coarser alpha grid that, with SHARE_GRID, seeds the trend models' search. */
const ALPHA_SEEDS = [1e-4, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.9999];
/** beta / alpha values of the grid that seeds the trend models' search. */
const SHARE_GRID = [0.05, 0.3, 1];
const NM = { adaptive: true, tolStd: 1e-4, maxIter: 1000, restarts: 1 } as const;

function additiveFit(y: Float64Array, trend: TrendType): EtsFit {
  const n = y.length;
  const np = parameterCount(trend);
  const base = initialStates(y, trend);
  const likOf = (sse: number): number => clampLik(n * Math.log(sse / n));
  let params: EtsParams;
  if (trend === 'N') {
    const sse = (a: number): number => concentratedStates(y, 'N', a, 0, 1, base).sse;
    // The profile SSE(alpha) can have several minima (near 0 and inside): a fine
    // grid, then a bounded search around each of its local minima.
    const grid = ALPHA_GRID.map(sse);
    let alpha = ALPHA_GRID[0] as number;
    let bestSse = Infinity;
    for (let i = 0; i < grid.length; i++) {
      const v = grid[i] as number;
      if (v > (grid[i - 1] ?? Infinity) || v > (grid[i + 1] ?? Infinity)) continue;
      const lo = ALPHA_GRID[Math.max(i - 1, 0)] as number;
      const hi = ALPHA_GRID[Math.min(i + 1, grid.length - 1)] as number;
      const r = minimizeScalar(sse, lo, hi, 1e-7);
      const [x, fx] = r.fx <= v ? [r.x, r.fx] : [ALPHA_GRID[i] as number, v];
      if (fx < bestSse) [alpha, bestSse] = [x, fx];
    }
    const st = concentratedStates(y, 'N', alpha, 0, 1, base);
    params = { error: 'A', trend, alpha, beta: 0, phi: 1, l0: st.l0, b0: 0 };
  } else {
    const damped = trend === 'Ad';
    const objective = (x: Float64Array): number => {
      const a = x[0] as number;
      const phi = damped ? (x[2] as number) : 1;
      return likOf(concentratedStates(y, trend, a, betaOf(a, x[1] as number), phi, base).sse);
    };
    const lower = damped ? [LOWER_SMOOTHING, 0, PHI_LOWER] : [LOWER_SMOOTHING, 0];
    const upper = damped ? [UPPER_SMOOTHING, 1, PHI_UPPER] : [UPPER_SMOOTHING, 1];
    const opts = { ...NM, lower, upper };
    // statsforecast's start, and the best point of a coarse grid (which reaches
    // basins the first start often misses, such as a near-deterministic trend).
    const x = new Float64Array(lower.length);
    if (damped) x[2] = PHI0;
    let gridBest: number[] = damped ? [0.001, 0.5, PHI0] : [0.001, 0.5];
    let gridLik = Infinity;
    for (const a of ALPHA_SEEDS) {
      for (const sh of SHARE_GRID) {
        x[0] = a;
        x[1] = sh;
        const v = objective(x);
        if (v < gridLik) [gridBest, gridLik] = [Array.from(x), v];
      }
    }
    let r = nelderMead(
      objective,
      damped ? [ALPHA0, BETA0 / ALPHA0, PHI0] : [ALPHA0, BETA0 / ALPHA0],
      opts,
    );
    const r1 = nelderMead(objective, gridBest, opts);
    if (r1.fx < r.fx) r = r1;
    const alpha = r.x[0] as number;
    const beta = betaOf(alpha, r.x[1] as number);
    const phi = damped ? (r.x[2] as number) : 1;
    const st = concentratedStates(y, trend, alpha, beta, phi, base);
    params = { error: 'A', trend, alpha, beta, phi, l0: st.l0, b0: st.b0 };
  }
  const lik = etsLik(y, 'A', params.alpha, params.beta, params.phi, params.l0, params.b0);
  return { params, lik, aicc: aicc(lik, np, n), k: np + 1 };
}

function multiplicativeFit(
  y: Float64Array,
  trend: TrendType,
  start: EtsParams,
): EtsFit | undefined {
  const n = y.length;
  const np = parameterCount(trend);
  const base = initialStates(y, trend);
  let objective: (x: Float64Array) => number;
  let x0: number[];
  let x1: number[];
  let lower: number[];
  let upper: number[];
  const share = (p: EtsParams): number => Math.min(p.beta / p.alpha, 1);
  if (trend === 'N') {
    objective = (x) => etsLik(y, 'M', x[0] as number, 0, 1, x[1] as number, 0);
    x0 = [ALPHA0, base.l0];
    x1 = [start.alpha, start.l0];
    lower = [LOWER_SMOOTHING, -Infinity];
    upper = [UPPER_SMOOTHING, Infinity];
  } else if (trend === 'A') {
    objective = (x) => {
      const a = x[0] as number;
      return etsLik(y, 'M', a, betaOf(a, x[1] as number), 1, x[2] as number, x[3] as number);
    };
    x0 = [ALPHA0, BETA0 / ALPHA0, base.l0, base.b0];
    x1 = [start.alpha, share(start), start.l0, start.b0];
    lower = [LOWER_SMOOTHING, 0, -Infinity, -Infinity];
    upper = [UPPER_SMOOTHING, 1, Infinity, Infinity];
  } else {
    objective = (x) => {
      const a = x[0] as number;
      const bt = betaOf(a, x[1] as number);
      return etsLik(y, 'M', a, bt, x[2] as number, x[3] as number, x[4] as number);
    };
    x0 = [ALPHA0, BETA0 / ALPHA0, PHI0, base.l0, base.b0];
    x1 = [start.alpha, share(start), start.phi, start.l0, start.b0];
    lower = [LOWER_SMOOTHING, 0, PHI_LOWER, -Infinity, -Infinity];
    upper = [UPPER_SMOOTHING, 1, PHI_UPPER, Infinity, Infinity];
  }
  const opts = { ...NM, lower, upper, restarts: 4 };
  // statsforecast's start, and the additive-error fit of the same form (close in
  // most series, and in the deterministic-trend basin when that one is).
  let r = nelderMead(objective, x0, opts);
  const r1 = nelderMead(objective, x1, opts);
  if (r1.fx < r.fx) r = r1;
  if (!Number.isFinite(r.fx)) return undefined;
  const x = r.x;
  const at = (i: number): number => x[i] as number;
  const params: EtsParams =
    trend === 'N'
      ? { error: 'M', trend, alpha: at(0), beta: 0, phi: 1, l0: at(1), b0: 0 }
      : trend === 'A'
        ? {
            error: 'M',
            trend,
            alpha: at(0),
            beta: betaOf(at(0), at(1)),
            phi: 1,
            l0: at(2),
            b0: at(3),
          }
        : {
            error: 'M',
            trend,
            alpha: at(0),
            beta: betaOf(at(0), at(1)),
            phi: at(2),
            l0: at(3),
            b0: at(4),
          };
  return { params, lik: r.fx, aicc: aicc(r.fx, np, n), k: np + 1 };
}

/**
 * Fits one form by maximum likelihood; undefined when the series is too short for
 * it (statsforecast: as many estimated quantities as n - 1). A multiplicative-error
 * fit also starts from `start` (the additive-error fit of the same trend, computed
 * here when not given).
 */
export function fitEts(
  y: Float64Array,
  error: ErrorType,
  trend: TrendType,
  start?: EtsParams,
): EtsFit | undefined {
  const n = y.length;
  if (parameterCount(trend) >= n - 1) return undefined;
  if (error === 'A') return additiveFit(y, trend);
  return multiplicativeFit(y, trend, start ?? additiveFit(y, trend).params);
}
