// `skucast weekly FILE [--map role=Column ...]`: the weekly table as CSV on
// stdout, issues and a summary on stderr.
import type { ColumnMapping, IngestReport, Role, WeeklyTable } from '../core/types';
import { weeklyCsvChunks } from '../core/weekly-csv';
import { ROLES } from '../core/ingest/columns';
import { oneFileProblem, parseArgs, wantsHelp } from '../node/args';
import { writeChunks, type CliIo, type Command } from './command';
import { ingestFile } from '../node/read-file';

const USAGE = `usage: skucast weekly FILE [--map role=Column ...]

Reads a sales CSV and prints the weekly table (one row per sku and week) as CSV.
Issues found in the file go to stderr, one per line, then a summary line.

  --map role=Column   use Column for role (${ROLES.join(', ')});
                      repeat for several roles. Overrides auto-detection.`;

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

/** stderr lines for a report: each kept issue, a note on dropped ones, the summary. */
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
  lines.push(
    `summary: ${r.rowsRead} rows read, ${r.rowsUsed} used, ${r.rowsSkipped} skipped${reasons ? ` (${reasons})` : ''}; ` +
      `${table.series.length} skus × ${weeks} weeks${span}; ${r.granularity}, dates ${r.dateOrder}${r.dateOrderAmbiguous ? ' (ambiguous)' : ''}`,
  );
  return lines;
}

export const weeklyCommand: Command = {
  name: 'weekly',
  summary: 'print the weekly table of a sales CSV',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseArgs(argv, ['map']);
    if (wantsHelp(args)) {
      io.out(USAGE + '\n');
      return 0;
    }
    const problem = oneFileProblem(args);
    if (problem !== null) {
      io.err(`skucast weekly: ${problem}\n${USAGE}\n`);
      return 2;
    }
    const mapping = parseMappings(args.options.get('map') ?? []);
    if (typeof mapping === 'string') {
      io.err(`skucast weekly: ${mapping}\n`);
      return 2;
    }
    const table = await ingestFile(args.positionals[0] as string, { mapping });
    if (table.series.length > 0) await writeChunks(io, weeklyCsvChunks(table));
    io.err(reportLines(table).join('\n') + '\n');
    return table.series.length > 0 ? 0 : 2;
  },
};
