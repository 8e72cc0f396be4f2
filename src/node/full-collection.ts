// V8's full garbage collection, callable as `--expose-gc` would make it,
// for reads that leave their garbage outside the JS heap. A Parquet read
// keeps its pages in reused typed arrays and allocates almost nothing on the
// heap, so V8 seldom collects on its own, and the cell store's outgrown
// arrays (a row's age is kept: 5 bytes a row, replaced half as long again as
// they fill) linger: at 20M rows the read peaked 65 MB above its CSV twin's,
// whose text parsing keeps V8 collecting. One collection per row group (a
// million rows: some 10 ms) keeps it below. Numbers are unchanged (a
// collection does not touch arithmetic).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/** Runs a full collection now. */
export function collectGarbage(): void {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    // The flag exposes gc() to contexts made after it is set.
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
