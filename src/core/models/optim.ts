// Small derivative-free optimizers shared by the models that estimate
// parameters (exponential smoothing, Theta). Written for speed on short
// weekly series: flat Float64Arrays, no allocation inside the loop, the
// objective receives a scratch vector it must not keep.
//
// nelderMead follows the bounded Nelder–Mead that statsforecast uses for ETS
// and Theta (statsforecast `nelder_mead`: every trial point is clipped into the
// bounds, the first simplex scales each coordinate by (1 + initStep), the
// search stops when the standard deviation of the simplex's values falls below
// tolStd). minimizeScalar is Brent's bounded minimizer as in scipy's
// `minimize_scalar(method='bounded')` (fminbound), used for one-parameter fits.

export interface NelderMeadOptions {
  /** Lower bounds per coordinate (-Infinity where unbounded). */
  lower?: ArrayLike<number>;
  /** Upper bounds per coordinate (Infinity where unbounded). */
  upper?: ArrayLike<number>;
  /** Relative size of the first simplex: x_i (1 + initStep); zeros start at zeroPres. */
  initStep?: number;
  zeroPres?: number;
  maxIter?: number;
  /** Stop when the standard deviation of the simplex's function values is below this. */
  tolStd?: number;
  /** Dimension-dependent coefficients (Gao & Han 2012), as statsforecast's ETS uses. */
  adaptive?: boolean;
  /**
   * Searches started again from the best point after the first converges (0 in
   * statsforecast). Clipping can collapse the simplex onto a bound far from the
   * optimum; a fresh simplex around the best point undoes that.
   */
  restarts?: number;
}

export interface OptimResult {
  x: Float64Array;
  fx: number;
  iterations: number;
}

/** Minimizes fn from x0 inside [lower, upper]; non-finite values count as +Infinity. */
export function nelderMead(
  fn: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): OptimResult {
  let r = nelderMeadOnce(fn, x0, options);
  for (let k = 0; k < (options.restarts ?? 0); k++) {
    const next = nelderMeadOnce(fn, r.x, options);
    const improved = next.fx < r.fx;
    next.iterations += r.iterations;
    r = improved ? next : { ...r, iterations: next.iterations };
    if (!improved) break;
  }
  return r;
}

function nelderMeadOnce(
  fn: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions,
): OptimResult {
  const n = x0.length;
  const maxIter = options.maxIter ?? 2000;
  const tolStd = options.tolStd ?? 1e-10;
  const steps = stepCoefficients(n, options.adaptive);
  const objective = new BoundedObjective(fn, n, options);
  const simplex = new Simplex(objective, x0, options.initStep ?? 0.05, options.zeroPres ?? 1e-10);
  let it = 0;
  for (; it < maxIter; it++) {
    simplex.sortByValue();
    if (stdOf(simplex.fs) < tolStd) break;
    simplex.step(steps);
  }
  return simplex.best(it + 1);
}

/** Reflection, expansion, contraction and shrink factors. */
interface StepCoefficients {
  alpha: number;
  gamma: number;
  rho: number;
  sigma: number;
}

/** The standard factors, or Gao & Han's dimension-dependent ones when `adaptive`. */
function stepCoefficients(n: number, adaptive: boolean | undefined): StepCoefficients {
  if (adaptive) return { alpha: 1, gamma: 1 + 2 / n, rho: 0.75 - 1 / (2 * n), sigma: 1 - 1 / n };
  return { alpha: 1, gamma: 2, rho: 0.5, sigma: 0.5 };
}

/** fn inside [lower, upper]: points are clipped into the bounds, non-finite values count as +Infinity. */
class BoundedObjective {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly fn: (x: Float64Array) => number;
  private readonly n: number;
  /** What fn receives (it must not keep it): no allocation per evaluation. */
  private readonly scratch: Float64Array;

  constructor(fn: (x: Float64Array) => number, n: number, bounds: NelderMeadOptions) {
    this.fn = fn;
    this.n = n;
    this.lower = new Float64Array(n).fill(-Infinity);
    this.upper = new Float64Array(n).fill(Infinity);
    if (bounds.lower) for (let i = 0; i < n; i++) this.lower[i] = bounds.lower[i] as number;
    if (bounds.upper) for (let i = 0; i < n; i++) this.upper[i] = bounds.upper[i] as number;
    this.scratch = new Float64Array(n);
  }

