// `npm run eval -- [--out FILE] [--seeds 1,2,3] [--split holdout|validation|rolling] [--set k=v,...] [--shrink-grid]`
//
// Command line for evaluate.ts: the JSON report goes to --out or stdout,
// progress and a markdown table of the scores to stderr.

import { writeFileSync } from 'node:fs';
import { optionValue, parseArgs, rejectUnknown } from '../node/args';
import { evaluateSeed, isEvalSplit } from './evaluate';

const args = parseArgs(process.argv.slice(2), ['out', 'seeds', 'split', 'set']);
rejectUnknown(args, ['shrink-grid']);
const split = optionValue(args, 'split') ?? 'holdout';
if (!isEvalSplit(split)) throw new Error('--split must be holdout, validation or rolling');
const log = (m: string): void => console.error(m);
const { report, table } = await evaluateSeed({
  seeds: (optionValue(args, 'seeds') ?? '1,2,3').split(',').map(Number),
  split,
  overrides: optionValue(args, 'set'),
  shrinkGrid: args.flags.has('shrink-grid'),
  log,
});
const json = JSON.stringify(report, null, 2) + '\n';
const out = optionValue(args, 'out');
if (out) writeFileSync(out, json);
else process.stdout.write(json);
log(table);
