// The standard normal distribution: its CDF, its quantile function and the
// 0.9 quantile the p10/p90 intervals are built on.

/** Standard normal quantile at 0.9 (scipy's norm.ppf(0.9)): p90 = p50 + Z90 sigma. */
export const Z90 = 1.2815515655446004;

/** Standard normal CDF (via erfc, |relative error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

// Coefficients of Acklam's inverse normal CDF approximation.
const [a0, a1, a2, a3, a4, a5] = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
] as const;
const [b0, b1, b2, b3, b4] = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
] as const;
const [c0, c1, c2, c3, c4, c5] = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const [d0, d1, d2, d3] = [
  0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416,
] as const;
const P_LOW = 0.02425;

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile needs 0 < p < 1, got ${p}`);
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Student's t quantile at 0.9 for 1–30 degrees of freedom (scipy's t.ppf(0.9, df)). */
const T90 = [
  3.0777, 1.8856, 1.6377, 1.5332, 1.4759, 1.4398, 1.4149, 1.3968, 1.383, 1.3722, 1.3634, 1.3562,
  1.3502, 1.345, 1.3406, 1.3368, 1.3334, 1.3304, 1.3277, 1.3253, 1.3232, 1.3212, 1.3195, 1.3178,
  1.3163, 1.315, 1.3137, 1.3125, 1.3114, 1.3104,
];

/**
 * Student's t quantile at 0.9 with `df` degrees of freedom: the p90 of a new
 * value from a normal sample of df + 1 whose mean and spread are estimated;
 * past 30, within 0.001 of it (Z90 + 0.85 / df).
 */
export function t90(df: number): number {
  if (df < 1) return NaN;
  return df <= T90.length ? (T90[df - 1] as number) : Z90 + 0.85 / df;
}
