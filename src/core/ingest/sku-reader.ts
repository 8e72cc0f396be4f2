// A row's sku, as the plan names it: a sku column, several columns joined
// (`3 · 17`), or, with no sku column, the seed's rule: category + unit price.
// Returns the sku's index in the SkuInterner, or the issue that skips the row.
import { seedIdOf } from '../seed';
import type { ColumnPlan } from './column-plan';
import { hasControlChar, shownCell } from './issues';
import { shortestNumber } from './numbers';
import { isTotalSku } from './layout';
import type { ReadContext, RecordCells } from './role-readers';
import { TOTAL_ROW, type RowIssue } from './row-issues';
import type { SkuInterner } from './sku-interner';

/** Raw cell texts remembered per sku lookup: memory stays flat on files with a new one per row. */
const MAX_RAW = 100_000;
/** Prices remembered per raw category. */
const MAX_PRICES = 10_000;

/**
 * A row whose sku is a total's name (`Total`, `Grand Total`, `Gesamtergebnis`):
 * a report's total of the skus beside it, which as one more sku would count
 * their sales twice in every category total.
 */
function totalRow(name: string): RowIssue {
  return { code: TOTAL_ROW, col: -1, detail: name };
}

export class SkuReader {
  /** Sku index by the raw sku cell (or the joined values of several). */
  private readonly byRaw = new Map<string, number>();
  /** Sku index by raw category, then by price (its number when pre-read, else its text). */
  private readonly byCategoryPrice = new Map<string, Map<string | number, number>>();
  /** The category cell last read for each sku (by index), so a row under another is noticed. */
  private readonly lastCategory: string[] = [];

  private readonly plan: ColumnPlan;

  constructor(
    private readonly ctx: ReadContext,
    private readonly skus: SkuInterner,
  ) {
    this.plan = ctx.plan;
  }

  read(r: RecordCells): number | RowIssue {
    const plan = this.plan;
    if (plan.skuParts !== undefined && plan.skuParts.length > 1) return this.partsSku(r.fields);
    return plan.sku >= 0 ? this.columnSku(r.fields) : this.categoryPriceSku(r);
  }

  private columnSku(fields: string[]): number | RowIssue {
    const plan = this.plan;
    const raw = fields[plan.sku] as string;
    const si = this.byRaw.get(raw);
    if (si !== undefined) return this.checkCategory(si, fields);
    // A name is kept as written (" A1" and "A1" are two skus); only a blank one is missing.
    const name = raw;
    if (isBlank(name))
      return { code: 'missing-sku', col: plan.sku, detail: 'empty; expected a product id' };
    if (isTotalSku(name)) return totalRow(name);
    const category = plan.category >= 0 ? nameCell(fields[plan.category] as string) : '';
    const bad = controlChar(name, plan.sku) ?? controlChar(category, plan.category);
    if (bad !== null) return bad;
    const id = this.skus.intern(name, category, NaN, -1);
    if (this.byRaw.size < MAX_RAW) this.byRaw.set(raw, id);
    return id;
  }

  /** A sku made of several columns: their values joined by ' · ' (`3 · 17`). */
  private partsSku(fields: string[]): number | RowIssue {
    const parts = this.plan.skuParts as number[];
    const values: string[] = [];
    for (const col of parts) {
      const v = fields[col] as string;
      if (isBlank(v)) {
        const names = parts.map((c) => this.ctx.issues.header(c)).join(' + ');
        return {
          code: 'missing-sku',
          col,
          detail: `empty; expected a value (the sku is ${names})`,
        };
      }
      if (isTotalSku(v)) return totalRow(v);
      values.push(v);
    }
    const name = values.join(' · ');
    let id = this.byRaw.get(name);
    if (id === undefined) {
      const plan = this.plan;
      const category = plan.category >= 0 ? nameCell(fields[plan.category] as string) : '';
      id = this.skus.intern(name, category, NaN, -1);
      this.skus.setParts(id, values);
      if (this.byRaw.size < MAX_RAW) this.byRaw.set(name, id);
      return id;
    }
    return this.checkCategory(id, fields);
  }

