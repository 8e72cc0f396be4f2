// Sums and means, added left to right from 0 (so results match a plain loop
// or reduce bit for bit).

export function sumOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum;
}

/** Arithmetic mean; 0 for none. */
export function meanOf(values: ArrayLike<number>): number {
  return values.length === 0 ? 0 : sumOf(values) / values.length;
}
