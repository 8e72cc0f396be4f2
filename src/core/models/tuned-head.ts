// The TCN's output head refitted on the user's own file (issue 28), with no
// gradient library: the network's body stays frozen, and a correction to its
// median is fitted in closed form on the body's features over windows taken
// from the file's own histories. In the network's scaled units, per horizon
// step k:
//
//   y[t + k] / scale − p50_k(frozen) ≈ β_k · [1, hidden, p50_k(frozen)]
//
// by ridge regression (or least absolute deviations, by reweighted ridge),
// shrinking β toward 0, so a file that says little leaves the shipped network
// as it is. The strength is chosen by leaving the last training origin out
// (never by looking past a history's end); "frozen" is one of the choices.
// Pure arithmetic: the model that runs the network is tcn-tuned.ts.

/** The ONNX output holding the head's input features (the last block at the last step). */
export const HIDDEN_OUTPUT = 'hidden';

export interface TunedHeadOptions {
  /** Weeks between a series' training origins. */
  stride: number;
  /** Training origins per series, at most (stride × this = the weeks of history used). */
  maxOrigins: number;
  /** Training windows over the whole batch, at most: the cost stays flat in the file's size. */
  budget: number;
  /** Ridge strengths tried (relative to the features' mean squares); Infinity = the frozen head. */
  lambdas: readonly number[];
  /** 'l2': ridge on squared error; 'l1': the median correction (reweighted ridge). */
  loss: 'l2' | 'l1';
  /**
   * Older windows on a grid fixed in the calendar (reused from one backtest
   * origin to the next: cheaper), or every window counted back from the
   * history's end (the latest weeks always in).
   */
  anchored: boolean;
  /** The strength's held-out error: in scaled units (every window alike) or in money (WAPE's weighting). */
  select: 'scaled' | 'money';
  /** 'l1': reweighting rounds after the ridge start. */
  rounds: number;
  /** Scaled targets are clipped here, as in training (recipe maxTarget). */
  maxTarget: number;
  /**
   * Correct only series that sell in most weeks (ADI ≤ 1.32, the demand
   * classes' cut), and fit on their windows only: a mostly-zero series keeps
   * the frozen network, whose median sits at zero where it should.
   */
  frequentOnly: boolean;
}

export const TUNED_HEAD_DEFAULTS: TunedHeadOptions = {
  stride: 4,
  maxOrigins: 26,
  // 5,000 skus: 500 of them, 4 windows each. At 4,000 windows auto with
  // tcn_tuned took 1.31x its time without it there, at 2,000 1.10x, and on
  // validation windows it kept its gain (models/MODEL_CARD.md, "Tuned head").
  budget: 2_000,
  lambdas: [Infinity, 10, 1, 0.1],
  // Chosen on validation windows (models/MODEL_CARD.md, "Tuned head"): the
  // median correction beat ridge on the seed, store-item and M4.
  loss: 'l1',
  // Measured on validation windows: the latest weeks matter more than reuse.
  anchored: false,
  rounds: 3,
  select: 'scaled',
  maxTarget: 20,
  // Measured on validation windows: tuning mostly-zero series moved their
  // median off zero (the sample's lines 2% worse); gated, no dataset lost.
  frequentOnly: true,
};

/** Training windows: series index, history length at the origin, and its origin offset (0 = the latest). */
export interface TrainingOrigins {
  series: Int32Array;
  end: Int32Array;
  offset: Int32Array;
}

/**
 * Origins t (history lengths) for training windows whose h target weeks
 * y[t], …, y[t + h − 1] lie inside each history of length lengths[i]:
 * t ≤ n − h, t ≥ minHistory. Offset 0 is the latest, t = n − h; the
 * others sit on a grid of `stride` weeks fixed in the series' own calendar
 * (anchors[i]: the absolute index just after the history's last week;
 * default n), so a backtest's next origin finds them again (tcn-tuned.ts
 * caches their network outputs) and series of one calendar share each
 * offset's weeks. Over
 * budget, each series keeps fewer offsets spread over the same span, down
 * to MIN_ORIGINS, and beyond that every k-th series is taken.
 */
/** Training origins per series taken, at least (when its history has room). */
const MIN_ORIGINS = 4;

export function trainingOrigins(
  lengths: readonly number[],
  h: number,
  minHistory: number,
  opts: Pick<TunedHeadOptions, 'stride' | 'maxOrigins' | 'budget'> &
    Partial<Pick<TunedHeadOptions, 'anchored'>>,
  anchors?: readonly number[],
): TrainingOrigins {
  const n = lengths.length;
  // At least MIN_ORIGINS per series taken: the latest is held out to choose
  // the strength, the others fit; over budget, every k-th series is taken.
  const perSeries = Math.min(
    opts.maxOrigins,
    Math.max(MIN_ORIGINS, Math.floor(opts.budget / Math.max(1, n))),
  );
  const every = Math.max(1, Math.ceil((n * perSeries) / Math.max(1, opts.budget)));
  // Offsets 0, step, 2·step, … spread over maxOrigins slots.
  const step = Math.max(1, Math.floor(opts.maxOrigins / perSeries));
  const series: number[] = [];
  const end: number[] = [];
  const offset: number[] = [];
  for (let i = 0; i < n; i += every) {
    const len = lengths[i] as number;
    const a = anchors?.[i] ?? len;
    const phase =
      opts.anchored === false ? 0 : (((a - h) % opts.stride) + opts.stride) % opts.stride;
    for (let j = 0; j < perSeries; j++) {
      // The latest window ends at the history's end (its recent weeks say
      // most: held out to choose the strength, then fitted on); the others
      // sit on the grid.
      const t = j === 0 ? len - h : len - h - phase - j * step * opts.stride;
      if (t < Math.max(1, minHistory)) break;
      series.push(i);
      end.push(t);
      offset.push(j);
    }
  }
  return {
    series: Int32Array.from(series),
    end: Int32Array.from(end),
    offset: Int32Array.from(offset),
  };
}

