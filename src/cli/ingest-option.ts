// The reading options every command that reads a sales file takes: which
// column plays which role, the sheet, the date order, units or money, the
// layout and the forecast origin (src/core/ingest's IngestOptions).
import type { IngestOptions } from '../core/ingest';
import { ROLES } from '../core/ingest/columns';
import { LAYOUTS } from '../core/ingest/layout';
import { parseAsOf } from '../core/ingest/origin';
import type { ColumnMapping, DateFormat, Layout, Measure, Role } from '../core/types';
import { optionValue, type ParsedArgs } from '../node/args';

/** The options of every command that reads a sales file. */
export const INGEST_OPTIONS = ['map', 'sheet', 'date-format', 'measure', 'layout', 'as-of'];

const DATE_FORMATS: readonly DateFormat[] = ['DMY', 'MDY', 'YMD'];
const MEASURES: readonly Measure[] = ['units', 'amount'];

/** Their lines in a usage text. */
export const INGEST_USAGE = `  --map role=Column   use Column for role (${ROLES.join(', ')});
                      repeat for several roles. Overrides auto-detection.
                      sku=Store+Item keys each series by several columns
                      (\`3 · 17\`); the outputs get a column for each part.
  --sheet NAME|N      the sheet of an .xlsx/.xlsm workbook to read, by name or
                      number (default: the first)
  --date-format F     how dates like 03/01/24 are read: DMY, MDY or YMD
                      (default: day-first when a first field is over 12
                      anywhere, else month-first; stderr says how many rows
                      each reading accepts)
  --measure M         forecast units (the quantity column) or amount (money);
                      default: units when the file has a quantity column,
                      except the reference schema's Total Amount; stderr and
                      the JSON's "measure" say which
  --layout L          which way round the table is: long (a row per sale or
                      per item and date), wide-dates-down (a row per date, a
                      column per item: DATE,QTY_A,QTY_B,PROMO_A,…) or
                      wide-periods-across (a row per item, a column per
                      date, ISO week 2024-W05 or month); default: detected
                      from the header row (stderr says which)
  --as-of DATE        the forecast origin: the week holding DATE (YYYY-MM-DD)
                      is the last one read, rows dated after its Sunday are
                      excluded; latest keeps every row. Default: rows far
                      beyond the file's bulk (after weeks with no rows, fewer
                      than 1% of what those weeks would have held) are
                      excluded; stderr's origin: line names them`;

/** The reading options of `args` (--map, --sheet, --date-format, --layout, --as-of), or an error text. */
export function ingestOptions(args: ParsedArgs): IngestOptions | string {
  const mapping = parseMappings(args.options.get('map') ?? []);
  if (typeof mapping === 'string') return mapping;
  const sheet = optionValue(args, 'sheet');
  if (sheet !== undefined && sheet.trim() === '') return '--sheet needs a sheet name or number';
  const format = optionValue(args, 'date-format');
  const dateFormat = format?.trim().toUpperCase() as DateFormat | undefined;
  if (dateFormat !== undefined && !DATE_FORMATS.includes(dateFormat)) {
    return `bad --date-format "${format}": expected DMY, MDY or YMD`;
  }
  const measureText = optionValue(args, 'measure');
  const measure = measureText?.trim().toLowerCase() as Measure | undefined;
  if (measure !== undefined && !MEASURES.includes(measure)) {
    return `bad --measure "${measureText}": expected units or amount`;
  }
  const layout = optionValue(args, 'layout')?.trim().toLowerCase() as Layout | undefined;
  if (layout !== undefined && !LAYOUTS.includes(layout)) {
    return `bad --layout "${optionValue(args, 'layout')}": expected ${LAYOUTS.join(', ')}`;
  }
  const asOf = optionValue(args, 'as-of')?.trim();
  if (asOf !== undefined && parseAsOf(asOf) === null) {
    return `bad --as-of "${asOf}": expected a date YYYY-MM-DD (1900-2100) or latest`;
  }
  return {
    mapping,
    ...(asOf !== undefined && { asOf: asOf.toLowerCase() }),
    ...(sheet !== undefined && { sheet }),
    ...(dateFormat !== undefined && { dateFormat }),
    ...(measure !== undefined && { measure }),
    ...(layout !== undefined && { layout }),
  };
}

/** Parses `--map` values; returns an error text for a malformed one. */
export function parseMappings(values: readonly string[]): ColumnMapping | string {
  const mapping: ColumnMapping = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const role = (eq === -1 ? '' : v.slice(0, eq).trim().toLowerCase()) as Role;
    const column = eq === -1 ? '' : v.slice(eq + 1).trim();
    if (!ROLES.includes(role) || column === '') {
      return `bad --map "${v}": expected role=Column with role one of ${ROLES.join(', ')}`;
    }
    mapping[role] = column;
  }
  return mapping;
}
