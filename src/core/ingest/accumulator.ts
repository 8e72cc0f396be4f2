// Row-by-row aggregation. Rows are never kept: each one is validated and added
// into a "cell" per (sku, raw date string). Dates stay unresolved until the
// whole file is seen, because day-first vs month-first is a file-wide choice
// (CONTRACT.md §1.3); unique date strings are few, so this is cheap.
import { readDate, datePart, type DateReading } from './dates';
import { fastNumber, MAX_MAGNITUDE, readNumberSlow, shortestNumber } from './numbers';
import type { ColumnPlan } from './column-plan';
import { hasControlChar, shownCell, type IssueLog } from './issues';
import { seedIdOf } from '../seed';

/** The text of an ISO date key y*10000 + m*100 + d (as the scanner read `YYYY-MM-DD`). */
function isoKeyText(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** ISO keys (yyyymmdd) the direct date table covers: 20 years. */
const ISO_SPAN = 200_000;

/** Returned by readNumber when the row must be skipped (the issue is already logged). */
const REJECT = Number.NEGATIVE_INFINITY;

interface ConventionSeen {
  code: 'decimal-comma' | 'thousands-separator';
  column: string;
  firstRow: number;
  example: string;
  value: number;
  rows: number;
}

/** `a`, or a copy of it half as long again (at least `need`) when it is shorter than `need`. */
function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (length: number) => T)(
    Math.max(need, Math.ceil(a.length * 1.5)),
  );
  b.set(a);
  return b;
}

export class Accumulator {
  // Private, so the report's counts move only with rows: addScanned and unuseRows.
  private nRead = 0;
  private nUsed = 0;
  private nCells = 0;
  private nAges = 0;

  /** Records read, blank lines excepted. */
  get rowsRead(): number {
    return this.nRead;
  }

  /** Records added into a cell, less those given back by `unuseRows`. */
  get rowsUsed(): number {
    return this.nUsed;
  }

  get cellCount(): number {
    return this.nCells;
  }

  /** Ages kept: (ageCell[i], ageAt(i)) for i < ageCount. */
  get ageCount(): number {
    return this.nAges;
  }

  /**
   * Gives back rows counted as used: a date's reading is only settled once
   * the file's day/month order is known, after every row was added.
   */
  unuseRows(rows: number): void {
    this.nUsed -= rows;
  }

  // Series keys.
  readonly skuNames: string[] = [];
  readonly skuCategory: string[] = [];
  /** Unit price of category+price skus; NaN for skus from a sku column. */
  readonly skuPrice: number[] = [];
  private readonly skuByRaw = new Map<string, number>();
  private readonly skuByName = new Map<string, number>();
  private readonly priceKeyed = new Map<string, Map<string | number, number>>();
  private readonly dateByIsoKey = new Map<number, number>();
  /** Date index + 1 by ISO key - isoBase (0 = not seen): the hot path's lookup, no hashing. */
  private isoTable = new Int32Array(0);
  private isoBase = 0;
  /** All-NaN `pre` for records that come as plain strings. */
  private readonly noPre: Float64Array;

  // Dates: raw string -> index of its reading.
  private readonly dateByRaw = new Map<string, number>();
  private readonly dateByText = new Map<string, number>();
  readonly dateReadings: DateReading[] = [];
  readonly dateText: string[] = [];
  readonly dateFirstRow: number[] = [];

  // Cells, one per (sku, date index), as parallel typed arrays.
  private cellOfSku: Int32Array[] = [];
  cellSku: Int32Array = new Int32Array(1024);
  cellDate: Int32Array = new Int32Array(1024);
  cellAmount: Float64Array = new Float64Array(1024);
  cellQuantity: Float64Array = new Float64Array(1024);
  cellRows: Int32Array = new Int32Array(1024);
  cellMale: Int32Array = new Int32Array(1024);
  cellFemale: Int32Array = new Int32Array(1024);

  // Ages of used rows: (cell, age) pairs; medians need the values themselves.
  ageCell: Int32Array = new Int32Array(65536);
  /**
   * Ages as bytes while every age is a whole number in [0, 256) (the usual
   * case: 5 bytes a row in all), as doubles from the first one that is not.
   */
  private ageSmall: Uint8Array | null = new Uint8Array(65536);
  private ageValue: Float64Array | null = null;

