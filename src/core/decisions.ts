// Every choice ingestion made on the user's behalf, one line each: which
// columns, which encoding, how dates were read, which way round the table is,
// what was summed or counted as 0, where the forecast starts. The CLI prints
// them on stderr (`kind: text`), the forecast JSON carries them under
// `decisions`, the page lists them: one wording everywhere, from the report
// and the table (nothing here decides anything again).
import { lastCompleteOfCalendar } from './history';
import { ROLES } from './ingest/columns';
import { excludedDatesText } from './ingest/origin';
import type { IngestIssue, IngestReport, SkuSeries, WeeklyTable } from './types';

/** What a decision is about; the CLI's line starts with it (`mapping: …`). */
export type DecisionKind =
  | 'encoding'
  | 'sheet'
  | 'layout'
  | 'mapping'
  | 'measure'
  | 'numbers'
  | 'dates'
  | 'granularity'
  | 'duplicates'
  | 'gaps'
  | 'origin';

export interface Decision {
  kind: DecisionKind;
  text: string;
}

/** Issue codes that record a reading of the whole file, by the decision they are. */
const NOTE_KINDS: Record<string, DecisionKind> = {
  'encoding-windows-1252': 'encoding',
  'encoding-windows-1250': 'encoding',
  'encoding-mixed': 'encoding',
  'encoding-utf-16': 'encoding',
  'decimal-comma': 'numbers',
  'thousands-separator': 'numbers',
  'unit-word': 'numbers',
};
const ENCODING_NAMES: Record<string, string> = {
  'encoding-windows-1252': 'windows-1252',
  'encoding-windows-1250': 'windows-1250',
  'encoding-mixed': 'utf-8 with windows-1252 bytes',
  'encoding-utf-16': 'utf-16',
};

/** The decisions behind `table`, in reading order; none for a file nothing could be read from. */
export function decisionsOf(table: WeeklyTable): Decision[] {
  const r = table.report;
  const out: Decision[] = [];
  const add = (kind: DecisionKind, text: string): number => out.push({ kind, text });
  for (const i of fileNotes(r.issues)) {
    const kind = NOTE_KINDS[i.code] as DecisionKind;
    add(kind, kind === 'encoding' ? `${ENCODING_NAMES[i.code]}: ${i.message}` : i.message);
  }
  if (r.sheets !== undefined && r.sheets.length > 1 && r.sheet !== undefined) {
    add('sheet', `read "${r.sheet}" of ${r.sheets.map((s) => `"${s}"`).join(', ')}`);
  }
  if (r.mapping.date === undefined) return out;
  add(
    'layout',
    r.layout === undefined || r.layout === 'long'
      ? 'long, one row per sale or per sku and date'
      : `${r.layout}, ${r.layoutDescription ?? ''}`,
  );
  add('mapping', mappingText(r));
  if (r.measureReason !== undefined) add('measure', r.measureReason);
  const dates = datesText(r);
  if (dates !== null) add('dates', dates);
  if (table.series.length === 0) return out;
  add(
    'granularity',
    r.granularity === 'weekly'
      ? 'weekly: every date falls on one weekday, so each date is its week'
      : 'transactional: rows summed per sku and week (Monday to Sunday)',
  );
  const { duplicateRows, gapSkus, gapWeeks } = emptyAndShared(table.series);
  if (r.granularity === 'weekly' && duplicateRows > 0) {
    add(
      'duplicates',
      `${duplicateRows} rows share a sku and week with another row in a weekly file: summed`,
    );
  }
  if (gapSkus > 0) {
    add(
      'gaps',
      `${gapSkus} of ${table.series.length} skus have weeks with no rows after their first (${gapWeeks} sku-weeks): counted as 0`,
    );
  }
  add('origin', originText(table));
  return out;
}

