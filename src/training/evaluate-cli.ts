// `npm run eval -- [--out FILE] [--seeds 1,2,3] [--split holdout|validation|rolling] [--set k=v,...] [--shrink-grid]`
//
// Command line for evaluate.ts: the JSON report goes to --out or stdout,
// progress and a markdown table of the scores to stderr.

import { writeFileSync } from 'node:fs';
import { parseArgs } from './args';
import { evaluateSeed, isEvalSplit } from './evaluate';

const args = parseArgs(process.argv.slice(2));
const split = args.get('split') ?? 'holdout';
if (!isEvalSplit(split)) throw new Error('--split must be holdout, validation or rolling');
const log = (m: string): void => console.error(m);
const { report, table } = await evaluateSeed({
  seeds: (args.get('seeds') ?? '1,2,3').split(',').map(Number),
  split,
  overrides: args.get('set'),
  shrinkGrid: args.has('shrink-grid'),
  log,
});
const json = JSON.stringify(report, null, 2) + '\n';
const out = args.get('out');
if (out) writeFileSync(out, json);
else process.stdout.write(json);
log(table);
