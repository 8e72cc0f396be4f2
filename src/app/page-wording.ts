// Messages in the page's words. Core writes one message for every surface,
// and where it says how to choose something it names the command line's flag
// (`--map date=COLUMN`, `skucast --sheet NAME`): that is the CLI's wording and
// stays so. The page shows, and its Issues CSV saves, the same messages with
// each such hint put as the page control that does the same. A flag core may
// write is listed here; tests/unit/app-page-wording.test.ts reads core's
// source for flags in messages and fails on one this table does not word.

import type { Role } from '../core/types';
import { ROLE_LABELS } from './mapping';

/** Where the page's choices are: the form shown after a file is chosen. */
const FORM = 'the column form';
/** How to get back to it from the results or an error. */
const AGAIN = 'Start over and choose the file again';

function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}

/** CLI hint → the page's words; applied in order, each to every place it matches. */
const HINTS: readonly [RegExp, (...groups: string[]) => string][] = [
  // A workbook's other sheets: the form's Sheet list.
  [
    /(?:by name or number )?\(skucast --sheet NAME\)/g,
    () => `in the Sheet list of ${FORM} (${AGAIN})`,
  ],
  // A wide sheet's item made of several columns: the page reads it from one column.
  [
    /choose it too \(--map sku=[^)]*\)/g,
    () =>
      'make it part of the item column in the file (the page reads the item of a wide sheet from one column)',
  ],
  // A sku of two columns: the form's second SKU list.
  [
    /key the skus by both \(--map sku=([^)+]+)\+([^)]*)\)/g,
    (first, second) =>
      `choose "${second}" under "SKU: joined with another column" beside "${first}" in ${FORM} (${AGAIN})`,
  ],
  // A column the detection did not find: its list in the form.
  [/\(or choose one: ([^)]*--map [^)]*)\)/g, (inner) => `(or choose ${choices(inner)} in ${FORM})`],
  [/--map (\w+)=COLUMN/g, (role) => `the "${roleLabel(role)}" column in ${FORM}`],
  // The date order: the form's Read dates list (the message names it already).
  [
    /pin the order: --date-format DMY\|MDY\|YMD(?: \(in the page: (?:"Read dates" when you map the columns\))?)?/g,
    () => `choose the order under "Read dates" in ${FORM} (${AGAIN})`,
  ],
  // The origin: the data summary's "Use them anyway" button and "Forecast as of" date.
  [
    /read the file as of its latest date \(--as-of latest\) or choose the origin \(--as-of YYYY-MM-DD\)/g,
    () => 'press "Use them anyway" or choose a date under "Forecast as of" in the data summary',
  ],
  // Reading profiles are the command line's; the page has none to choose.
  [/written by --save-profile/g, () => 'saved by the command line (skucast)'],
  [/--measure amount/g, () => `Forecast: money (the amount) in ${FORM}`],
  [/--measure units/g, () => `Forecast: units sold in ${FORM}`],
];

/** "--map quantity=COLUMN or --map amount=COLUMN" → 'the "Quantity …" or "Amount …" column'. */
function choices(inner: string): string {
  const parts = inner.split(/,? or /).map((p) => {
    const role = /--map (\w+)=COLUMN/.exec(p)?.[1];
    if (role) return `"${roleLabel(role)}"`;
    if (/--measure amount/.test(p)) return 'Forecast: money (the amount)';
    return p.trim();
  });
  const columns = parts.filter((p) => p.startsWith('"'));
  const other = parts.filter((p) => !p.startsWith('"'));
  const list = columns.length > 0 ? [`the ${columns.join(' or ')} column`, ...other] : other;
  return list.join(', or ');
}

/** A message as the page shows it: each command-line hint put as the page's control. */
export function pageWording(message: string): string {
  let out = message;
  for (const [pattern, words] of HINTS)
    out = out.replace(pattern, (...m: unknown[]) => {
      const groups = m.slice(1).filter((g): g is string => typeof g === 'string');
      return words(...groups);
    });
  return out;
}
