// One reader per column role (the sku's is in sku-reader.ts): each reads its
// cell of a row and returns the value, or the issue that skips the row.
// Warnings about a row that is kept are logged here, as they are found.
import type { ColumnPlan } from './column-plan';
import { FEMALE, MALE } from './cell-store';
import { isoKeyText, type DateInterner } from './date-interner';
import { shownCell } from './issues';
import { isTotalLabel } from './layout';
import { lenientNumber, type NumberReader } from './number-reader';
import { MAX_MAGNITUDE, shortestNumber, shownProduct } from './numbers';
import { RETURN_ROW, TOTAL_ROW, type RowIssue, type RowIssues } from './row-issues';
import type { SkuView } from './sku-interner';

/** One record as the readers see it; the accumulator reuses one object from row to row. */
export interface RecordCells {
  /**
   * Where `pre[col]` is a number, the fast scanner (or the sheet reader) read
   * the cell already and it stands for it (see scan-cells' PreKind); where it
   * is NaN, `fields[col]` holds the text.
   */
  fields: string[];
  pre: Float64Array;
  /** The record's 1-based spreadsheet row. */
  row: number;
}

/** What the readers of one file share. */
export interface ReadContext {
  readonly plan: ColumnPlan;
  readonly numbers: NumberReader;
  readonly issues: RowIssues;
}

// Each reader's read() is its hot path: a cell the scanner read already, in a
// few bytes of code so V8 inlines it into the row loop; a cell as text, and
// anything that logs, goes through a separate method.

/** A row's date: the index of its reading in the DateInterner. */
export class DateReader {
  constructor(
    private readonly col: number,
    private readonly dates: DateInterner,
  ) {}

  read(r: RecordCells): number | RowIssue {
    const isoKey = r.pre[this.col] as number;
    const di =
      isoKey === isoKey
        ? this.dates.isoIndex(isoKey, r.row)
        : this.dates.rawIndex(r.fields[this.col] as string, r.row);
    return di !== null ? di : this.noDate(r, isoKey);
  }

  private noDate({ fields }: RecordCells, isoKey: number): RowIssue {
    const col = this.col;
    // A report's footer (`Grand Total,,4000`) or a subtotal (`A Total,,120`):
    // the sum of the rows above, which kept as a sale would count them twice.
    const total = fields.find((f) => f !== undefined && f.length <= 40 && isTotalLabel(f));
    if (total !== undefined)
      return {
        code: TOTAL_ROW,
        col: -1,
        detail: total,
      };
    const text = isoKey === isoKey ? isoKeyText(isoKey) : shownCell(fields[col] as string);
    return text === ''
      ? { code: 'missing-date', col, detail: 'empty; expected a date such as 2023-11-24' }
      : {
          code: 'bad-date',
          col,
          detail: `"${text}" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023`,
        };
  }
}

/** A row's quantity: 0 without a quantity column, and for an empty cell (warned) unless the amount needs it. */
export class QuantityReader {
  private readonly col: number;
  /** The amount is quantity × price: an empty quantity skips the row. */
  private readonly amountNeedsIt: boolean;

  /** -1 in a file that writes sales as negative quantities (ColumnPlan.salesNegative). */
  private readonly sign: number;

  constructor(private readonly ctx: ReadContext) {
    this.col = ctx.plan.quantity;
    this.amountNeedsIt = ctx.plan.amount === -1 && ctx.plan.price !== -1;
    this.sign = ctx.plan.salesNegative === true ? -1 : 1;
  }

  read(r: RecordCells): number | RowIssue {
    const col = this.col;
    if (col < 0) return 0;
    const q = r.pre[col] as number;
    return q === q ? q * this.sign : this.readText(r, col);
  }

  private readText({ fields, row }: RecordCells, col: number): number | RowIssue {
    const v = this.ctx.numbers.read(fields[col] as string, col, row);
    if (typeof v === 'number') return v * this.sign;
    if (v !== null) return v;
    if (this.amountNeedsIt) {
      return {
        code: 'missing-quantity',
        col,
        detail: 'empty; expected a quantity (the amount is quantity × price in this file)',
      };
    }
    this.ctx.issues.rowWarning(row, {
      code: 'missing-quantity',
      col,
      detail: 'empty; counted as 0 units',
    });
    return 0;
  }
}

/**
 * A row's amount: its cell, or quantity × price (the file has no amount
 * column, or this cell is empty: warned); a return (quantity < 0) counts as
 * negative sales whatever sign the amount column used. A file of units alone
 * (no amount, no price) has no money: 0.
 */
export class AmountReader {
  private readonly plan: ColumnPlan;
  private readonly fromQuantity: boolean;
  private readonly noMoney: boolean;

  constructor(
    private readonly ctx: ReadContext,
    private readonly skus: SkuView,
  ) {
    this.plan = ctx.plan;
    this.fromQuantity = ctx.plan.amount === -1;
    this.noMoney = this.fromQuantity && ctx.plan.price === -1;
  }

  /** `quantity` and sku `si` are the record's, already read. */
  read(r: RecordCells, quantity: number, si: number): number | RowIssue {
    const a = this.fromQuantity ? NaN : (r.pre[this.plan.amount] as number);
    const amount = a === a ? a : this.amountOf(r, quantity, si);
    if (typeof amount !== 'number') return amount;
    // Each cell is within bounds, their product may not be (1e10 × 1e10).
    if (!(amount <= MAX_MAGNITUDE && amount >= -MAX_MAGNITUDE)) return this.tooLarge(amount);
    return quantity < 0 ? this.returned(r.row, quantity, amount) : amount;
  }