  /** Medians can count instead of sort. */
  get agesSmallInts(): boolean {
    return this.ageSmall !== null;
  }

  ageAt(i: number): number {
    return this.ageSmall !== null
      ? (this.ageSmall[i] as number)
      : ((this.ageValue as Float64Array)[i] as number);
  }

  private readonly genderOf = new Map<string, number>();
  private readonly conventions = new Map<string, ConventionSeen>();
  private readonly fieldCount: number;
  private readonly delimiterName: string;
  /** amount = quantity × price when there is no amount column. */
  private readonly amountFromQuantity: boolean;

  constructor(
    readonly plan: ColumnPlan,
    private readonly log: IssueLog,
    delimiter: string,
  ) {
    this.fieldCount = plan.headers.length;
    this.delimiterName = delimiter === '\t' ? 'tab' : `'${delimiter}'`;
    this.amountFromQuantity = plan.amount === -1;
    this.noPre = new Float64Array(plan.headers.length).fill(NaN);
  }

  private header(col: number): string {
    return this.plan.headers[col] ?? '';
  }

  private rowError(code: string, row: number, col: number, message: string): void {
    this.log.add({
      severity: 'error',
      code,
      row,
      ...(col >= 0 && { column: this.header(col) }),
      message,
    });
    this.log.skipped(code);
  }

  private rowWarning(code: string, row: number, col: number, message: string): void {
    this.log.add({ severity: 'warning', code, row, column: this.header(col), message });
  }

  /** Adds one record; `row` is its 1-based spreadsheet row. */
  addRow(fields: string[], row: number): void {
    this.addScanned(fields, this.noPre, row);
  }

