// `skucast weekly FILE [--map role=Column ...]`: the weekly table as CSV on
// stdout, issues and a summary on stderr.
import type { IngestReport, WeeklyTable } from '../core/types';
import { weeklyCsvChunks } from '../core/weekly-csv';
import { optionValue } from '../node/args';
import { UsageError, writeByteChunks, writeChunks, type CliIo, type Command } from './command';
import { weeklyParquetChunks } from '../core/parquet-output';
import { checkBinaryStdout, PARQUET_USAGE_NOTE } from './parquet-format';
import { userCommand } from './user-errors';
import { ingestFile } from '../node/read-file';
import { readProgress } from './read-progress';
import { basename } from 'node:path';
import { RUN_USAGE, runOptions, skippedVerdict } from './run-options';
import { EXIT_CODES_USAGE } from './exit-codes';
import { PROFILE_USAGE, profileRun, settleProfile, type ProfileRun } from './profile-option';
import { namedCsv, NAMES_USAGE, namesOption } from './names-option';
import { shardTable } from '../core/shards/shard-table';
import { SHARD_USAGE, shardLine, shardOption } from './shard-option';
import { decisionsOf, type Decision, type DecisionKind } from '../core/decisions';
import { rowsBehindValues } from '../core/report-counts';
import { INGEST_USAGE, ingestOptions } from './ingest-option';
import { endWithoutSkus, tableCommandLine } from './table-command';

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
 * What was read: rows, or values and the rows they came from when each row
 * held several (a wide sheet, months spread over weeks).
 */
function readWords(r: IngestReport): string {
  const rows = rowsBehindValues(r);
  return rows === undefined
    ? `${r.rowsRead} rows read`
    : `${r.rowsRead} values read from ${rows} rows`;
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
    `summary: ${readWords(r)}, ${r.rowsUsed} used, ${r.rowsSkipped} skipped${reasons ? ` (${reasons})` : ''}${excluded}; ` +
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
  const args = tableCommandLine(argv, ['format'], USAGE, io);
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
  if (read.table.series.length === 0) return endWithoutSkus(lines, io);
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
