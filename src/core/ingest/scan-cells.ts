// Reading common cell shapes straight from the text, without cutting out a
// substring: the fast scanner's per-cell readers. Each returns NaN when the
// cell is not in its simple shape; the cell then goes the general way (as a
// string), so these only ever agree with the general readers.
import type { ColumnPlan } from './column-plan';

/** What the fast scanner does with a column. */
export const enum PreKind {
  Skip = 0,
  Text = 1,
  Number = 2,
  IsoDate = 3,
  Gender = 4,
}

/**
 * How the scanner reads each column of `plan`: by the role's cell shape, or
 * not at all (Skip) for columns no role uses, which are never cut out.
 */
export function preReadKinds(plan: ColumnPlan): Uint8Array {
  const kinds = new Uint8Array(plan.headers.length);
  const roles: [number, PreKind][] = [
    [plan.date, PreKind.IsoDate],
    [plan.sku, PreKind.Text],
    [plan.category, PreKind.Text],
    [plan.amount, PreKind.Number],
    [plan.quantity, PreKind.Number],
    [plan.price, PreKind.Number],
    [plan.gender, PreKind.Gender],
    [plan.age, PreKind.Number],
    [plan.promo, PreKind.Number],
    [plan.discount, PreKind.Number],
  ];
  // Every column of a sku made of several is text.
  for (const col of plan.skuParts ?? []) roles.push([col, PreKind.Text]);
  for (const [col, kind] of roles) {
    if (col < 0) continue;
    // A column mapped to two roles is read as text for both.
    const had = kinds[col] as number;
    kinds[col] = had === PreKind.Skip || had === kind ? kind : PreKind.Text;
  }
  return kinds;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `-?digits(.digits)?` with at most 15 digits, exactly as `+text` reads it:
 * the digits form an integer below 2^53 and 10^k is exact, so one division is
 * the correctly rounded decimal value.
 */
export function plainNumber(s: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (i < b && s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) scale++;
    } else if (c === 46 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = scale === 0 ? m : m / (POW10[scale] as number);
  return neg ? -v : v;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** `YYYY-MM-DD` exactly → y*10000 + m*100 + d (not yet checked as a calendar date). */
export function isoDateKey(s: string, a: number, b: number): number {
  if (b - a !== 10 || s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45) return NaN;
  return (
    digit(s, a) * 10_000_000 +
    digit(s, a + 1) * 1_000_000 +
    digit(s, a + 2) * 100_000 +
    digit(s, a + 3) * 10_000 +
    digit(s, a + 5) * 1000 +
    digit(s, a + 6) * 100 +
    digit(s, a + 8) * 10 +
    digit(s, a + 9)
  );
}

/** 1 male (`male`, `m`), 2 female (`female`, `f`), any case; NaN for anything else. */
export function genderCode(s: string, a: number, b: number): number {
  const len = b - a;
  const c0 = s.charCodeAt(a) | 0x20;
  if (len === 1) return c0 === 109 ? 1 : c0 === 102 ? 2 : NaN;
  if (
    len === 4 &&
    c0 === 109 &&
    (s.charCodeAt(a + 1) | 0x20) === 97 &&
    (s.charCodeAt(a + 2) | 0x20) === 108 &&
    (s.charCodeAt(a + 3) | 0x20) === 101
  )
    return 1;
  if (
    len === 6 &&
    c0 === 102 &&
    (s.charCodeAt(a + 1) | 0x20) === 101 &&
    (s.charCodeAt(a + 2) | 0x20) === 109 &&
    (s.charCodeAt(a + 3) | 0x20) === 97 &&
    (s.charCodeAt(a + 4) | 0x20) === 108 &&
    (s.charCodeAt(a + 5) | 0x20) === 101
  )
    return 2;
  return NaN;
}