  /**
   * Adds one record whose cells the fast scanner may have read already: where
   * `pre[col]` is a number it stands for the cell (see PreKind), and
   * `fields[col]` is not to be read; where it is NaN, `fields[col]` holds the text.
   */
  addScanned(fields: string[], pre: Float64Array, row: number): void {
    const n = fields.length;
    if (n === 1 && (fields[0] as string).trim() === '') return; // blank line
    this.nRead++;
    if (n !== this.fieldCount && !this.checkRagged(fields, row)) return;
    const plan = this.plan;

    // Date (resolved to a day later; here only its reading index).
    let di: number | undefined;
    const isoKey = pre[plan.date] as number;
    if (isoKey === isoKey) {
      const k = isoKey - this.isoBase;
      // Bounded by the table, not the span: it is empty until the first ISO date (year 0001 is a key too).
      const hit = k >= 0 && k < this.isoTable.length ? (this.isoTable[k] as number) : 0;
      di = hit !== 0 ? hit - 1 : this.isoDateIndex(isoKey, row);
    } else {
      const rawDate = fields[plan.date] as string;
      di = this.dateByRaw.get(rawDate);
      if (di === undefined) di = this.internDate(rawDate, row);
    }
    if (di < 0) {
      const text = isoKey === isoKey ? isoKeyText(isoKey) : shownCell(fields[plan.date] as string);
      if (text === '') {
        this.rowError(
          'missing-date',
          row,
          plan.date,
          `Row ${row}, column "${this.header(plan.date)}": empty; expected a date such as 2023-11-24`,
        );
      } else {
        this.rowError(
          'bad-date',
          row,
          plan.date,
          `Row ${row}, column "${this.header(plan.date)}": "${text}" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023`,
        );
      }
      return;
    }

    // Series key.
    const si = this.skuIndex(fields, pre, row);
    if (si < 0) return;

    // Quantity.
    let quantity = 0;
    if (plan.quantity >= 0) {
      const q = pre[plan.quantity] as number;
      quantity =
        q === q ? q : this.readNumber(fields[plan.quantity] as string, plan.quantity, row, true);
      if (quantity === REJECT) return;
      if (quantity !== quantity) {
        if (this.amountFromQuantity) {
          this.rowError(
            'missing-quantity',
            row,
            plan.quantity,
            `Row ${row}, column "${this.header(plan.quantity)}": empty; expected a quantity (the amount is quantity × price in this file)`,
          );
          return;
        }
        this.rowWarning(
          'missing-quantity',
          row,
          plan.quantity,
          `Row ${row}, column "${this.header(plan.quantity)}": empty; counted as 0 units`,
        );
        quantity = 0;
      }
    }

    // Amount (or quantity × price).
    let amount: number;
    if (!this.amountFromQuantity) {
      const a = pre[plan.amount] as number;
      amount = a === a ? a : this.readNumber(fields[plan.amount] as string, plan.amount, row, true);
      if (amount === REJECT) return;
      if (amount !== amount) {
        const price = this.unitPrice(fields, pre, si);
        if (plan.quantity >= 0 && price === price) {
          amount = quantity * price;
          this.rowWarning(
            'amount-computed',
            row,
            plan.amount,
            `Row ${row}, column "${this.header(plan.amount)}": empty; used ${this.header(plan.quantity)} × ${this.header(plan.price)} = ${shortestNumber(amount)} instead`,
          );
        } else {
          this.rowError(
            'missing-amount',
            row,
            plan.amount,
            `Row ${row}, column "${this.header(plan.amount)}": empty; expected an amount (or both quantity and price to compute it)`,
          );
          return;
        }
      }
    } else {
      const price = this.unitPrice(fields, pre, si);
      if (price !== price) {
        this.rowError(
          'missing-price',
          row,
          plan.price,
          `Row ${row}, column "${this.header(plan.price)}": empty or not a number; expected a unit price (the amount is quantity × price in this file)`,
        );
        return;
      }
      amount = quantity * price;
    }

    if (!(amount <= MAX_MAGNITUDE && amount >= -MAX_MAGNITUDE)) {
      // Each cell is within bounds, their product may not be (1e10 × 1e10).
      const col = this.amountFromQuantity ? plan.price : plan.amount;
      this.rowError(
        'number-too-large',
        row,
        col,
        `Row ${row}, column "${this.header(col)}": ${this.header(plan.quantity)} × ${this.header(plan.price)} = ${shortestNumber(amount)} is a number too large; expected an amount of at most ${MAX_MAGNITUDE.toExponential()} (1,000,000,000,000,000)`,
      );
      return;
    }

    if (quantity < 0) {
      // A return: it counts as negative sales whatever sign the amount column used.
      if (amount > 0) amount = -amount;
      this.rowWarning(
        'negative-quantity',
        row,
        plan.quantity,
        `Row ${row}, column "${this.header(plan.quantity)}": ${shortestNumber(quantity)} is a return; kept and counted as negative sales (${shortestNumber(amount)})`,
      );
    }

    // Age (optional feature: a bad value drops the age, not the row).
    let age = NaN;
    if (plan.age >= 0) {
      const g = pre[plan.age] as number;
      age = g === g ? g : this.readNumber(fields[plan.age] as string, plan.age, row, false);
      if (age === REJECT) age = NaN;
    }

    // Gender.
    let gender = 0;
    if (plan.gender >= 0 && pre[plan.gender] === pre[plan.gender]) {
      gender = pre[plan.gender] as number;
    } else if (plan.gender >= 0) {
      const g = fields[plan.gender] as string;
      const cached = this.genderOf.get(g);
      if (cached === undefined) {
        const t = g.trim().toLowerCase();
        gender = t === 'male' || t === 'm' ? 1 : t === 'female' || t === 'f' ? 2 : 0;
        this.genderOf.set(g, gender);
      } else gender = cached;
    }

    // Add into the (sku, date) cell.
    let cells = this.cellOfSku[si] as Int32Array;
    let cell = di < cells.length ? (cells[di] as number) - 1 : -1;
    if (cell < 0) {
      if (di >= cells.length) {
        cells = grow(cells, di + 1);
        this.cellOfSku[si] = cells;
      }
      cell = this.newCell(si, di);
      cells[di] = cell + 1;
    }
    this.cellAmount[cell]! += amount;
    this.cellQuantity[cell]! += quantity;
    this.cellRows[cell]!++;
    if (gender === 1) this.cellMale[cell]!++;
    else if (gender === 2) this.cellFemale[cell]!++;
    if (age === age) {
      this.pushAge(cell, age);
    }
    this.nUsed++;
  }

