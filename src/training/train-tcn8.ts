// `node scripts/run-ts.mjs src/training/train-tcn8.ts [--seed N] [--out DIR]`:
// trains the seed's 8-week TCN (tcn8, the first model: seed data plus the
// synthetic set) and writes DIR/tcn8.onnx and DIR/tcn8.json. The shipped
// model is the sequence TCN of train.ts; tcn8 stays for the seed's exact
// 8-week behaviour (`skucast forecast --model-file models/tcn8.json`).

import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { intOption, optionValue, parseArgs, rejectUnknown } from '../node/args';
import { loadSeedData } from './data';
import { exportOnnx, INPUT_NAME, ONNX_OPSET, OUTPUT_NAME } from './onnx-export';
import { TCN8_REPORT_KEY } from './evaluate';
import { describe, RECIPE, runRecipe } from './recipe';
import { countParams } from './tcn';
import { initTf } from './tf-backend';

export const DEFAULT_SEED = 1;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['seed', 'out']);
  rejectUnknown(args);
  const seed = intOption(args, 'seed', DEFAULT_SEED);
  const outDir = path.resolve(optionValue(args, 'out') ?? 'models');
  const data = await loadSeedData();
  if (!data) throw new Error('seed data not found: training needs ../shared (see README)');
  await initTf();
  const log = (m: string): void => console.log(m);
  log(`training seed ${seed} on ${data.series.length} seed series (${data.source}) + synthetic`);
  const run = runRecipe(seed, data.series, undefined, log);
  const doc = `skucast TCN, seed ${seed}: ${data.source} + ${RECIPE.syntheticSeries} synthetic series`;
  const bytes = exportOnnx(run.cfg, run.weights, doc);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'tcn8.onnx'), bytes);
  const reportPath = path.join(outDir, 'eval-report.json');
  const backtest = existsSync(reportPath)
    ? summariseReport(JSON.parse(readFileSync(reportPath, 'utf8')))
    : undefined;
  const seedWeeks = data.series[0]?.rows.filter((r) => r.partial === 0).length ?? 0;
  const desc = describe(
    RECIPE,
    'tcn8.onnx',
    ONNX_OPSET,
    INPUT_NAME,
    OUTPUT_NAME,
    {
      seed,
      command: `node scripts/run-ts.mjs src/training/train-tcn8.ts --seed ${seed}`,
      trainedAt: new Date().toISOString().slice(0, 10),
      data: {
        seed: {
          source: data.source,
          series: data.series.length,
          completeWeeks: seedWeeks,
          windows: run.realWindows,
        },
        synthetic: {
          generator: 'src/training/synthetic.ts',
          series: RECIPE.syntheticSeries,
          rngSeed: `${seed} * 7919 + 17`,
          windows: run.syntheticWindows,
        },
      },
      recipe: RECIPE,
      parameters: countParams(run.cfg),
      windowsSeen: run.windowsSeen,
      finalLoss: run.finalLoss,
      seconds: Math.round(run.seconds),
      framework: `@tensorflow/tfjs ${tf.version.tfjs} (wasm backend, 1 thread)`,
    },
    backtest,
  );
  writeFileSync(path.join(outDir, 'tcn8.json'), JSON.stringify(desc, null, 2) + '\n');
  log(
    `wrote ${path.join(outDir, 'tcn8.onnx')} (${bytes.length} bytes) and tcn8.json in ${Math.round(run.seconds)} s`,
  );
}

/** The backtest block of the descriptor: tcn8's retraining backtest in models/eval-report.json. */
function summariseReport(report: Record<string, unknown>): Record<string, unknown> {
  const block = (report[TCN8_REPORT_KEY] ?? {}) as Record<string, unknown>;
  return {
    report: `eval-report.json#/${TCN8_REPORT_KEY}`,
    protocol: block['protocol'],
    models: block['models'],
    summary: block['summary'],
  };
}

await main();
