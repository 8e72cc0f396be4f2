// Number cells. The fast path is a plain `+text`; everything unusual (empty,
// currency signs, thousands separators, decimal commas) goes through
// `readNumberSlow`, which says exactly what it saw so the issue message can.

export type NumberKind =
  | 'ok'
  /** Decimal comma (`12,5`): accepted, the file gets one warning per column. */
  | 'decimal-comma'
  /** Unambiguous thousands separators (`1,234.50`, `1.234,50`, `1,234,567`): accepted with a warning. */
  | 'thousands'
  /**
   * `1,200`: could be 1200 or 1.2; `value` is its decimal-comma reading (1.2).
   * Rejected unless the column shows what its commas are (NumberReader).
   */
  | 'ambiguous-thousands'
  | 'empty'
  /** Readable, but beyond ±MAX_MAGNITUDE (or not finite at all, `1e309`): refused. */
  | 'too-large'
  | 'bad';

export interface NumberRead {
  kind: NumberKind;
  value: number;
  /** What the cell's comma is, where the cell shows it unambiguously (`12,5`, `1,234.50`). */
  comma?: CommaRole;
}

/** A comma as decimal mark (`12,5`, German, French) or as thousands separator (`1,234.50`). */
export type CommaRole = 'decimal' | 'thousands';