  private pushAge(cell: number, age: number): void {
    const n = this.nAges;
    if (n === this.ageCell.length) {
      this.ageCell = grow(this.ageCell, n + 1);
      if (this.ageSmall !== null) this.ageSmall = grow(this.ageSmall, n + 1);
      else this.ageValue = grow(this.ageValue as Float64Array, n + 1);
    }
    if (this.ageSmall !== null && !((age | 0) === age && age >= 0 && age < 256)) {
      const wide = new Float64Array(this.ageCell.length);
      for (let i = 0; i < n; i++) wide[i] = this.ageSmall[i] as number;
      this.ageValue = wide;
      this.ageSmall = null;
    }
    this.ageCell[n] = cell;
    if (this.ageSmall !== null) this.ageSmall[n] = age;
    else (this.ageValue as Float64Array)[n] = age;
    this.nAges = n + 1;
  }

  private newCell(si: number, di: number): number {
    const c = this.nCells++;
    if (c === this.cellSku.length) {
      const need = c + 1;
      this.cellSku = grow(this.cellSku, need);
      this.cellDate = grow(this.cellDate, need);
      this.cellAmount = grow(this.cellAmount, need);
      this.cellQuantity = grow(this.cellQuantity, need);
      this.cellRows = grow(this.cellRows, need);
      this.cellMale = grow(this.cellMale, need);
      this.cellFemale = grow(this.cellFemale, need);
    }
    this.cellSku[c] = si;
    this.cellDate[c] = di;
    return c;
  }

  /** False (row skipped) unless the extra fields are all empty (a trailing delimiter). */
  private checkRagged(fields: string[], row: number): boolean {
    const n = fields.length;
    const expected = this.fieldCount;
    if (n > expected && fields.slice(expected).every((f) => f.trim() === '')) return true;
    const hint =
      n > expected
        ? `; a value probably contains an unquoted ${this.delimiterName}`
        : '; the row is cut short';
    this.rowError(
      'ragged-row',
      row,
      -1,
      `Row ${row} has ${n} field${n === 1 ? '' : 's'} but the header has ${expected}${hint}; expected ${expected} fields separated by ${this.delimiterName}`,
    );
    return false;
  }

  /** Date index of an ISO key, through the Map; fills the direct table when the key is in its span. */
  private isoDateIndex(isoKey: number, row: number): number {
    let di = this.dateByIsoKey.get(isoKey);
    if (di === undefined) {
      di = this.internDate(isoKeyText(isoKey), row);
      this.dateByIsoKey.set(isoKey, di);
    }
    if (this.isoTable.length === 0) {
      // The span is centred on the first date seen.
      this.isoBase = (Math.floor(isoKey / 10000) - ISO_SPAN / 20000) * 10000;
      this.isoTable = new Int32Array(ISO_SPAN);
    }
    const k = isoKey - this.isoBase;
    if (k >= 0 && k < ISO_SPAN) this.isoTable[k] = di + 1;
    return di;
  }

  private internDate(raw: string, row: number): number {
    const text = datePart(raw);
    let di = this.dateByText.get(text);
    if (di === undefined) {
      const reading = readDate(text);
      if (reading.kind === 'bad') {
        di = -1;
      } else {
        di = this.dateReadings.length;
        this.dateReadings.push(reading);
        this.dateText.push(text);
        this.dateFirstRow.push(row);
      }
      this.dateByText.set(text, di);
    }
    // Timestamped files have a new raw string per row: stop caching raw forms
    // past a bound so memory stays flat (the date-part cache still applies).
    if (this.dateByRaw.size < 100_000) this.dateByRaw.set(raw, di);
    return di;
  }

