// V8 lets a heap grow to up to about twice what survived its last full
// collection before it collects again. At the table cap (45,000 skus × 110
// weeks) about 250 MB survive, and the TCN's backtest leaves garbage that
// outlives the young generation (its windows go to the model thread and come
// back), so the heap swung by 200–300 MB between full collections. For a big
// file, `skucast forecast` asks V8 to collect when the heap has grown by a
// quarter: a few more full collections, a lower peak. Numbers are unchanged
// (the garbage collector does not touch arithmetic).
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/** Files from this size on run with the lean heap (the 1M-row benchmark file is 56 MB). */
export const LEAN_HEAP_FILE_BYTES = 64 * 1024 ** 2;

/** Heap growth between full collections, in percent, for big files. */
export const LEAN_HEAP_GROWTH_PERCENT = 25;

/** Sets the lean heap (process-wide: every thread) when `file` is big; true when it did. */
export function leanHeapFor(file: string): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size < LEAN_HEAP_FILE_BYTES) return false;
  setFlagsFromString(`--heap-growing-percent=${LEAN_HEAP_GROWTH_PERCENT}`);
  return true;
}
