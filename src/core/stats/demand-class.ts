// Demand classes of Syntetos, Boylan & Croston (2005): how often a sku sells
// (ADI, the mean interval between weeks with a sale) and how much its sale
// sizes vary (CV², the squared coefficient of variation of the non-zero
// weeks). Bands are calibrated per class, because the errors of a sku that
// sells every week and of one that sells in a few weeks a year are not alike.

/** Mean weeks between sales above which demand is intermittent. */
export const INTERMITTENT_ADI = 1.32;
/** Squared coefficient of variation of sale sizes above which demand is erratic or lumpy. */
export const LUMPY_CV2 = 0.49;

export type DemandClass = (typeof DEMAND_CLASSES)[number];

export const DEMAND_CLASSES = ['smooth', 'erratic', 'intermittent', 'lumpy'] as const;

/** ADI of the first `n` values: n / weeks with a sale; Infinity when none sold. */
export function adiOf(y: ArrayLike<number>, n: number = y.length): number {
  let sales = 0;
  for (let t = 0; t < n; t++) if ((y[t] as number) !== 0) sales++;
  return sales > 0 ? n / sales : Infinity;
}

/** The class of the first `n` values of a history (a history with no sale is intermittent). */
export function demandClass(y: ArrayLike<number>, n: number = y.length): DemandClass {
  let sales = 0;
  let sum = 0;
  let sq = 0;
  for (let t = 0; t < n; t++) {
    const v = y[t] as number;
    if (v === 0) continue;
    sales++;
    sum += v;
    sq += v * v;
  }
  const frequent = sales > 0 && n / sales <= INTERMITTENT_ADI;
  const mean = sales > 0 ? sum / sales : 0;
  const cv2 = sales > 1 && mean !== 0 ? (sq / sales - mean * mean) / (mean * mean) : 0;
  const varied = cv2 > LUMPY_CV2;
  return frequent ? (varied ? 'erratic' : 'smooth') : varied ? 'lumpy' : 'intermittent';
}

/** Share of the last `weeks` of the first `n` values with a sale (all of them when fewer). */
export function sellingShare(y: ArrayLike<number>, n: number, weeks: number): number {
  const from = Math.max(0, n - weeks);
  let sales = 0;
  for (let t = from; t < n; t++) if ((y[t] as number) !== 0) sales++;
  return n > from ? sales / (n - from) : 0;
}

/** Weeks without a sale after which a series that sold before counts as ended. */
export const ENDED_WEEKS = 52;

/**
 * Whether the first `n` values are a series that ended: it sold before its
 * last `weeks` weeks and not once in them (a discontinued item, a closed
 * store). Its zeros after that say nothing about demand, so an evaluation
 * scoring them, or a training teaching them, measures the wrong thing.
 */
export function hasEnded(y: ArrayLike<number>, n: number, weeks: number = ENDED_WEEKS): boolean {
  return n > weeks && sellingShare(y, n, weeks) === 0 && adiOf(y, n - weeks) !== Infinity;
}