/** A file-wide note, once per code (a convention is noted once per column). */
function fileNotes(issues: readonly IngestIssue[]): IngestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    if (!(i.code in NOTE_KINDS) || i.severity !== 'warning') return false;
    const key = `${i.code}\u0000${i.column ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A column's name as the mapping line writes it: quoted when it holds a space, `=`, `+` or a quote. */
function columnName(name: string): string {
  return /[\s="+]/.test(name) || name === '' ? JSON.stringify(name) : name;
}

/** `date=Date sku=Store amount=Weekly_Sales measure=money`. */
function mappingText(r: IngestReport): string {
  const m = r.mapping;
  const parts: string[] = [];
  for (const role of ROLES) {
    const column = m[role];
    if (role === 'sku') {
      const columns =
        r.skuColumns ??
        (column !== undefined
          ? [column]
          : m.category !== undefined && m.price !== undefined
            ? [m.category, m.price]
            : []);
      parts.push(`sku=${columns.length > 0 ? columns.map(columnName).join('+') : '(none)'}`);
      continue;
    }
    if (column !== undefined) parts.push(`${role}=${columnName(column)}`);
  }
  parts.push(`measure=${r.measure === 'units' ? 'units' : 'money'}`);
  return parts.join(' ');
}

function datesText(r: IngestReport): string | null {
  if (r.dateOrder === 'n/a') return null;
  const f = r.dateFormats;
  if (r.dateOrder === 'iso' || f === undefined) {
    return 'ISO (YYYY-MM-DD) or serial numbers: one reading, nothing to decide';
  }
  const how = r.dateFormat ? `as chosen (${r.dateFormat})` : 'as detected';
  return `read ${r.dateOrder} ${how}; rows each reading accepts: DMY ${f.DMY}, MDY ${f.MDY}, YMD ${f.YMD}`;
}

/** A weekly file's rows sharing a (sku, week); skus with empty weeks after their first row. */
function emptyAndShared(series: readonly SkuSeries[]): {
  duplicateRows: number;
  gapSkus: number;
  gapWeeks: number;
} {
  let duplicateRows = 0;
  let gapSkus = 0;
  let gapWeeks = 0;
  for (const s of series) {
    const rows = s.columns?.transactions ?? s.rows.map((r) => r.transactions);
    let started = false;
    let empty = 0;
    for (const n of rows) {
      if (n > 1) duplicateRows += n;
      if (n > 0) started = true;
      else if (started) empty++;
    }
    if (empty > 0) {
      gapSkus++;
      gapWeeks += empty;
    }
  }
  return { duplicateRows, gapSkus, gapWeeks };
}

/** The forecast origin, and the rows its choice left out. */
function originText(table: WeeklyTable): string {
  const r = table.report;
  const first = table.series[0] as SkuSeries;
  const partial = first.columns?.calendar.partial ?? Uint8Array.from(first.rows, (x) => x.partial);
  const at = lastCompleteOfCalendar(partial);
  const week = table.weeks[at];
  const last = table.weeks.length - 1;
  const base =
    week === undefined
      ? 'none: the data covers no complete week (Monday to Sunday)'
      : `${week}, the last complete week` +
        (at < last
          ? ` (the data ends ${r.lastDate}, so the week of ${table.weeks[last]} is partial)`
          : '');
  const x = r.excluded;
  const rows = x ? `${x.rows} row${x.rows === 1 ? '' : 's'} dated ${excludedDatesText(x)}` : '';
  if (r.asOf !== undefined && r.asOf.trim().toLowerCase() === 'latest') {
    return `${base}; as of the latest date: every row kept`;
  }
  if (r.asOf !== undefined) {
    return x
      ? `${base}; as of ${r.asOf}: excluded ${rows}, after that date's week`
      : `${base}; as of ${r.asOf}: no row is dated after that date's week, nothing excluded`;
  }
  return x
    ? `${base}; excluded ${rows}: beyond the file's bulk, after ${x.gapWeeks} weeks with no rows`
    : `${base}; no row beyond the file's bulk`;
}
