// Milliseconds for the stage timings and per-model fit times that core reports.
// Every runtime core runs in has `performance`; Date is the fallback elsewhere.
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