  /** Clips the point at v[off .. off + n) into the bounds. */
  clip(v: Float64Array, off: number): void {
    const { n, lower, upper } = this;
    for (let i = 0; i < n; i++) {
      const x = v[off + i] as number;
      const lo = lower[i] as number;
      const hi = upper[i] as number;
      v[off + i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  /** fn at the point v[off .. off + n). */
  valueAt(v: Float64Array, off: number): number {
    const { n, scratch } = this;
    for (let i = 0; i < n; i++) scratch[i] = v[off + i] as number;
    const f = this.fn(scratch);
    return Number.isFinite(f) ? f : Infinity;
  }
}

/**
 * The search's n + 1 vertices (row j of `s` at offset j * n), their values,
 * their order by value, and the work vectors of one step, allocated once.
 */
class Simplex {
  readonly s: Float64Array;
  readonly fs: Float64Array;
  private readonly objective: BoundedObjective;
  private readonly n: number;
  /** Vertex indices by increasing value, as of the last sortByValue. */
  private readonly order: Int32Array;
  private readonly centroid: Float64Array;
  /** The reflected point. */
  private readonly xr: Float64Array;
  /** The expanded or contracted point. */
  private readonly xt: Float64Array;

  /** x0, and per coordinate i a vertex with x0[i] scaled by (1 + initStep), each clipped. */
  constructor(
    objective: BoundedObjective,
    x0: ArrayLike<number>,
    initStep: number,
    zeroPres: number,
  ) {
    const n = x0.length;
    const { lower, upper } = objective;
    this.objective = objective;
    this.n = n;
    const s = new Float64Array((n + 1) * n);
    for (let j = 0; j <= n; j++) {
      for (let i = 0; i < n; i++) s[j * n + i] = x0[i] as number;
    }
    for (let i = 0; i < n; i++) {
      const d = s[(i + 1) * n + i] as number;
      let v = (d === 0 ? zeroPres : d) * (1 + initStep);
      // A start on a bound would give a flat simplex: step inward instead.
      if (v > (upper[i] as number) || v < (lower[i] as number)) v = d - (v - d);
      s[(i + 1) * n + i] = v;
    }
    const fs = new Float64Array(n + 1);
    for (let j = 0; j <= n; j++) {
      objective.clip(s, j * n);
      fs[j] = objective.valueAt(s, j * n);
    }
    this.s = s;
    this.fs = fs;
    this.order = new Int32Array(n + 1);
    this.centroid = new Float64Array(n);
    this.xr = new Float64Array(n);
    this.xt = new Float64Array(n);
  }

  /** Orders the vertices by value (insertion sort: n is tiny). */
  sortByValue(): void {
    const { n, fs, order } = this;
    for (let j = 0; j <= n; j++) order[j] = j;
    for (let j = 1; j <= n; j++) {
      const k = order[j] as number;
      const fk = fs[k] as number;
      let q = j - 1;
      while (q >= 0 && (fs[order[q] as number] as number) > fk) {
        order[q + 1] = order[q] as number;
        q--;
      }
      order[q + 1] = k;
    }
  }

  /** One iteration on the sorted simplex: a better point replaces the worst vertex, or all shrink toward the best. */
  step(steps: StepCoefficients): void {
    const { n, order } = this;
    const best = order[0] as number;
    const worst = order[n] as number;
    const second = order[n - 1] as number;
    this.centroidOfBest();
    if (!this.replaceWorst(best, second, worst, steps)) this.shrinkToward(best, steps.sigma);
  }

  /** The vertex of least value (the first on ties) after `iterations` iterations. */
  best(iterations: number): OptimResult {
    const { n, s, fs } = this;
    let best = 0;
    for (let j = 1; j <= n; j++) if ((fs[j] as number) < (fs[best] as number)) best = j;
    return { x: s.slice(best * n, best * n + n), fx: fs[best] as number, iterations };
  }

  /** centroid = the mean of every vertex but the worst. */
  private centroidOfBest(): void {
    const { n, s, order, centroid } = this;
    centroid.fill(0);
    for (let q = 0; q < n; q++) {
      const row = (order[q] as number) * n;
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (s[row + i] as number);
    }
    for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) / n;
  }

  /**
   * Reflects the worst vertex through the centroid, then expands or contracts:
   * true when one of those points replaced it, false when the simplex must shrink.
   */
  private replaceWorst(
    best: number,
    second: number,
    worst: number,
    steps: StepCoefficients,
  ): boolean {
    const { n, s, fs, centroid, xr, xt, objective } = this;
    const wRow = worst * n;
    for (let i = 0; i < n; i++) {
      const c = centroid[i] as number;
      xr[i] = c + steps.alpha * (c - (s[wRow + i] as number));
    }
    objective.clip(xr, 0);
    const fr = objective.valueAt(xr, 0);
    const fBest = fs[best] as number;
    const fSecond = fs[second] as number;
    const fWorst = fs[worst] as number;
    if (fBest <= fr && fr < fSecond) return this.replace(worst, xr, fr);
    if (fr < fBest) {
      const fe = this.alongReflection(steps.gamma);
      return fe < fr ? this.replace(worst, xt, fe) : this.replace(worst, xr, fr);
    }
    if (fSecond <= fr && fr < fWorst) {
      const fc = this.alongReflection(steps.rho);
      return fc <= fr && this.replace(worst, xt, fc);
    }
    // Inside contraction, c − rho (xr − c), computed as c + (−rho)(xr − c): the
    // same double to the bit (negation is exact and x − y is x + (−y)).
    const fc = this.alongReflection(-steps.rho);
    return fc < fWorst && this.replace(worst, xt, fc);
  }

  /** xt = c + coef (xr − c), clipped; returns its value. Expansion for coef > 1, contraction below. */
  private alongReflection(coef: number): number {
    const { n, centroid, xr, xt, objective } = this;
    for (let i = 0; i < n; i++) {
      const c = centroid[i] as number;
      xt[i] = c + coef * ((xr[i] as number) - c);
    }
    objective.clip(xt, 0);
    return objective.valueAt(xt, 0);
  }

  private replace(vertex: number, point: Float64Array, value: number): true {
    this.s.set(point, vertex * this.n);
    this.fs[vertex] = value;
    return true;
  }

  /** Moves every vertex but the best by sigma of its way toward the best, and re-evaluates it. */
  private shrinkToward(best: number, sigma: number): void {
    const { n, s, fs, objective } = this;
    const bRow = best * n;
    for (let j = 0; j <= n; j++) {
      if (j === best) continue;
      const row = j * n;
      for (let i = 0; i < n; i++) {
        const b = s[bRow + i] as number;
        s[row + i] = b + sigma * ((s[row + i] as number) - b);
      }
      objective.clip(s, row);
      fs[j] = objective.valueAt(s, row);
    }
  }
}

function stdOf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i] as number;
  m /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += ((v[i] as number) - m) ** 2;
  const sd = Math.sqrt(ss / v.length);
  // Infinite vertices: keep searching (NaN < tol is false).
  return sd;
}

