// The sums of a file's rows, one "cell" per (sku, date index), as parallel
// typed arrays that grow as cells come; rows themselves are never kept. Ages
// are kept one per row (a median needs the values), as bytes while every age
// is a whole number below SMALL_AGE.

/**
 * The cells and ages added so far, read-only, for the weekly table: valid
 * until the next row is added (the arrays grow by being replaced).
 */
export interface CellView {
  /** Cells made: each column below is read at [0, count). */
  readonly count: number;
  readonly sku: ArrayLike<number>;
  readonly date: ArrayLike<number>;
  readonly amount: ArrayLike<number>;
  readonly quantity: ArrayLike<number>;
  readonly rows: ArrayLike<number>;
  readonly male: ArrayLike<number>;
  readonly female: ArrayLike<number>;
  /** Ages kept: (ageCell[i], ages[i]) for i < ageCount. */
  readonly ageCount: number;
  readonly ageCell: ArrayLike<number>;
  readonly ages: ArrayLike<number>;
  /** Every age is a whole number in [0, SMALL_AGE): medians can count instead of sort. */
  readonly agesSmallInts: boolean;
}

/** Ages kept as bytes while every one is a whole number below this. */
export const SMALL_AGE = 256;

/** Gender codes of a row (see scan-cells' genderCode). */
export const MALE = 1;
export const FEMALE = 2;

/** `a`, or a copy of it half as long again (at least `need`) when it is shorter than `need`. */
function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (length: number) => T)(
    Math.max(need, Math.ceil(a.length * 1.5)),
  );
  b.set(a);
  return b;
}

export class CellStore {
  private nCells = 0;
  private nAges = 0;
  /** Per sku, cell index + 1 by date index (0 = no cell yet). */
  private readonly cellOfSku: Int32Array[] = [];
  private skuOf = new Int32Array(1024);
  private dateOf = new Int32Array(1024);
  private amountOf = new Float64Array(1024);
  private quantityOf = new Float64Array(1024);
  private rowsOf = new Int32Array(1024);
  private maleOf = new Int32Array(1024);
  private femaleOf = new Int32Array(1024);
  private ageCellOf = new Int32Array(65536);
  /** Ages as bytes (5 bytes a row in all), as doubles from the first one that is not a byte. */
  private ageSmall: Uint8Array | null = new Uint8Array(65536);
  private ageValue: Float64Array | null = null;

  view(): CellView {
    return {
      count: this.nCells,
      sku: this.skuOf,
      date: this.dateOf,
      amount: this.amountOf,
      quantity: this.quantityOf,
      rows: this.rowsOf,
      male: this.maleOf,
      female: this.femaleOf,
      ageCount: this.nAges,
      ageCell: this.ageCellOf,
      ages: this.ageSmall ?? (this.ageValue as Float64Array),
      agesSmallInts: this.ageSmall !== null,
    };
  }

  /** Adds one row of sku `si` on date `di` into its cell; `gender` is MALE, FEMALE or 0. */
  add(si: number, di: number, amount: number, quantity: number, gender: number): number {
    const cell = this.cellOf(si, di);
    this.amountOf[cell]! += amount;
    this.quantityOf[cell]! += quantity;
    this.rowsOf[cell]!++;
    if (gender === MALE) this.maleOf[cell]!++;
    else if (gender === FEMALE) this.femaleOf[cell]!++;
    return cell;
  }

  /** Keeps the age of one row added into `cell`. */
  addAge(cell: number, age: number): void {
    const n = this.nAges;
    if (n === this.ageCellOf.length) this.growAges(n + 1);
    const small = this.ageSmall;
    if (small !== null && (age | 0) === age && age >= 0 && age < SMALL_AGE) small[n] = age;
    else this.wideAges(n)[n] = age;
    this.ageCellOf[n] = cell;
    this.nAges = n + 1;
  }

  private growAges(need: number): void {
    this.ageCellOf = grow(this.ageCellOf, need);
    if (this.ageSmall !== null) this.ageSmall = grow(this.ageSmall, need);
    else this.ageValue = grow(this.ageValue as Float64Array, need);
  }

  /** The ages as doubles, the first `n` copied from the bytes the first time. */
  private wideAges(n: number): Float64Array {
    if (this.ageSmall !== null) {
      const wide = new Float64Array(this.ageCellOf.length);
      for (let i = 0; i < n; i++) wide[i] = this.ageSmall[i] as number;
      this.ageValue = wide;
      this.ageSmall = null;
    }
    return this.ageValue as Float64Array;
  }

  /** The cell of (si, di), made on first use. */
  private cellOf(si: number, di: number): number {
    const cells = this.cellOfSku[si];
    const known = cells !== undefined && di < cells.length ? (cells[di] as number) - 1 : -1;
    return known >= 0 ? known : this.newCell(si, di);
  }

  private newCell(si: number, di: number): number {
    while (this.cellOfSku.length <= si) this.cellOfSku.push(new Int32Array(64));
    let cells = this.cellOfSku[si] as Int32Array;
    if (di >= cells.length) {
      cells = grow(cells, di + 1);
      this.cellOfSku[si] = cells;
    }
    const c = this.nCells++;
    if (c === this.skuOf.length) {
      const need = c + 1;
      this.skuOf = grow(this.skuOf, need);
      this.dateOf = grow(this.dateOf, need);
      this.amountOf = grow(this.amountOf, need);
      this.quantityOf = grow(this.quantityOf, need);
      this.rowsOf = grow(this.rowsOf, need);
      this.maleOf = grow(this.maleOf, need);
      this.femaleOf = grow(this.femaleOf, need);
    }
    this.skuOf[c] = si;
    this.dateOf[c] = di;
    cells[di] = c + 1;
    return c;
  }
}