  /**
   * Sku `id` again: its category cell, when it differs from the last one
   * read for it, goes to the interner (a sku under two categories is told
   * of when the table is built). Returns `id`.
   */
  private checkCategory(id: number, fields: string[]): number {
    const col = this.plan.category;
    if (col < 0) return id;
    const raw = fields[col] as string;
    if (raw !== this.lastCategory[id]) {
      this.lastCategory[id] = raw;
      if (controlChar(raw, col) === null) this.skus.noteCategory(id, nameCell(raw));
    }
    return id;
  }

  /** No sku column: category + unit price name the product (the seed's rule). */
  private categoryPriceSku({ fields, pre, row }: RecordCells): number | RowIssue {
    const plan = this.plan;
    const rawCategory = plan.category >= 0 ? (fields[plan.category] as string) : '';
    const prePrice = plan.price >= 0 ? (pre[plan.price] as number) : NaN;
    const rawPrice = prePrice === prePrice || plan.price < 0 ? '' : (fields[plan.price] as string);
    const priceKey: string | number = prePrice === prePrice ? prePrice : rawPrice;
    const hit = this.byCategoryPrice.get(rawCategory)?.get(priceKey);
    if (hit !== undefined) return hit;
    return this.newCategoryPriceSku(rawCategory, priceKey, prePrice, rawPrice, row);
  }

  /** A category and price not seen before (or past the bound on those remembered). */
  private newCategoryPriceSku(
    rawCategory: string,
    priceKey: string | number,
    prePrice: number,
    rawPrice: string,
    row: number,
  ): number | RowIssue {
    const plan = this.plan;
    const category = nameCell(rawCategory);
    if (plan.category >= 0 && category === '') {
      return {
        code: 'missing-category',
        col: plan.category,
        detail:
          'empty; expected a category (with no sku column, category and price name the product)',
      };
    }
    const bad = controlChar(category, plan.category);
    if (bad !== null) return bad;
    const price = plan.price >= 0 ? this.price(prePrice, rawPrice, row) : NaN;
    if (typeof price !== 'number') return price;
    const parts: string[] = [];
    if (plan.category >= 0) parts.push(category);
    if (plan.price >= 0) parts.push(shortestNumber(price));
    const name = parts.length > 0 ? parts.join(' · ') : 'all';
    // The seed's categories are matched as words: " Beauty" is still the seed's Beauty.
    const id = this.skus.intern(name, category, price, seedIdOf(category.trim(), price));
    let byPrice = this.byCategoryPrice.get(rawCategory);
    if (!byPrice) {
      byPrice = new Map();
      this.byCategoryPrice.set(rawCategory, byPrice);
    }
    if (byPrice.size < MAX_PRICES) byPrice.set(priceKey, id);
    return id;
  }

  /** The unit price that names the product: required. */
  private price(prePrice: number, rawPrice: string, row: number): number | RowIssue {
    const col = this.plan.price;
    const v = prePrice === prePrice ? prePrice : this.ctx.numbers.read(rawPrice, col, row);
    if (v !== null) return v;
    return {
      code: 'missing-price',
      col,
      detail:
        'empty; expected a unit price (with no sku column, category and price name the product)',
    };
  }
}

/** A cell of nothing but spaces: no name at all. */
function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** A name cell as written; a blank one is empty. */
function nameCell(text: string): string {
  return isBlank(text) ? '' : text;
}

/**
 * A stray control character (a NUL, an escape) in a name is a damaged row:
 * skipped with an issue, the rest of the file read (binary files are refused
 * before this, see format-sniff.ts).
 */
function controlChar(text: string, col: number): RowIssue | null {
  if (col < 0 || !hasControlChar(text)) return null;
  return {
    code: 'control-character',
    col,
    detail: `"${shownCell(text)}" holds a control character; expected plain text (the file may be damaged here)`,
  };
}