export interface ScalarResult {
  x: number;
  fx: number;
  iterations: number;
}

/**
 * Brent's bounded scalar minimizer (golden section with parabolic steps), as
 * scipy.optimize.fminbound: absolute tolerance xatol on x, at most maxIter steps.
 */
export function minimizeScalar(
  fn: (x: number) => number,
  lo: number,
  hi: number,
  xatol = 1e-5,
  maxIter = 500,
): ScalarResult {
  const f = (x: number): number => {
    const v = fn(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const sqrtEps = Math.sqrt(2.2e-16);
  const goldenMean = 0.5 * (3 - Math.sqrt(5));
  let a = lo;
  let b = hi;
  let fulc = a + goldenMean * (b - a);
  let nfc = fulc;
  let xf = fulc;
  let rat = 0;
  let e = 0;
  let x = xf;
  let fx = f(x);
  let num = 1;
  let ffulc = fx;
  let fnfc = fx;
  let xm = 0.5 * (a + b);
  let tol1 = sqrtEps * Math.abs(xf) + xatol / 3;
  let tol2 = 2 * tol1;
  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a)) {
    let golden = true;
    if (Math.abs(e) > tol1) {
      // Try a parabolic step.
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let p = (xf - fulc) * q - (xf - nfc) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
        rat = p / q;
        x = xf + rat;
        golden = false;
        if (x - a < tol2 || b - x < tol2) {
          const si = Math.sign(xm - xf) || 1;
          rat = tol1 * si;
        }
      }
    }
    if (golden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = goldenMean * e;
    }
    const si = Math.sign(rat) || 1;
    x = xf + si * Math.max(Math.abs(rat), tol1);
    const fu = f(x);
    num++;
    if (fu <= fx) {
      if (x >= xf) a = xf;
      else b = xf;
      fulc = nfc;
      ffulc = fnfc;
      nfc = xf;
      fnfc = fx;
      xf = x;
      fx = fu;
    } else {
      if (x < xf) a = x;
      else b = x;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc;
        ffulc = fnfc;
        nfc = x;
        fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = x;
        ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = sqrtEps * Math.abs(xf) + xatol / 3;
    tol2 = 2 * tol1;
    if (num >= maxIter) break;
  }
  return { x: xf, fx, iterations: num };
}
