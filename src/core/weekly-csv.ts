// The weekly table as CSV, byte-compatible with the pandas reference
// (golden/make_golden.py: to_csv(index=False, float_format="%.10g")).
import { csvCell } from './exports';
import { CHUNK_CHARS, chunked } from './json-chunks';
import { weeklyRowAt } from './ingest/weekly-table';
import { WEEKLY_COLUMNS, type SkuSeries, type WeeklyRow, type WeeklyTable } from './types';

/** Columns pandas writes as floats; the rest are integers there. */
const FLOAT_COLUMNS = new Set<keyof WeeklyRow>([
  'age',
  'price_per_unit',
  'window_mean_4',
  'window_mean_5',
  'window_mean_6',
  'window_mean_7',
  'discount',
]);

/** The columns after sku and its parts; promotion and discount only for files that have them (the reference table is unchanged). */
export function weeklyValueColumns(table: WeeklyTable): (keyof WeeklyRow)[] {
  const report = table.report;
  return [
    ...WEEKLY_COLUMNS.slice(1),
    ...(report.hasPromo ? (['promo_days'] as const) : []),
    ...(report.hasDiscount ? (['discount'] as const) : []),
  ];
}

/**
 * A sku made of several columns (IngestReport.skuColumns): one more column
 * per part, after sku, named as in the file (`sku_` before a name the table has).
 */
export function weeklyPartNames(table: WeeklyTable): string[] {
  const taken = new Set<string>(WEEKLY_COLUMNS);
  return (table.report.skuColumns ?? []).map((n) => (taken.has(n) ? `sku_${n}` : n));
}

/** A sku's weekly rows, from its typed columns when the rows were never made: no object per row is kept. */
export function* weeklyRowsOf(series: SkuSeries): Generator<WeeklyRow> {
  const cols = series.columns;
  const n = cols ? cols.calendar.week_start.length : series.rows.length;
  for (let w = 0; w < n; w++) {
    yield cols ? weeklyRowAt(series.sku, series.seed_id, cols, w) : (series.rows[w] as WeeklyRow);
  }
}

/** Python's `'%.10g' % x`. */
export function formatG10(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // Whole numbers below 1e10 print as themselves (the common case, kept cheap).
  if (Number.isInteger(x) && x < 1e10 && x > -1e10) return String(x);
  const [mantissa = '', expText = '0'] = x.toExponential(9).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 10) {
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = exp < 0 ? '-' : '+';
    return `${m}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(9 - exp);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function formatInt(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e21 ? String(x) : formatG10(x);
}

/** Quotes a text cell the way Python's csv module does by default (QUOTE_MINIMAL). */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The weekly table as CSV, in chunks of about `chunkChars` characters: a
 * table whose CSV is larger than the longest string a JavaScript engine can
 * hold (about 512 MB in V8) still writes out. The sku is a text cell and
 * neutralised against formulas as the forecast CSV does (exports.ts csvCell);
 * every other cell is a number or a date.
 */
export function weeklyCsvChunks(
  table: WeeklyTable,
  chunkChars = CHUNK_CHARS,
  cell: (value: string) => string = csvCell,
): Generator<string> {
  return chunked(weeklyCsvPieces(table, chunkChars, cell), chunkChars);
}

function* weeklyCsvPieces(
  table: WeeklyTable,
  chunkChars: number,
  cell: (value: string) => string,
): Generator<string> {
  const columns = weeklyValueColumns(table);
  const formatters = columns.map((col) => {
    if (col === 'week_start') return (row: WeeklyRow) => quote(String(row[col]));
    if (FLOAT_COLUMNS.has(col)) return (row: WeeklyRow) => formatG10((row[col] ?? 0) as number);
    return (row: WeeklyRow) => formatInt((row[col] ?? 0) as number);
  });
  const parts = table.report.skuColumns ?? [];
  const partNames = weeklyPartNames(table).map(cell);
  yield [WEEKLY_COLUMNS[0], ...partNames, ...columns].join(',') + '\n';
  for (const series of table.series) {
    let sku = '';
    let skuCell = '';
    const partCells = parts.map((_, i) => ',' + cell(series.parts?.[i] ?? '')).join('');
    for (const row of weeklyRowsOf(series)) {
      if (row.sku !== sku || skuCell === '') {
        sku = row.sku;
        skuCell = cell(sku) + partCells;
      }
      let rest = '';
      for (const f of formatters) rest += ',' + f(row);
      // A huge name is a piece of its own, so it goes out alone rather than copied into a chunk.
      if (skuCell.length > chunkChars) {
        yield skuCell;
        yield rest + '\n';
      } else yield skuCell + rest + '\n';
    }
  }
}

/** The whole weekly table as one CSV string (tests, small tables); the CLI writes the chunks. */
export function weeklyTableToCsv(table: WeeklyTable): string {
  let out = '';
  for (const chunk of weeklyCsvChunks(table)) out += chunk;
  return out;
}
