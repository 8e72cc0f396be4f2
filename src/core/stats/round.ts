// Rounding for reports: figures a person reads (and a diff compares) keep a
// fixed number of decimals.

/** `v` rounded half up to `decimals` places (10 ** decimals is exact, so 6 places is Math.round(v * 1e6) / 1e6). */
export function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