/**
 * The regression's data: n windows, per window d common features
 * (phi, row-major) and per step one more (own, [n, h]: the frozen p50), and
 * the residual to fit (r, [n, h]). group marks the windows held out to
 * choose the strength (the latest origin).
 */
export interface HeadData {
  n: number;
  d: number;
  h: number;
  phi: Float64Array;
  own: Float64Array;
  r: Float64Array;
  heldOut: Uint8Array;
  /** Each window's weight in the held-out error (its scale: errors in money, as WAPE pools them); 1 when absent. */
  weight?: Float64Array;
}

/** Coefficients [h, d + 1] (the last column multiplies the step's own feature); zeros = frozen. */
export type Correction = Float64Array;

/** The correction for step k of a window with common features phi (at phiAt) and own feature. */
export function correctionAt(
  beta: Correction,
  d: number,
  k: number,
  phi: ArrayLike<number>,
  phiAt: number,
  own: number,
): number {
  const b = k * (d + 1);
  let s = (beta[b + d] as number) * own;
  for (let j = 0; j < d; j++) s += (beta[b + j] as number) * (phi[phiAt + j] as number);
  return s;
}

/**
 * Per step k, the normal equations' sums over the windows `use` selects:
 * A_k = Σ x x^T (row-major [D, D]) and b_k = Σ x r_k, x = [phi, own_k]. The
 * common block Σ phi phi^T is summed once for every step.
 */
interface Sums {
  A: Float64Array;
  b: Float64Array;
  count: number;
}

function sumsOf(data: HeadData, use?: (i: number) => boolean): Sums {
  const { n, d, h, phi, own, r } = data;
  const D = d + 1;
  const G = new Float64Array(d * d);
  const A = new Float64Array(h * D * D);
  const b = new Float64Array(h * D);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (use && !use(i)) continue;
    count++;
    const p0 = i * d;
    for (let p = 0; p < d; p++) {
      const xp = phi[p0 + p] as number;
      if (xp === 0) continue;
      for (let q = 0; q <= p; q++)
        G[p * d + q] = (G[p * d + q] as number) + xp * (phi[p0 + q] as number);
    }
    for (let k = 0; k < h; k++) {
      const o = own[i * h + k] as number;
      const y = r[i * h + k] as number;
      const Ak = k * D * D;
      const bk = k * D;
      for (let p = 0; p < d; p++) {
        const xp = phi[p0 + p] as number;
        A[Ak + d * D + p] = (A[Ak + d * D + p] as number) + o * xp;
        b[bk + p] = (b[bk + p] as number) + xp * y;
      }
      A[Ak + d * D + d] = (A[Ak + d * D + d] as number) + o * o;
      b[bk + d] = (b[bk + d] as number) + o * y;
    }
  }
  for (let k = 0; k < h; k++) {
    const Ak = k * D * D;
    for (let p = 0; p < D; p++)
      for (let q = 0; q <= p; q++) {
        const v = p < d ? (G[p * d + q] as number) : (A[Ak + p * D + q] as number);
        A[Ak + p * D + q] = v;
        A[Ak + q * D + p] = v;
      }
  }
  return { A, b, count };
}

/** β from the sums: (A_k + λ·count·diag(m)) β_k = b_k, m the features' mean squares. */
function solveSums(s: Sums, d: number, h: number, lambda: number): Correction {
  const D = d + 1;
  const beta = new Float64Array(h * D);
  if (!(lambda < Infinity) || s.count === 0) return beta;
  const A = new Float64Array(D * D);
  for (let k = 0; k < h; k++) {
    A.set(s.A.subarray(k * D * D, (k + 1) * D * D));
    for (let p = 0; p < D; p++) {
      // The penalty in each feature's own units: its mean square, floored.
      const ms = Math.max((A[p * D + p] as number) / s.count, 1e-6);
      A[p * D + p] = (A[p * D + p] as number) + lambda * s.count * ms;
    }
    const sol = solveSpd(A, s.b.subarray(k * D, (k + 1) * D), D);
    if (sol) beta.set(sol, k * D);
  }
  return beta;
}

