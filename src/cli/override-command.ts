// `skucast override PLAN --sku S --week W --p50 X [--p10 A --p90 B]
// --reason TEXT [--who NAME] [--lock]`, or `--category C --week W --total X`:
// the plan with the override set and one audit entry appended, on stdout.
import { optionValue } from '../node/args';
import { overrideCategory, overrideSku, PlanEditError } from '../core/plan/overrides';
import { planToJson } from '../core/plan/plan';
import { oneFileCommandLine, UsageError, type CliIo } from './command';
import { EXIT_CODES_USAGE } from './exit-codes';
import { numberOption, planNow, readPlanFile, required } from './plan-file';
import { userCommand } from './user-errors';

const USAGE = `usage: skucast override PLAN --sku S --week YYYY-MM-DD --p50 X [--p10 A --p90 B] --reason TEXT [--who NAME] [--lock]
       skucast override PLAN --category C --week YYYY-MM-DD --total X --reason TEXT [--who NAME] [--lock]

Changes one week of a plan (skucast forecast FILE --format plan) and prints
the updated plan on stdout; the statistical forecast stays beside it, and an
entry (what, from, to, who, when, reason) is appended to its audit list.

  --sku S --p50 X     the sku's p50 that week; its p10-p90 band scales with it
                      unless --p10 and --p90 say otherwise (p10 <= p50 <= p90)
  --category C        the category's total that week: spread over its skus in
    --total X         proportion to their p50 (evenly when all are 0), so their
                      p50s sum to X; locked sku weeks keep their value
  --week W            the Monday of a plan week
  --reason TEXT       why (required), e.g. "store event known"
  --who NAME          who made the change (optional)
  --lock              a re-forecast keeps this week as set

The time of the entry is now, or SOURCE_DATE_EPOCH (seconds) when set.

${EXIT_CODES_USAGE}`;

const VALUED = ['sku', 'category', 'week', 'p50', 'p10', 'p90', 'total', 'reason', 'who'];

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = oneFileCommandLine(argv, VALUED, USAGE, io, ['lock']);
  if (args === null) return 0;
  const sku = optionValue(args, 'sku');
  const category = optionValue(args, 'category');
  if ((sku === undefined) === (category === undefined)) {
    throw new UsageError('give either --sku (with --p50) or --category (with --total)');
  }
  const week = required(args, 'week');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(week)) {
    throw new UsageError(`--week must be a date YYYY-MM-DD (a Monday of the plan), got "${week}"`);
  }
  const who = optionValue(args, 'who');
  const edit = {
    week,
    reason: required(args, 'reason'),
    ...(who !== undefined && { who }),
    when: planNow(),
    lock: args.flags.has('lock'),
  };
  const p50 = numberOption(args, 'p50');
  const p10 = numberOption(args, 'p10');
  const p90 = numberOption(args, 'p90');
  const total = numberOption(args, 'total');
  const plan = readPlanFile(args.positionals[0] as string);
  try {
    if (sku !== undefined) {
      if (p50 === undefined) throw new UsageError('--sku needs --p50');
      if (total !== undefined) throw new UsageError('--total goes with --category, not --sku');
      const next = overrideSku(plan, {
        ...edit,
        sku,
        p50,
        ...(p10 !== undefined && { p10 }),
        ...(p90 !== undefined && { p90 }),
      });
      io.out(planToJson(next));
    } else {
      if (total === undefined) throw new UsageError('--category needs --total');
      if (p50 !== undefined || p10 !== undefined || p90 !== undefined) {
        throw new UsageError('--p10/--p50/--p90 go with --sku; a category takes --total');
      }
      io.out(planToJson(overrideCategory(plan, { ...edit, category: category as string, total })));
    }
  } catch (e) {
    if (e instanceof PlanEditError) throw new UsageError(e.message, false);
    throw e;
  }
  return 0;
}

export const overrideCommand = userCommand(
  'override',
  "change a plan's sku week or category total, with a reason (audited)",
  USAGE,
  run,
);
