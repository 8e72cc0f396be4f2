// The forecast as a user runs it: `node bin/skucast.mjs forecast .cache/big.csv`
// (1,000,000 generated transactions, ~56 MB, the file bench/ingest.ts uses) as a
// whole process, CSV to /dev/null. Wall time is the median of 5 runs; the
// JSON export's own stage timings (ingest, model load, inference) show where
// the time goes. Target on the 2-core machine: <= 1.5 s wall.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { generateCsv } from '../src/cli/gen';

const ROWS = 1_000_000;
const RUNS = 5;
const BIG = resolve('.cache/big.csv');
const TARGET_WALL_S = 1.5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Same file, generator and seed as bench/ingest.ts, so the two benches compare. */
async function ensureBigCsv(): Promise<void> {
  if (existsSync(BIG) && statSync(BIG).size > 50e6) return;
  mkdirSync(resolve('.cache'), { recursive: true });
  console.log(`  generating ${BIG} (${ROWS} rows, seed 1)…`);
  const out = createWriteStream(BIG);
  for (const block of generateCsv({ rows: ROWS, seed: 1 })) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function skucast(args: string[]): { wallS: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/skucast.mjs', 'forecast', BIG, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', args.length === 0 ? 'ignore' : 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`skucast forecast failed: ${r.stderr.slice(-500)}`);
  return { wallS, stdout: r.stdout ?? '', stderr: r.stderr };
}

export async function benchForecast(): Promise<void> {
  await ensureBigCsv();
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  console.log(
    `forecast: skucast forecast on ${BIG} (${ROWS.toLocaleString('en')} rows), CSV to /dev/null, ` +
      `median of ${RUNS}, load average ${loadavg()[0]!.toFixed(1)} before the runs`,
  );
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) walls.push(skucast([]).wallS);
  const wall = median(walls);

  // One more run with the JSON export, for the stage timings it carries.
  const json = skucast(['--format', 'json']);
  const doc = JSON.parse(json.stdout) as {
    run: { timings_ms: Record<string, number> };
    skus: { model: number; baseline: number };
  };
  const t = doc.run.timings_ms;
  const stage = (k: string): string => (t[k] === undefined ? 'n/a' : (t[k] as number).toFixed(0));
  console.log(
    `  whole process, wall (s)        ${wall.toFixed(2).padStart(8)}  target <= ${TARGET_WALL_S}`,
  );
  console.log(`  wall of each run (s)           ${walls.map((w) => w.toFixed(2)).join(', ')}`);
  console.log(
    `  stages of the JSON run (ms)    ingest ${stage('ingestMs')}, model load ${stage('modelLoadMs')} ` +
      `(overlaps ingest), windows ${stage('prepareMs')}, inference ${stage('inferenceMs')}, ` +
      `quantiles+totals ${stage('finishMs')}; ${doc.skus.model} skus by model, ${doc.skus.baseline} baseline`,
  );
  console.log(
    `  ${wall <= TARGET_WALL_S ? 'within target' : 'OVER TARGET'} (load average now ${loadavg()[0]!.toFixed(1)})`,
  );
}
