// `skucast event PLAN (--sku S | --category C) --weeks W1[,W2…] [--kind
// promotion|event] [--note T] [--accept | --uplift PCT] [--reason T] [--who N]
// [--lock]`: the plan with the event marked (and, accepted or given, its
// uplift set as overrides with one audit entry per sku), on stdout; the
// suggestion's evidence, or why there is none, on stderr.
import { optionValue } from '../node/args';
import { markEvent, type EventEdit } from '../core/plan/events';
import { PlanEditError } from '../core/plan/overrides';
import { planToJson } from '../core/plan/plan';
import { percent } from '../core/plan/promo-uplift';
import { oneFileCommandLine, UsageError, type CliIo } from './command';
import { EXIT_CODES_USAGE } from './exit-codes';
import { numberOption, planNow, readPlanFile } from './plan-file';
import { userCommand } from './user-errors';

const USAGE = `usage: skucast event PLAN (--sku S | --category C) --weeks YYYY-MM-DD[,YYYY-MM-DD...] [--kind promotion|event] [--note TEXT] [--accept | --uplift PCT] [--reason TEXT] [--who NAME] [--lock]

Marks weeks of a plan (skucast forecast FILE --format plan) as a promotion or
another event of a sku or a whole category, and prints the updated plan on
stdout. For a promotion, skucast suggests an uplift from the file's past
promoted weeks (kept in the plan; the file needs a promotion column) and
says on stderr what it rests on, e.g. "12 promoted weeks: +38% on average".

  --sku S | --category C   what is on promotion (a category: each of its skus)
  --weeks W1,W2            Mondays of plan weeks
  --kind K                 promotion (default) or event (marked only)
  --note TEXT              kept with the event
  --accept                 put the suggested uplift on the statistical p50 of
                           those weeks (each sku its own figure, shrunk to its
                           category's), as overrides; the band scales with it
  --uplift PCT             your own uplift instead, in percent (25: +25%)
  --reason TEXT            the overrides' reason (default: the kind, "promotion")
  --who NAME               who made the change (optional)
  --lock                   a re-forecast keeps the overridden weeks as set

Both uplifts are over a week without promotion: when a sku's last weeks held
promotions, its statistical p50 already carries them and is divided by that
share first. Marking, and each sku's uplift, append an audit entry (with the
uplift and its evidence). The time of an entry is now, or SOURCE_DATE_EPOCH
(seconds) when set.

${EXIT_CODES_USAGE}`;

const VALUED = ['sku', 'category', 'weeks', 'kind', 'note', 'uplift', 'reason', 'who'];

function kindOption(text: string | undefined): EventEdit['kind'] {
  if (text === undefined || text === 'promotion') return 'promotion';
  if (text === 'event') return 'event';
  throw new UsageError(`--kind must be promotion or event, got "${text}"`);
}

function weeksOption(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') throw new UsageError('--weeks is required');
  const weeks = text.split(',').map((w) => w.trim());
  const bad = weeks.find((w) => !/^\d{4}-\d{2}-\d{2}$/.test(w));
  if (bad !== undefined) {
    throw new UsageError(`--weeks takes dates YYYY-MM-DD (Mondays of the plan), got "${bad}"`);
  }
  return weeks;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = oneFileCommandLine(argv, VALUED, USAGE, io, ['accept', 'lock']);
  if (args === null) return 0;
  const sku = optionValue(args, 'sku');
  const category = optionValue(args, 'category');
  if ((sku === undefined) === (category === undefined)) {
    throw new UsageError('give either --sku or --category');
  }
  const uplift = numberOption(args, 'uplift');
  const accept = args.flags.has('accept');
  if (accept && uplift !== undefined) {
    throw new UsageError('--accept takes the suggested uplift, --uplift gives your own: not both');
  }
  const kind = kindOption(optionValue(args, 'kind'));
  if (kind === 'event' && (accept || uplift !== undefined)) {
    throw new UsageError('--accept and --uplift go with --kind promotion; an event is marked only');
  }
  const note = optionValue(args, 'note');
  const reason = optionValue(args, 'reason');
  const who = optionValue(args, 'who');
  const edit: EventEdit = {
    scope: sku !== undefined ? 'sku' : 'category',
    id: (sku ?? category) as string,
    weeks: weeksOption(optionValue(args, 'weeks')),
    kind,
    ...(note !== undefined && { note }),
    accept,
    ...(uplift !== undefined && { uplift: uplift / 100 }),
    ...(reason !== undefined && { reason }),
    ...(who !== undefined && { who }),
    when: planNow(),
    lock: args.flags.has('lock'),
  };
  const plan = readPlanFile(args.positionals[0] as string);
  let result;
  try {
    result = markEvent(plan, edit);
  } catch (e) {
    if (e instanceof PlanEditError) throw new UsageError(e.message, false);
    throw e;
  }
  io.out(planToJson(result.plan));
  const { event, noSuggestion, lockedKept } = result;
  const notes: string[] = [];
  if (event.suggestion) {
    const done = accept
      ? 'accepted'
      : uplift === undefined
        ? 'not applied (--accept applies it)'
        : 'not used';
    notes.push(
      `suggested uplift: ${percent(event.suggestion.uplift)} (${event.suggestion.evidence}); ${done}`,
    );
  } else if (kind === 'promotion' && noSuggestion !== null) {
    notes.push(
      `no suggested uplift: ${noSuggestion}${uplift === undefined ? '; --uplift PCT sets one' : ''}`,
    );
  }
  if (uplift !== undefined) notes.push(`uplift: ${percent(uplift / 100)}, your figure`);
  if (lockedKept > 0) {
    notes.push(`${lockedKept} locked sku week${lockedKept === 1 ? '' : 's'} kept as set`);
  }
  if (notes.length > 0) io.err(notes.join('\n') + '\n');
  return 0;
}

export const eventCommand = userCommand(
  'event',
  'mark plan weeks as a promotion or event; accept the suggested uplift (audited)',
  USAGE,
  run,
);
