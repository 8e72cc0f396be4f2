// An ERP's item ledger records goods going out as negative quantities
// (Dynamics' `Invoiced Quantity`, SAP's goods issues): every sale is
// negative and a return positive. Read as a shop's file, each sale would be
// a return and every forecast negative. Such a file is recognised on its
// first rows, so a row is read the same way whatever chunk it comes in.
import { lenientNumber } from './number-reader';

/** The first rows need at least this many negative quantities… */
const MIN_NEGATIVE = 10;
/** …and this share of the non-zero ones. */
const NEGATIVE_SHARE = 0.9;

/** Whether the quantity column `col` of `sample` (the first data rows) writes sales as negative numbers. */
export function salesWrittenNegative(col: number, sample: readonly (readonly string[])[]): boolean {
  if (col < 0) return false;
  let negative = 0;
  let positive = 0;
  for (const r of sample) {
    const v = lenientNumber(r[col] ?? '');
    if (v === null || v === 0) continue;
    if (v < 0) negative++;
    else positive++;
  }
  return negative >= MIN_NEGATIVE && negative >= NEGATIVE_SHARE * (negative + positive);
}