/** Currency signs and spaces around a number (and a trailing %); see currencyParts. */
const CURRENCY_MARK = /[\s$€£¥]/;
const PLAIN = /^\d+(\.\d+)?$|^\.\d+$/;
const DECIMAL_COMMA = /^\d*,\d+$/;
const COMMA_GROUPS_DOT_DECIMAL = /^\d{1,3}(,\d{3})+\.\d+$/;
const COMMA_GROUPS_MANY = /^\d{1,3}(,\d{3}){2,}$/;
const COMMA_GROUP_ONE = /^\d{1,3},\d{3}$/;
const DOT_GROUPS_COMMA_DECIMAL = /^\d{1,3}(\.\d{3})+,\d+$/;
const DOT_GROUPS_MANY = /^\d{1,3}(\.\d{3}){2,}$/;
// Groups of three split by a space, a no-break space (French exports), a narrow one, or an
// apostrophe (Swiss: 1'234.50).
const SPACE_GROUPS = /^\d{1,3}([ \u00a0\u202f'\u2019]\d{3})+([.,]\d+)?$/;
const GROUP_MARKS = /[ \u00a0\u202f'\u2019]/g;
// An accountant's negative, (12); SAP's trailing minus, 12-, is read by negatedBody.
const PARENTHESISED = /^\((.*)\)$/;

/**
 * Largest magnitude a number cell may have. No sales export holds more (it is
 * past 2^53, where whole numbers stop being exact), and the bound keeps every
 * sum, mean and model computation downstream finite: 5M rows at the bound sum
 * to 5e21, squares to 2.5e43.
 */
export const MAX_MAGNITUDE = 1e15;

/** `0x19`, `0b11`, `0o7` (after any leading space): `+text` reads them in another base. */
function radixPrefixed(text: string): boolean {
  const c0 = text.charCodeAt(0);
  if (c0 === 48) {
    const c1 = text.charCodeAt(1) | 0x20;
    return c1 === 120 || c1 === 98 || c1 === 111;
  }
  return (c0 < 48 || c0 > 57) && /^\s*0[xbo]/i.test(text);
}

/** Hot path: a number within ±MAX_MAGNITUDE, or NaN when the cell needs a closer look. */
export function fastNumber(text: string): number {
  const n = +text;
  // `+''` and `+'  '` are 0; a real zero has a digit in it.
  if (n === 0 && text.indexOf('0') === -1) return NaN;
  if (!(n <= MAX_MAGNITUDE && n >= -MAX_MAGNITUDE)) return NaN;
  // Hex, binary and octal literals are integers: only those need the check.
  return n % 1 === 0 && radixPrefixed(text) ? NaN : n;
}

export function readNumberSlow(text: string): NumberRead {
  const r = readNumberUnbounded(text);
  if (r.kind !== 'empty' && r.kind !== 'bad' && r.kind !== 'ambiguous-thousands') {
    if (!(r.value <= MAX_MAGNITUDE && r.value >= -MAX_MAGNITUDE)) {
      return { kind: 'too-large', value: r.value };
    }
  }
  return r;
}

/**
 * The number inside currency signs and spaces (`€ -1.234,50`, `12 %`), and its
 * sign. A loop, not a pattern: a lazy pattern took quadratic time on a cell of
 * a digit, megabytes of spaces and a digit.
 */
function currencyParts(text: string): { negative: boolean; body: string } {
  let i = 0;
  while (i < text.length && CURRENCY_MARK.test(text.charAt(i))) i++;
  const signChar = text.charAt(i);
  const negative = signChar === '-';
  if (negative || signChar === '+') i++;
  while (i < text.length && CURRENCY_MARK.test(text.charAt(i))) i++;
  let j = text.length;
  while (j > i && (CURRENCY_MARK.test(text.charAt(j - 1)) || text.charAt(j - 1) === '%')) j--;
  return { negative, body: text.slice(i, j) };
}

/** What an accountant's (12) or SAP's 12- negates, else null; linear, as a cell may be megabytes. */
function negatedBody(text: string): string | null {
  const p = PARENTHESISED.exec(text);
  if (p) return p[1] as string;
  const last = text.length - 1;
  return last > 0 && text.charCodeAt(last) === 45 && text.indexOf('-') === last
    ? text.slice(0, last)
    : null;
}

function readNumberUnbounded(text: string): NumberRead {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty', value: NaN };
  const negated = negatedBody(trimmed);
  if (negated !== null) {
    // (−12), ((12)) and 12-- are not numbers (and are not read twice over).
    if (/^\s*[-(]|-\s*$/.test(negated)) return { kind: 'bad', value: NaN };
    const inner = readNumberUnbounded(negated);
    if (inner.kind === 'empty' || inner.kind === 'bad') return { kind: 'bad', value: NaN };
    return { ...inner, value: -inner.value };
  }
  const { negative, body } = currencyParts(trimmed);
  const sign = negative ? -1 : 1;
  if (PLAIN.test(body)) return { kind: 'ok', value: sign * Number(body) };
  // `0,070` is a decimal comma: no thousands group follows a lone 0.
  if (COMMA_GROUP_ONE.test(body) && body.charCodeAt(0) !== 48) {
    return { kind: 'ambiguous-thousands', value: sign * Number(body.replace(',', '.')) };
  }
  if (DECIMAL_COMMA.test(body)) {
    return {
      kind: 'decimal-comma',
      value: sign * Number(body.replace(',', '.')),
      comma: 'decimal',
    };
  }
  if (COMMA_GROUPS_DOT_DECIMAL.test(body) || COMMA_GROUPS_MANY.test(body)) {
    return { kind: 'thousands', value: sign * Number(body.replace(/,/g, '')), comma: 'thousands' };
  }
  const comma: CommaRole | undefined = body.includes(',') ? 'decimal' : undefined;
  if (DOT_GROUPS_COMMA_DECIMAL.test(body) || DOT_GROUPS_MANY.test(body)) {
    const value = sign * Number(body.replace(/\./g, '').replace(',', '.'));
    return { kind: 'thousands', value, ...(comma && { comma }) };
  }
  if (SPACE_GROUPS.test(body)) {
    const value = sign * Number(body.replace(GROUP_MARKS, '').replace(',', '.'));
    return { kind: 'thousands', value, ...(comma && { comma }) };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    // `1e309` is a number, just not a finite one: too large, not "not a number".
    return { kind: 'ok', value: Number(trimmed) };
  }
  return { kind: 'bad', value: NaN };
}

/**
 * A unit or currency word beside a number, as ERP and hand-kept sheets write
 * them (`5 EA`, `12 pcs`, `3 Stk.`, `EUR 1.234,50`, `19.99 USD`): the word
 * (up to 8 letters, a dot after it) on one side, a space between. Only a
 * mapped number column reads it (NumberReader): value detection never does,
 * so a name such as `Pack 6` is not a number there.
 */
const WORD_BEFORE = /^(\p{L}{1,8}\.?)\s+(\S.*)$/u;
const WORD_AFTER = /^(.*\S)\s+(\p{L}{1,8}\.?)$/u;

/** The number beside a unit or currency word, with the word; null when the cell is not one. */
export function numberBesideWord(text: string): { read: NumberRead; word: string } | null {
  const t = text.trim();
  // A cell may be megabytes: no pattern runs over what no such cell is.
  if (t.length > 40) return null;
  const after = WORD_AFTER.exec(t);
  const before = after === null ? WORD_BEFORE.exec(t) : null;
  const word = after?.[2] ?? before?.[1];
  const rest = after?.[1] ?? before?.[2];
  if (word === undefined || rest === undefined) return null;
  const read = readNumberSlow(rest);
  if (read.kind === 'empty' || read.kind === 'bad' || read.kind === 'ambiguous-thousands')
    return null;
  return { read, word };
}

/** Shortest decimal for a number (`25`, `2.5`), as the sku label prints a price. */
export function shortestNumber(n: number): string {
  return String(n);
}

/**
 * A computed number as a message shows it: a product such as 13 × 6.95 is
 * 90.35000000000001 in binary floating point, and a planner reads 90.35.
 */
export function shownProduct(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : String(n);
}