  private skuIndex(fields: string[], pre: Float64Array, row: number): number {
    const plan = this.plan;
    if (plan.skuParts !== undefined && plan.skuParts.length > 1) return this.partsSku(fields, row);
    if (plan.sku >= 0) {
      const raw = fields[plan.sku] as string;
      const si = this.skuByRaw.get(raw);
      if (si !== undefined) return si;
      const name = raw.trim();
      if (name === '') {
        this.rowError(
          'missing-sku',
          row,
          plan.sku,
          `Row ${row}, column "${this.header(plan.sku)}": empty; expected a product id`,
        );
        return -1;
      }
      const category = plan.category >= 0 ? (fields[plan.category] as string).trim() : '';
      if (this.controlChar(name, plan.sku, row) || this.controlChar(category, plan.category, row))
        return -1;
      const id = this.internSku(name, category, NaN, -1);
      if (this.skuByRaw.size < 100_000) this.skuByRaw.set(raw, id);
      return id;
    }
    // No sku column: the seed's rule, category + unit price.
    const rawCategory = plan.category >= 0 ? (fields[plan.category] as string) : '';
    const prePrice = plan.price >= 0 ? (pre[plan.price] as number) : NaN;
    const rawPrice = prePrice === prePrice || plan.price < 0 ? '' : (fields[plan.price] as string);
    const priceKey: string | number = prePrice === prePrice ? prePrice : rawPrice;
    let byPrice = this.priceKeyed.get(rawCategory);
    const hit = byPrice?.get(priceKey);
    if (hit !== undefined) return hit;
    const category = rawCategory.trim();
    if (plan.category >= 0 && category === '') {
      this.rowError(
        'missing-category',
        row,
        plan.category,
        `Row ${row}, column "${this.header(plan.category)}": empty; expected a category (with no sku column, category and price name the product)`,
      );
      return -1;
    }
    if (this.controlChar(category, plan.category, row)) return -1;
    let price = NaN;
    if (plan.price >= 0) {
      price = prePrice === prePrice ? prePrice : this.readNumber(rawPrice, plan.price, row, true);
      if (price === REJECT) return -1;
      if (price !== price) {
        this.rowError(
          'missing-price',
          row,
          plan.price,
          `Row ${row}, column "${this.header(plan.price)}": empty; expected a unit price (with no sku column, category and price name the product)`,
        );
        return -1;
      }
    }
    const parts: string[] = [];
    if (plan.category >= 0) parts.push(category);
    if (plan.price >= 0) parts.push(shortestNumber(price));
    const name = parts.length > 0 ? parts.join(' · ') : 'all';
    const id = this.internSku(name, category, price, seedIdOf(category, price));
    if (!byPrice) {
      byPrice = new Map();
      this.priceKeyed.set(rawCategory, byPrice);
    }
    if (byPrice.size < 10_000) byPrice.set(priceKey, id);
    return id;
  }

  readonly skuSeed: number[] = [];
  /** The values of a sku made of several columns (ColumnPlan.skuParts), by sku index. */
  readonly skuPartValues: (string[] | undefined)[] = [];

  /** A sku made of several columns: their values joined by ' · ' (`3 · 17`). */
  private partsSku(fields: string[], row: number): number {
    const parts = this.plan.skuParts as number[];
    const values: string[] = [];
    for (const col of parts) {
      const v = (fields[col] as string).trim();
      if (v === '') {
        const names = parts.map((c) => this.header(c)).join(' + ');
        this.rowError(
          'missing-sku',
          row,
          col,
          `Row ${row}, column "${this.header(col)}": empty; expected a value (the sku is ${names})`,
        );
        return -1;
      }
      values.push(v);
    }
    const name = values.join(' · ');
    let id = this.skuByRaw.get(name);
    if (id === undefined) {
      const plan = this.plan;
      const category = plan.category >= 0 ? (fields[plan.category] as string).trim() : '';
      id = this.internSku(name, category, NaN, -1);
      this.skuPartValues[id] = values;
      if (this.skuByRaw.size < 100_000) this.skuByRaw.set(name, id);
    }
    return id;
  }

  /**
   * A stray control character (a NUL, an escape) in a name is a damaged row:
   * skipped with an issue, the rest of the file read (binary files are refused
   * before this, see format-sniff.ts).
   */
  private controlChar(text: string, col: number, row: number): boolean {
    if (col < 0 || !hasControlChar(text)) return false;
    this.rowError(
      'control-character',
      row,
      col,
      `Row ${row}, column "${this.header(col)}": "${shownCell(text)}" holds a control character; expected plain text (the file may be damaged here)`,
    );
    return true;
  }

