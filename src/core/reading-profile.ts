// A reading profile: what was decided for one file (which column plays which
// role, the layout, the measure, the date order, the sheet) and the header it
// was decided on, saved as JSON (docs/profile.schema.json) so tomorrow's
// export of the same system is read exactly as today's, not guessed again.
// Pure: the CLI reads and writes the file.
import { findHeader, ROLES } from './ingest/columns';
import { LAYOUTS } from './ingest/layout';
import type { ColumnMapping, DateFormat, IngestReport, Layout, Measure, Role } from './types';

/** Raised when a key changes meaning or goes away. */
export const PROFILE_VERSION = 1;

export interface ReadingProfile {
  profile_version: typeof PROFILE_VERSION;
  /** Role → its column; a sku of several columns lists them (store first). */
  mapping: Partial<Record<Role, string | string[]>>;
  layout: Layout;
  measure: Measure;
  /** How day/month dates were read; absent when the file had none (ISO dates, serials). */
  date_format?: DateFormat;
  /** The workbook sheet read; absent for CSV. */
  sheet?: string;
  /** The header row the reading was decided on. */
  header: string[];
}

/** The reading options a profile pins (IngestOptions' names). */
export interface ProfileReading {
  mapping: ColumnMapping;
  layout: Layout;
  measure: Measure;
  dateFormat?: DateFormat;
  sheet?: string;
}

const ORDER_FORMAT: Partial<Record<IngestReport['dateOrder'], DateFormat>> = {
  'day-first': 'DMY',
  'month-first': 'MDY',
  'year-first': 'YMD',
};

/**
 * The profile of a file read with the report `report`. A long table's roles
 * are the report's mapping (found or chosen); a wide table's are the ones the
 * caller chose (`requested`), since its report names made-up columns.
 */
export function profileOf(report: IngestReport, requested: ColumnMapping): ReadingProfile {
  const layout = report.layout ?? 'long';
  const roles = layout === 'long' ? report.mapping : requested;
  const mapping: ReadingProfile['mapping'] = {};
  for (const role of ROLES) {
    const column = roles[role];
    if (column === undefined || column === '') continue;
    const parts = role === 'sku' && layout === 'long' ? report.skuColumns : undefined;
    mapping[role] = parts !== undefined && parts.length > 1 ? [...parts] : column;
  }
  const dateFormat = report.dateFormat ?? ORDER_FORMAT[report.dateOrder];
  return {
    profile_version: PROFILE_VERSION,
    mapping,
    layout,
    measure: report.measure ?? 'amount',
    ...(dateFormat !== undefined && { date_format: dateFormat }),
    ...(report.sheet !== undefined && { sheet: report.sheet }),
    header: [...(report.header ?? [])],
  };
}

/** The profile as its JSON file holds it (two-space indent, a final newline). */
export function profileJson(profile: ReadingProfile): string {
  return JSON.stringify(profile, null, 2) + '\n';
}

const KEYS = new Set([
  'profile_version',
  'mapping',
  'layout',
  'measure',
  'date_format',
  'sheet',
  'header',
]);

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** A profile file's text as a profile, or what is wrong with it (a message for the user). */
export function parseProfile(text: string): ReadingProfile | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message}); expected a profile written by --save-profile`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return 'expected a JSON object written by --save-profile';
  }
  const p = doc as Record<string, unknown>;
  const unknown = Object.keys(p).find((k) => !KEYS.has(k));
  if (unknown !== undefined) {
    return `unknown key "${unknown}"; expected only ${[...KEYS].join(', ')}`;
  }
  if (p.profile_version !== PROFILE_VERSION) {
    return `profile_version ${JSON.stringify(p.profile_version)}; this skucast reads version ${PROFILE_VERSION}`;
  }
  const mapping = parseMapping(p.mapping);
  if (typeof mapping === 'string') return mapping;
  if (!LAYOUTS.includes(p.layout as Layout)) {
    return `layout ${JSON.stringify(p.layout)}; expected one of ${LAYOUTS.join(', ')}`;
  }
  if (p.measure !== 'units' && p.measure !== 'amount') {
    return `measure ${JSON.stringify(p.measure)}; expected units or amount`;
  }
  if (p.date_format !== undefined && !['DMY', 'MDY', 'YMD'].includes(p.date_format as string)) {
    return `date_format ${JSON.stringify(p.date_format)}; expected DMY, MDY or YMD`;
  }
  if (p.sheet !== undefined && !isText(p.sheet)) return 'sheet: expected a sheet name';
  if (!Array.isArray(p.header) || !p.header.every((h) => typeof h === 'string')) {
    return 'header: expected the list of column names the profile was saved from';
  }
  return p as unknown as ReadingProfile;
}

function parseMapping(value: unknown): ReadingProfile['mapping'] | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'mapping: expected an object of role → column name';
  }
  for (const [role, column] of Object.entries(value)) {
    if (!ROLES.includes(role as Role)) {
      return `mapping: unknown role "${role}"; expected one of ${ROLES.join(', ')}`;
    }
    const several = role === 'sku' && Array.isArray(column) && column.length > 0;
    if (!(isText(column) || (several && (column as unknown[]).every(isText)))) {
      return `mapping.${role}: expected a column name${role === 'sku' ? ' (or a list of them)' : ''}`;
    }
  }
  return value as ReadingProfile['mapping'];
}

/** The reading options of a profile. */
export function profileReading(profile: ReadingProfile): ProfileReading {
  const mapping: ColumnMapping = {};
  for (const [role, column] of Object.entries(profile.mapping)) {
    mapping[role as Role] = Array.isArray(column) ? column.join('+') : (column as string);
  }
  return {
    mapping,
    layout: profile.layout,
    measure: profile.measure,
    ...(profile.date_format !== undefined && { dateFormat: profile.date_format }),
    ...(profile.sheet !== undefined && { sheet: profile.sheet }),
  };
}

/**
 * The profile's columns that `header` does not hold (matched as an explicit
 * mapping is: exactly, else by normalized name), each with its role, in
 * role order; columns the header has beside them do not matter.
 */
export function missingColumns(
  mapping: Partial<Record<Role, string | string[]>>,
  header: readonly string[],
): { role: Role; column: string }[] {
  const missing: { role: Role; column: string }[] = [];
  for (const role of ROLES) {
    const column = mapping[role];
    if (column === undefined) continue;
    for (const name of Array.isArray(column) ? column : [column]) {
      if (findHeader(header, name) === -1) missing.push({ role, column: name });
    }
  }
  return missing;
}
