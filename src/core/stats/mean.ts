// Sums and means, added left to right from 0 (so results match a plain loop
// or reduce bit for bit).

export function sumOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
}

/** Arithmetic mean; 0 for none. */
export function meanOf(values: ArrayLike<number>): number {
  return meanOfRange(values, 0, values.length);
}

/** Mean of values[from, to), e.g. the last k weeks of a history; 0 for an empty range. */
export function meanOfRange(values: ArrayLike<number>, from: number, to: number): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] as number;
  return sum / (to - from);
}