/**
 * β per step minimising Σ (r_ik − x_ik·β_k)² + λ·n·Σ_j m_j β_kj², x_ik =
 * [phi_i, own_ik], m_j the mean square of feature j, over the windows `use`
 * selects; 'l1' reweights by 1 / |residual| (a few rounds), so it fits the
 * median correction. λ = Infinity gives zeros: the frozen head.
 */
export function fitCorrection(
  data: HeadData,
  lambda: number,
  loss: TunedHeadOptions['loss'],
  use?: (i: number) => boolean,
  rounds = TUNED_HEAD_DEFAULTS.rounds,
  /** sumsOf(data, use), when the caller has them (one set serves every strength). */
  sums: Sums = sumsOf(data, use),
): Correction {
  const ridge = solveSums(sums, data.d, data.h, lambda);
  if (loss === 'l2' || !(lambda < Infinity)) return ridge;
  return refineL1(data, ridge, lambda, rounds, use);
}

/** The median correction by iteratively reweighted ridge, from the ridge fit `beta` (refined in place). */
function refineL1(
  data: HeadData,
  beta: Correction,
  lambda: number,
  rounds: number,
  use?: (i: number) => boolean,
): Correction {
  const { n, d, h, phi, own, r } = data;
  const D = d + 1;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!use || use(i)) rows.push(i);
  const x = new Float64Array(D);
  const A = new Float64Array(D * D);
  const b = new Float64Array(D);
  for (let k = 0; k < h; k++) {
    for (let round = 0; round < rounds; round++) {
      A.fill(0);
      b.fill(0);
      let wsum = 0;
      for (const i of rows) {
        for (let j = 0; j < d; j++) x[j] = phi[i * d + j] as number;
        x[d] = own[i * h + k] as number;
        const y = r[i * h + k] as number;
        const e = y - correctionAt(beta, d, k, phi, i * d, x[d] as number);
        // δ keeps a window fitted exactly from taking all the weight.
        const wi = 1 / Math.max(Math.abs(e), 0.05);
        wsum += wi;
        for (let p = 0; p < D; p++) {
          const wx = wi * (x[p] as number);
          b[p] = (b[p] as number) + wx * y;
          for (let q = 0; q <= p; q++)
            A[p * D + q] = (A[p * D + q] as number) + wx * (x[q] as number);
        }
      }
      for (let p = 0; p < D; p++) {
        const ms = Math.max((A[p * D + p] as number) / wsum, 1e-6);
        A[p * D + p] = (A[p * D + p] as number) + lambda * wsum * ms;
        for (let q = 0; q < p; q++) A[q * D + p] = A[p * D + q] as number;
      }
      const sol = solveSpd(A, b, D);
      if (!sol) break;
      // Row k only: the other steps' rows are not read while fitting this one.
      beta.set(sol, k * D);
    }
  }
  return beta;
}

/** Mean absolute error of the corrected median on the windows `use` selects. */
export function heldOutError(
  data: HeadData,
  beta: Correction,
  use: (i: number) => boolean,
): number {
  const { n, d, h, phi, own, r, weight } = data;
  let s = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!use(i)) continue;
    const w = weight ? (weight[i] as number) : 1;
    for (let k = 0; k < h; k++) {
      s +=
        w *
        Math.abs(
          (r[i * h + k] as number) - correctionAt(beta, d, k, phi, i * d, own[i * h + k] as number),
        );
      m += w;
    }
  }
  return m > 0 ? s / m : 0;
}

export interface TunedFit {
  beta: Correction;
  lambda: number;
  /** Held-out error (scaled absolute) of each strength tried, in opts.lambdas order. */
  errors: number[];
}

/**
 * The strength with the lowest error on the held-out (latest) windows when
 * fitted on the others, then the fit on every window with it. Without
 * held-out windows or earlier ones, the frozen head.
 */
export function fitTunedHead(
  data: HeadData,
  opts: Pick<TunedHeadOptions, 'lambdas' | 'loss'> & Partial<Pick<TunedHeadOptions, 'rounds'>>,
): TunedFit {
  const D = data.d + 1;
  let held = 0;
  for (let i = 0; i < data.n; i++) held += data.heldOut[i] as number;
  if (held === 0 || held === data.n) {
    return { beta: new Float64Array(data.h * D), lambda: Infinity, errors: [] };
  }
  const inFit = (i: number): boolean => data.heldOut[i] === 0;
  const inTest = (i: number): boolean => data.heldOut[i] === 1;
  let best = Infinity;
  let lambda = Infinity;
  const fitSums = sumsOf(data, inFit);
  const errors = opts.lambdas.map((l) => {
    const beta = fitCorrection(data, l, opts.loss, inFit, opts.rounds, fitSums);
    const e = heldOutError(data, beta, inTest);
    // Ties go to the stronger shrinkage (the earlier, in the grid's order).
    if (e < best - 1e-12) {
      best = e;
      lambda = l;
    }
    return e;
  });
  return { beta: fitCorrection(data, lambda, opts.loss, undefined, opts.rounds), lambda, errors };
}

/** Solves A x = b for a symmetric positive definite A (n × n, row-major) by Cholesky; null if not SPD. */
export function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / (L[j * n + j] as number);
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (y[k] as number);
    y[i] = s / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  return x;
}
