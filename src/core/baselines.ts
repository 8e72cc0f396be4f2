// Flat statistical forecasts from a history of weekly amounts. They are the
// yardsticks of the model card and the fallback for skus too short for the
// model: each returns one level, used for every horizon week. The mean and
// median of the whole history are src/core/stats' meanOf and medianOf.

import { meanOfRange } from './stats/mean';

/** Last observed week. */
export function naiveLast(history: ArrayLike<number>): number {
  return history.length === 0 ? 0 : (history[history.length - 1] as number);
}

/** Mean of the last k weeks (of all weeks when fewer). */
export function meanLast(history: ArrayLike<number>, k: number): number {
  return meanOfRange(history, Math.max(0, history.length - k), history.length);
}

/**
 * Simple exponential smoothing. Alpha is chosen from a grid by the smallest
 * one-step-ahead squared error over the history itself (no look-ahead), the
 * level is initialised with the first value.
 */
export function sesForecast(history: ArrayLike<number>): { level: number; alpha: number } {
  if (history.length === 0) return { level: 0, alpha: 0 };
  let best = { level: history[0] as number, alpha: 0, sse: Infinity };
  for (let step = 1; step <= 99; step++) {
    const alpha = step / 100;
    let level = history[0] as number;
    let sse = 0;
    for (let t = 1; t < history.length; t++) {
      const y = history[t] as number;
      sse += (y - level) ** 2;
      level = alpha * y + (1 - alpha) * level;
    }
    if (sse < best.sse) best = { level, alpha, sse };
  }
  return { level: best.level, alpha: best.alpha };
}
