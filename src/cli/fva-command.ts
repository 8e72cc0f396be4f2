// `skucast fva --plan PLAN NEWFILE [--format csv|json]`: how a plan did on
// the weeks a newer file now has (forecast value added, src/core/plan/fva.ts).
import { csvCell } from '../core/exports';
import { measuredTable } from '../core/ingest/weekly-table';
import { completeActuals, FvaError, forecastValueAdded, fvaCsv } from '../core/plan/fva';
import { optionValue } from '../node/args';
import { oneFileCommandLine, UsageError, type CliIo } from './command';
import { EXIT_CODES_USAGE } from './exit-codes';
import { readPlanFile } from './plan-file';
import { PROFILE_OPTIONS, PROFILE_USAGE, profileRun } from './profile-option';
import { userCommand } from './user-errors';
import { INGEST_OPTIONS, INGEST_USAGE, ingestOptions } from './ingest-option';
import { readSalesFile } from './weekly-command';
import { endWithoutSkus } from './table-command';

const FORMATS = ['csv', 'json'];

const USAGE = `usage: skucast fva --plan PLAN NEWFILE [--format csv|json] [--map role=Column ...] [--sheet NAME|N] [--date-format DMY|MDY|YMD] [--profile FILE] [--save-profile FILE]

How the plan did (forecast value added): for the plan's weeks NEWFILE now has
complete, the WAPE and bias of three forecasts at the total, category and sku
level: naive (the last complete week before the plan, held flat), statistical
(the plan's statistical p50) and final (after its overrides); the value each
step added (WAPE points it took off the one before); how often the final
p10-p90 band held the actual; and the overrides that helped or hurt most.

  --plan PLAN         a plan (skucast forecast FILE --format plan, skucast override)
  --format F          csv (default: a row for the total, each category and sku)
                      or json (levels.total|category|sku with naive,
                      statistical and final, each with wape and bias)
${INGEST_USAGE}
${PROFILE_USAGE}
  The measure defaults to the plan's (units or amount), unless the profile or
  --measure says otherwise.

WAPE = sum |actual - forecast| / sum |actual|; bias = sum (forecast - actual) /
sum |actual| (above 0: too high).

${EXIT_CODES_USAGE}`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = oneFileCommandLine(
    argv,
    ['plan', 'format', ...INGEST_OPTIONS, ...PROFILE_OPTIONS],
    USAGE,
    io,
  );
  if (args === null) return 0;
  const planPath = optionValue(args, 'plan');
  if (planPath === undefined) throw new UsageError('--plan PLAN is required');
  const format = optionValue(args, 'format') ?? 'csv';
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  const flags = ingestOptions(args);
  if (typeof flags === 'string') throw new UsageError(flags);
  const plan = readPlanFile(planPath);
  // The newer file is read as the plan's own file was: the nightly profile, if given.
  const profile = profileRun(args, flags);
  const read = { ...profile, ingest: { measure: plan.run.measure, ...profile.ingest } };
  const { table, notes } = await readSalesFile(args.positionals[0] as string, read, io);
  if (table.series.length === 0) return endWithoutSkus(notes, io);
  if ((table.report.measure ?? 'amount') !== plan.run.measure) {
    notes.push(
      `note: the plan counts ${plan.run.measure}, this file is read as ${table.report.measure ?? 'amount'}`,
    );
  }
  let report;
  try {
    report = forecastValueAdded(plan, completeActuals(measuredTable(table)));
  } catch (e) {
    if (e instanceof FvaError) {
      io.err(notes.join('\n') + '\n');
      throw new UsageError(e.message, false);
    }
    throw e;
  }
  if (report.skus_not_in_file.length > 0) {
    const n = report.skus_not_in_file.length;
    notes.push(`note: ${n} sku${n === 1 ? '' : 's'} of the plan not in this file count as 0 sold`);
  }
  io.out(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : fvaCsv(report, csvCell));
  io.err(notes.join('\n') + '\n');
  return 0;
}

export const fvaCommand = userCommand(
  'fva',
  'how a plan did on a newer file: WAPE and bias of naive, statistical and final (forecast value added)',
  USAGE,
  run,
);
