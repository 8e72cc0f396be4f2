// `npm run ensemble -- --out DIR --members DIR1,DIR2,…`: the TCNs trained by
// `npm run train -- --seed N --out MEMBER_DIR` (one recipe, several seeds) as
// one model, DIR/tcn.onnx + DIR/tcn.json, whose quantiles are the average of
// the members' (onnx-ensemble.ts). `npm run eval -- --model-dir DIR` scores it
// like any single training.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { parseModelDescriptor, type ModelDescriptor } from '../core/model-descriptor';
import { optionValue, parseArgs, rejectUnknown } from '../node/args';
import { averageOnnx } from './onnx-ensemble';

interface Member {
  dir: string;
  desc: ModelDescriptor;
  onnx: Uint8Array;
}

function readMember(dir: string): Member {
  const json = path.join(dir, 'tcn.json');
  const file = path.join(dir, 'tcn.onnx');
  if (!existsSync(json) || !existsSync(file))
    throw new Error(`${dir} has no tcn.onnx and tcn.json (npm run train -- --out ${dir})`);
  const desc = parseModelDescriptor(JSON.parse(readFileSync(json, 'utf8')));
  return { dir, desc, onnx: new Uint8Array(readFileSync(file)) };
}

/** Everything but how it was trained must match, and the recipe too: seeds of one model. */
function checkSameRecipe(members: Member[]): void {
  const [first, ...rest] = members as [Member, ...Member[]];
  const contract = ({ training: _t, ...d }: ModelDescriptor): unknown => d;
  for (const m of rest) {
    if (!isDeepStrictEqual(contract(m.desc), contract(first.desc)))
      throw new Error(`${m.dir}/tcn.json reads or writes other data than ${first.dir}/tcn.json`);
    if (!isDeepStrictEqual(m.desc.training.recipe, first.desc.training.recipe))
      throw new Error(`${m.dir} was trained with another recipe than ${first.dir}`);
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), ['out', 'members']);
  rejectUnknown(args, []);
  const out = optionValue(args, 'out');
  const dirs =
    optionValue(args, 'members')
      ?.split(',')
      .filter((d) => d !== '') ?? [];
  if (!out || dirs.length < 2)
    throw new Error('usage: npm run ensemble -- --out DIR --members DIR1,DIR2[,…]');
  const members = dirs.map(readMember);
  checkSameRecipe(members);
  const seeds = members.map((m) => m.desc.training.seed);
  const bytes = averageOnnx(
    members.map((m) => m.onnx),
    `skucast TCN v2, average of seeds ${seeds.join(', ')}`,
  );
  const first = (members[0] as Member).desc;
  const desc: ModelDescriptor = {
    ...first,
    onnx: 'tcn.onnx',
    training: {
      ensemble: 'the average of the members’ output quantiles (in scaled units), one ONNX graph',
      command: `npm run ensemble -- --out ${out} --members ${dirs.join(',')}`,
      recipe: first.training.recipe,
      // Each member's run, without what they all share (recipe, data) or its whole curve.
      members: members.map(({ desc: { training: t } }) => ({
        seed: t.seed,
        command: t.command,
        trainedAt: t.trainedAt,
        seconds: t.seconds,
        finalLoss: t.finalLoss,
        validation: (t.validation as { final?: unknown } | undefined)?.final,
      })),
    },
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'tcn.onnx'), bytes);
  writeFileSync(path.join(out, 'tcn.json'), JSON.stringify(desc, null, 2) + '\n');
  console.log(
    `wrote ${path.join(out, 'tcn.onnx')} (${bytes.length} bytes, ${members.length} members: seeds ${seeds.join(', ')}) and tcn.json`,
  );
}

main();