  private internSku(name: string, category: string, price: number, seed: number): number {
    let id = this.skuByName.get(name);
    if (id === undefined) {
      id = this.skuNames.length;
      this.skuNames.push(name);
      this.skuCategory.push(category);
      this.skuPrice.push(price);
      this.skuSeed.push(seed);
      this.cellOfSku.push(new Int32Array(64));
      this.skuByName.set(name, id);
    } else if (this.skuCategory[id] === '' && category !== '') {
      this.skuCategory[id] = category;
    }
    return id;
  }

  /** Unit price for computing a missing amount: the sku's, else this row's price cell. */
  private unitPrice(fields: string[], pre: Float64Array, si: number): number {
    const known = this.skuPrice[si] as number;
    if (known === known) return known;
    if (this.plan.price < 0) return NaN;
    const p = pre[this.plan.price] as number;
    if (p === p) return p;
    const v = fastNumber(fields[this.plan.price] as string);
    if (v === v) return v;
    const slow = readNumberSlow(fields[this.plan.price] as string);
    // A price too large still computes an amount, which the bound on amounts refuses.
    return slow.kind === 'ok' ||
      slow.kind === 'decimal-comma' ||
      slow.kind === 'thousands' ||
      slow.kind === 'too-large'
      ? slow.value
      : NaN;
  }

  /**
   * A number cell: its value, NaN when empty, or REJECT after logging why
   * (as an error that skips the row when `required`, else as a warning).
   */
  private readNumber(text: string, col: number, row: number, required: boolean): number {
    const fast = fastNumber(text);
    if (fast === fast) return fast;
    const r = readNumberSlow(text);
    switch (r.kind) {
      case 'ok':
        return r.value;
      case 'empty':
        return NaN;
      case 'decimal-comma':
      case 'thousands':
        this.seeConvention(
          r.kind === 'thousands' ? 'thousands-separator' : 'decimal-comma',
          col,
          row,
          text,
          r.value,
        );
        return r.value;
      case 'ambiguous-thousands': {
        const t = text.trim();
        const asThousands = shortestNumber(Number(t.replace(',', '')));
        const asDecimal = shortestNumber(Number(t.replace(',', '.')));
        this.numberProblem(
          required,
          'thousands-separator',
          row,
          col,
          `Row ${row}, column "${this.header(col)}": "${t}" could use a thousands separator (${asThousands}) or a decimal comma (${asDecimal}); expected a plain number such as ${asThousands} or ${asDecimal}`,
        );
        return REJECT;
      }
      case 'too-large':
        this.numberProblem(
          required,
          'number-too-large',
          row,
          col,
          `Row ${row}, column "${this.header(col)}": "${shownCell(text)}" is a number too large; expected a number of at most ${MAX_MAGNITUDE.toExponential()} (1,000,000,000,000,000) in size`,
        );
        return REJECT;
      default:
        this.numberProblem(
          required,
          'bad-number',
          row,
          col,
          `Row ${row}, column "${this.header(col)}": "${shownCell(text)}" is not a number; expected a number such as 3 or 12.5`,
        );
        return REJECT;
    }
  }

  private numberProblem(
    required: boolean,
    code: string,
    row: number,
    col: number,
    message: string,
  ): void {
    if (required) this.rowError(code, row, col, message);
    else this.rowWarning(code, row, col, message + ' (value ignored, row kept)');
  }

  private seeConvention(
    code: ConventionSeen['code'],
    col: number,
    row: number,
    example: string,
    value: number,
  ): void {
    const key = `${code}\u0000${col}`;
    const seen = this.conventions.get(key);
    if (seen) seen.rows++;
    else
      this.conventions.set(key, {
        code,
        column: this.header(col),
        firstRow: row,
        example: example.trim(),
        value,
        rows: 1,
      });
  }

  /** One warning per column and convention, for the report's notes. */
  conventionNotes(): { code: string; column: string; firstRow: number; message: string }[] {
    return [...this.conventions.values()].map((c) => {
      const what = c.code === 'decimal-comma' ? 'a decimal comma' : 'thousands separators';
      return {
        code: c.code,
        column: c.column,
        firstRow: c.firstRow,
        message: `Column "${c.column}" uses ${what} (${c.rows} row${c.rows === 1 ? '' : 's'}, first at row ${c.firstRow}: "${c.example}" read as ${shortestNumber(c.value)}); values were read that way`,
      };
    });
  }
}
