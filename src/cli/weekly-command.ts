// `skucast weekly FILE [--map role=Column ...]`: the weekly table as CSV on
// stdout, issues and a summary on stderr.
import type {
  ColumnMapping,
  DateFormat,
  IngestReport,
  Layout,
  Measure,
  Role,
  WeeklyTable,
} from '../core/types';
import { LAYOUTS } from '../core/ingest/layout';
import { weeklyCsvChunks } from '../core/weekly-csv';
import { ROLES } from '../core/ingest/columns';
import { parseAsOf } from '../core/ingest/origin';
import type { IngestOptions } from '../core/ingest';
import { optionValue, type ParsedArgs } from '../node/args';
import {
  oneFileCommandLine,
  UsageError,
  writeByteChunks,
  writeChunks,
  type CliIo,
  type Command,
} from './command';
import { weeklyParquetChunks } from '../core/parquet-output';
import { checkBinaryStdout, PARQUET_USAGE_NOTE } from './parquet-format';
import { userCommand } from './user-errors';
import { ingestFile } from '../node/read-file';
import { readProgress } from './read-progress';
import { basename } from 'node:path';
import { RUN_FLAGS, RUN_OPTIONS, RUN_USAGE, runOptions, skippedVerdict } from './run-options';
import { EXIT_CODES_USAGE } from './exit-codes';
import {
  PROFILE_OPTIONS,
  PROFILE_USAGE,
  profileRun,
  settleProfile,
  type ProfileRun,
} from './profile-option';
import { namedCsv, NAMES_OPTIONS, NAMES_USAGE, namesOption } from './names-option';
import { shardTable } from '../core/shards/shard-table';
import { SHARD_OPTIONS, SHARD_USAGE, shardLine, shardOption } from './shard-option';
import { decisionsOf, type Decision, type DecisionKind } from '../core/decisions';

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

const USAGE = `usage: skucast weekly FILE [--format csv|parquet] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD] [--measure units|amount] [--layout L] [--profile FILE] [--save-profile FILE] [--names N] [--as-of DATE|latest]

Reads a sales CSV (or an .xlsx workbook's sheet) and prints the weekly table
(one row per sku and week) as CSV. Issues found in the file go to stderr, one
per line, then each decision made reading it (\`mapping: …\`, \`dates: …\`,
\`origin: …\`), then a summary line.

  --format F          csv (default) or ${PARQUET_USAGE_NOTE}
${INGEST_USAGE}
${PROFILE_USAGE}
${NAMES_USAGE}
${SHARD_USAGE}
${RUN_USAGE}

${EXIT_CODES_USAGE}`;

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

/** What the CLI adds to a decision's line: the option that makes the other choice. */
const CHOOSE_WITH: Partial<Record<DecisionKind, string>> = {
  dates: '--date-format',
  measure: '--measure units|amount',
  layout: '--layout',
  origin: '--as-of YYYY-MM-DD|latest',
};

/**
 * A decision as its stderr line: `kind: text`, greppable by its kind, with
 * the option that chooses otherwise where there was a choice (ISO dates have
 * one reading; a measure's reason may name its choice already).
 */
export function decisionLine(d: Decision): string {
  const option = CHOOSE_WITH[d.kind];
  const choice =
    option !== undefined &&
    !d.text.includes('(choose') &&
    !(d.kind === 'dates' && d.text.startsWith('ISO'));
  return `${d.kind}: ${d.text}${choice ? ` (choose with ${option})` : ''}`;
}

/**
 * stderr lines for a report: each kept issue, a note on dropped ones, every
 * decision ingestion made (core/decisions.ts), the summary.
 */
export function reportLines(table: WeeklyTable): string[] {
  const r: IngestReport = table.report;
  const lines = r.issues.map((i) => `${i.severity} [${i.code}] ${i.message}`);
  if (r.issueCount > r.issues.length) {
    lines.push(`… ${r.issueCount - r.issues.length} more issues not shown`);
  }
  const reasons = Object.entries(r.skippedByReason)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  const weeks = table.weeks.length;
  const span = r.firstDate ? `, ${r.firstDate}..${r.lastDate}` : '';
  lines.push(...decisionsOf(table).map(decisionLine));
  const excluded = r.excluded ? `, ${r.excluded.rows} excluded (${r.excluded.reason})` : '';
  lines.push(
    `summary: ${r.rowsRead} rows read, ${r.rowsUsed} used, ${r.rowsSkipped} skipped${reasons ? ` (${reasons})` : ''}${excluded}; ` +
      `${table.series.length} skus × ${weeks} weeks${span}; ${r.granularity}, dates ${r.dateOrder}${r.dateOrderAmbiguous ? ' (ambiguous)' : ''}`,
  );
  return lines;
}

/**
 * FILE read as the command line and its profile say, with progress on
 * stderr: the table (held to the profile, which is saved when asked) and the
 * stderr lines so far (the profile's, the file's issues and decisions, the
 * summary). Every command that reads a sales file reads it so.
 */
export async function readSalesFile(
  file: string,
  profile: ProfileRun,
  io: CliIo,
): Promise<{ table: WeeklyTable; notes: string[] }> {
  const progress = readProgress(basename(file), io);
  const table = await ingestFile(file, { ...profile.ingest, onProgress: progress.onProgress });
  progress.done();
  settleProfile(profile, table);
  return { table, notes: [...profile.notes, ...reportLines(table)] };
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = oneFileCommandLine(
    argv,
    [
      'format',
      ...INGEST_OPTIONS,
      ...PROFILE_OPTIONS,
      ...NAMES_OPTIONS,
      ...SHARD_OPTIONS,
      ...RUN_OPTIONS,
    ],
    USAGE,
    io,
    RUN_FLAGS,
  );
  if (args === null) return 0;
  const opts = ingestOptions(args);
  if (typeof opts === 'string') throw new UsageError(opts, false);
  const format = optionValue(args, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'parquet') {
    throw new UsageError(`--format must be csv or parquet, got "${format}"`);
  }
  if (format === 'parquet') checkBinaryStdout();
  const script = runOptions(args);
  const names = namesOption(args);
  const profile = profileRun(args, opts);
  const shard = shardOption(args);
  const read = await readSalesFile(args.positionals[0] as string, profile, io);
  const lines = read.notes;
  const part = shard && read.table.series.length > 0 ? shardTable(read.table, shard) : undefined;
  if (shard && part) lines.push(shardLine(shard, part.table.series.length, part.total));
  const table = part?.table ?? read.table;
  if (table.series.length > 0 && format === 'parquet') {
    await writeByteChunks(io, weeklyParquetChunks(table, names));
  } else if (table.series.length > 0) {
    await writeChunks(io, namedCsv(weeklyCsvChunks(table, undefined, script.cell), names));
  }
  if (read.table.series.length === 0) {
    io.err(lines.join('\n') + '\n');
    return 2;
  }
  const verdict = skippedVerdict(table, script);
  if (verdict.line !== undefined) lines.push(verdict.line);
  io.err(lines.join('\n') + '\n');
  return verdict.code;
}

export const weeklyCommand: Command = userCommand(
  'weekly',
  'print the weekly table of a sales CSV',
  USAGE,
  run,
);
