// Number cells. The fast path is a plain `+text`; everything unusual (empty,
// currency signs, thousands separators, decimal commas) goes through
// `readNumberSlow`, which says exactly what it saw so the issue message can.

export type NumberKind =
  | 'ok'
  /** Decimal comma (`12,5`): accepted, the file gets one warning per column. */
  | 'decimal-comma'
  /** Unambiguous thousands separators (`1,234.50`, `1.234,50`, `1,234,567`): accepted with a warning. */
  | 'thousands'
  /** `1,200`: could be 1200 or 1.2, rejected. */
  | 'ambiguous-thousands'
  | 'empty'
  | 'bad';

export interface NumberRead {
  kind: NumberKind;
  value: number;
}

const CURRENCY = /^[\s$€£¥]*([+-]?)[\s$€£¥]*(.*?)[\s$€£¥%]*$/;
const PLAIN = /^\d+(\.\d+)?$|^\.\d+$/;
const DECIMAL_COMMA = /^\d*,\d+$/;
const COMMA_GROUPS_DOT_DECIMAL = /^\d{1,3}(,\d{3})+\.\d+$/;
const COMMA_GROUPS_MANY = /^\d{1,3}(,\d{3}){2,}$/;
const COMMA_GROUP_ONE = /^\d{1,3},\d{3}$/;
const DOT_GROUPS_COMMA_DECIMAL = /^\d{1,3}(\.\d{3})+,\d+$/;
const DOT_GROUPS_MANY = /^\d{1,3}(\.\d{3}){2,}$/;
const SPACE_GROUPS = /^\d{1,3}([  ]\d{3})+([.,]\d+)?$/;

/** Hot path: a finite number, or NaN when the cell needs a closer look. */
export function fastNumber(text: string): number {
  const n = +text;
  // `+''` and `+'  '` are 0; a real zero has a digit in it.
  if (n === 0 && text.indexOf('0') === -1) return NaN;
  return n - n === 0 ? n : NaN;
}

export function readNumberSlow(text: string): NumberRead {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty', value: NaN };
  const m = CURRENCY.exec(trimmed);
  const sign = m?.[1] === '-' ? -1 : 1;
  const body = m?.[2] ?? trimmed;
  if (PLAIN.test(body)) return { kind: 'ok', value: sign * Number(body) };
  if (COMMA_GROUP_ONE.test(body)) return { kind: 'ambiguous-thousands', value: NaN };
  if (DECIMAL_COMMA.test(body)) {
    return { kind: 'decimal-comma', value: sign * Number(body.replace(',', '.')) };
  }
  if (COMMA_GROUPS_DOT_DECIMAL.test(body) || COMMA_GROUPS_MANY.test(body)) {
    return { kind: 'thousands', value: sign * Number(body.replace(/,/g, '')) };
  }
  if (DOT_GROUPS_COMMA_DECIMAL.test(body) || DOT_GROUPS_MANY.test(body)) {
    return { kind: 'thousands', value: sign * Number(body.replace(/\./g, '').replace(',', '.')) };
  }
  if (SPACE_GROUPS.test(body)) {
    return { kind: 'thousands', value: sign * Number(body.replace(/[  ]/g, '').replace(',', '.')) };
  }
  const n = Number(trimmed);
  if (Number.isFinite(n) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    return { kind: 'ok', value: n };
  }
  return { kind: 'bad', value: NaN };
}

/** Shortest decimal for a number (`25`, `2.5`), as the sku label prints a price. */
export function shortestNumber(n: number): string {
  return String(n);
}