  /** The amount when it is not a number the scanner read. */
  private amountOf(r: RecordCells, quantity: number, si: number): number | RowIssue {
    const plan = this.plan;
    if (this.noMoney) return 0;
    if (this.fromQuantity) {
      const price = this.unitPrice(r, si);
      if (price !== null) return quantity * price;
      return {
        code: 'missing-price',
        col: plan.price,
        detail:
          'empty or not a number; expected a unit price (the amount is quantity × price in this file)',
      };
    }
    const v = this.ctx.numbers.read(r.fields[plan.amount] as string, plan.amount, r.row);
    if (typeof v === 'number') return v;
    if (v !== null) return v;
    const price = this.unitPrice(r, si);
    if (plan.quantity >= 0 && price !== null) {
      const amount = quantity * price;
      this.ctx.issues.rowWarning(r.row, {
        code: 'amount-computed',
        col: plan.amount,
        detail: `empty; used ${this.product()} = ${shortestNumber(amount)} instead`,
      });
      return amount;
    }
    return {
      code: 'missing-amount',
      col: plan.amount,
      detail: 'empty; expected an amount (or both quantity and price to compute it)',
    };
  }

  private tooLarge(amount: number): RowIssue {
    const plan = this.plan;
    return {
      code: 'number-too-large',
      col: this.fromQuantity ? plan.price : plan.amount,
      detail: `${this.product()} = ${shortestNumber(amount)} is a number too large; expected an amount of at most ${MAX_MAGNITUDE.toExponential()} (1,000,000,000,000,000)`,
    };
  }

  /** A return: negative sales, told of in the file's one returns warning. */
  private returned(row: number, quantity: number, amount: number): number {
    const negative = amount > 0 ? -amount : amount;
    const q = shortestNumber(quantity);
    const col = this.plan.quantity;
    if (this.noMoney) {
      const detail = `${q} is a return; kept and counted as negative units`;
      this.ctx.issues.returnRow(row, { code: RETURN_ROW, col, detail }, q, 'units');
    } else {
      const sales = shownProduct(negative);
      const detail = `${q} is a return; kept and counted as negative sales (${sales})`;
      this.ctx.issues.returnRow(
        row,
        { code: RETURN_ROW, col, detail },
        `${q}, sales ${sales}`,
        'sales',
      );
    }
    return negative;
  }

  /** `Quantity × Price`, as the headers name them. */
  private product(): string {
    const issues = this.ctx.issues;
    return `${issues.header(this.plan.quantity)} × ${issues.header(this.plan.price)}`;
  }

  /** Unit price for computing an amount: the sku's, else this row's price cell. */
  private unitPrice({ fields, pre }: RecordCells, si: number): number | null {
    const known = this.skus.prices[si] as number;
    if (known === known) return known;
    const col = this.plan.price;
    if (col < 0) return null;
    const p = pre[col] as number;
    return p === p ? p : lenientNumber(fields[col] as string);
  }
}

/**
 * A row's number in an optional column (age, discount), or null: a feature,
 * so a bad value drops it (warned), not the row.
 */
export class OptionalNumberReader {
  constructor(
    private readonly ctx: ReadContext,
    private readonly col: number,
  ) {}

  read(r: RecordCells): number | null {
    const col = this.col;
    if (col < 0) return null;
    const g = r.pre[col] as number;
    return g === g ? g : this.readText(r, col);
  }

  private readText({ fields, row }: RecordCells, col: number): number | null {
    const v = this.ctx.numbers.read(fields[col] as string, col, row);
    if (typeof v === 'number' || v === null) return v;
    this.ctx.issues.rowWarning(row, { ...v, detail: `${v.detail} (value ignored, row kept)` });
    return null;
  }
}

/** A row's age, or null (see OptionalNumberReader). */
export class AgeReader extends OptionalNumberReader {
  constructor(ctx: ReadContext) {
    super(ctx, ctx.plan.age);
  }
}

/** Words a promotion column says yes with (any language the headers are read in). */
const YES = new Set(['y', 'yes', 'true', 'x', 'ja', 'j', 'oui', 'si', 'sí', 'sim', 'wahr', 'vrai']);

/**
 * A row's promotion flag, 1 or 0: a number other than 0, or a yes word; -1
 * without a promotion column.
 */
export class PromoReader {
  private readonly byText = new Map<string, number>();

  constructor(private readonly col: number) {}

  read(r: RecordCells): number {
    const col = this.col;
    if (col < 0) return -1;
    const p = r.pre[col] as number;
    return p === p ? (p !== 0 ? 1 : 0) : this.readText(r.fields[col] as string);
  }

  private readText(text: string): number {
    const cached = this.byText.get(text);
    if (cached !== undefined) return cached;
    const t = text.trim().toLowerCase();
    const n = lenientNumber(t);
    const flag = n !== null ? (n !== 0 ? 1 : 0) : YES.has(t) ? 1 : 0;
    this.byText.set(text, flag);
    return flag;
  }
}

/** A row's gender: MALE, FEMALE, or 0 for anything else. */
export class GenderReader {
  private readonly byText = new Map<string, number>();

  constructor(private readonly col: number) {}

  read(r: RecordCells): number {
    const col = this.col;
    if (col < 0) return 0;
    const p = r.pre[col] as number;
    return p === p ? p : this.readText(r.fields[col] as string);
  }

  private readText(g: string): number {
    const cached = this.byText.get(g);
    if (cached !== undefined) return cached;
    const t = g.trim().toLowerCase();
    const gender = t === 'male' || t === 'm' ? MALE : t === 'female' || t === 'f' ? FEMALE : 0;
    this.byText.set(g, gender);
    return gender;
  }
}
