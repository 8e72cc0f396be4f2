// Promotion and discount per (sku, date) cell, beside the CellStore's sums,
// only for files that have such a column: the weekly table's promo_days and
// discount, kept for the models that follow (they change no forecast yet).
// Cells are the CellStore's, by index; arrays grow as cells come.

/** What the weekly table reads: valid until the next row is added. */
export interface FeatureView {
  /** 1 when a row of the cell (a sku on a day) was on promotion; null without a promotion column. */
  readonly promo: ArrayLike<number> | null;
  /** Sum and count of the cell's discounts; null without a discount column. */
  readonly discountSum: ArrayLike<number> | null;
  readonly discountRows: ArrayLike<number> | null;
}

export class FeatureCells {
  private promo: Uint8Array | null;
  private discountSum: Float64Array | null;
  private discountRows: Int32Array | null;

  constructor(hasPromo: boolean, hasDiscount: boolean) {
    this.promo = hasPromo ? new Uint8Array(1024) : null;
    this.discountSum = hasDiscount ? new Float64Array(1024) : null;
    this.discountRows = hasDiscount ? new Int32Array(1024) : null;
  }

  /** One row of `cell`: its promotion flag (1, 0; -1 none) and discount (null: none or unreadable). */
  add(cell: number, promo: number, discount: number | null): void {
    const size = this.promo?.length ?? this.discountSum?.length ?? 0;
    if (cell >= size) this.grow(Math.max(cell + 1, Math.ceil(size * 1.5)));
    if (promo > 0 && this.promo !== null) this.promo[cell] = 1;
    if (discount !== null && this.discountSum !== null && this.discountRows !== null) {
      this.discountSum[cell]! += discount;
      this.discountRows[cell]!++;
    }
  }

  view(): FeatureView {
    return { promo: this.promo, discountSum: this.discountSum, discountRows: this.discountRows };
  }

  private grow(size: number): void {
    const copy = <T extends Uint8Array | Float64Array | Int32Array>(a: T | null): T | null => {
      if (a === null) return null;
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.promo = copy(this.promo);
    this.discountSum = copy(this.discountSum);
    this.discountRows = copy(this.discountRows);
  }
}
