// The forecast as a user runs it: `node bin/skucast.mjs forecast .cache/big.csv`
// (1,000,000 generated transactions, ~56 MB, the file bench/ingest.ts uses) as a
// whole process, CSV to /dev/null. Wall time is the median of 5 runs; the
// JSON export's own stage timings (ingest, model load, inference) show where
// the time goes, and `skucast weekly` runs interleaved with it show what the
// forecast adds to ingestion under the same machine load.
// Target on the 2-core machine: <= 1.5 s wall.
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

const hasTime = existsSync('/usr/bin/time');

interface Run {
  wallS: number;
  /** user + sys CPU of the whole process (all threads), when /usr/bin/time exists. */
  cpuS: number | null;
  stdout: string;
}

/** One `skucast <command> BIG args` process, output to /dev/null unless kept. */
function skucast(command: string, args: string[], keepStdout = false): Run {
  const argv = ['bin/skucast.mjs', command, BIG, ...args];
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...argv], {
        encoding: 'utf8',
        stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
        maxBuffer: 1 << 26,
      })
    : spawnSync(process.execPath, argv, {
        encoding: 'utf8',
        stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
        maxBuffer: 1 << 26,
      });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`skucast ${command} failed: ${r.stderr.slice(-500)}`);
  let cpuS: number | null = null;
  if (hasTime) {
    const [user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (user !== undefined && sys !== undefined) cpuS = user + sys;
  }
  return { wallS, cpuS, stdout: r.stdout ?? '' };
}

function cpuText(runs: Run[]): string {
  const cpus = runs.map((r) => r.cpuS).filter((c): c is number => c !== null);
  return cpus.length > 0 ? median(cpus).toFixed(2) : 'n/a';
}

export async function benchForecast(): Promise<void> {
  await ensureBigCsv();
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  console.log(
    `forecast: skucast forecast on ${BIG} (${ROWS.toLocaleString('en')} rows), CSV to /dev/null, ` +
      `median of ${RUNS}, load average ${loadavg()[0]!.toFixed(1)} before the runs`,
  );
  // Forecast and ingestion-only runs interleaved, so both see the same machine load.
  const forecastRuns: Run[] = [];
  const weeklyRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    forecastRuns.push(skucast('forecast', []));
    weeklyRuns.push(skucast('weekly', []));
  }
  const wall = median(forecastRuns.map((r) => r.wallS));
  const weeklyWall = median(weeklyRuns.map((r) => r.wallS));

  // One more run with the JSON export, for the stage timings it carries.
  const json = skucast('forecast', ['--format', 'json'], true);
  const doc = JSON.parse(json.stdout) as {
    run: { timings_ms: Record<string, number> };
    skus: { model: number; baseline: number };
  };
  const t = doc.run.timings_ms;
  const stage = (k: string): string => (t[k] === undefined ? 'n/a' : (t[k] as number).toFixed(0));
  console.log(
    `  forecast, whole process, wall (s)   ${wall.toFixed(2).padStart(6)}  target <= ${TARGET_WALL_S}`,
  );
  console.log(
    `  forecast, user+sys CPU (s)          ${cpuText(forecastRuns).padStart(6)}  (both threads: ingest + model)`,
  );
  console.log(
    `  weekly (ingestion only), wall (s)   ${weeklyWall.toFixed(2).padStart(6)}  CPU ${cpuText(weeklyRuns)} s, same load`,
  );
  console.log(
    `  wall of each forecast run (s)       ${forecastRuns.map((r) => r.wallS.toFixed(2)).join(', ')}`,
  );
  console.log(
    `  stages of the JSON run (ms)    ingest ${stage('ingestMs')}, model load ${stage('modelLoadMs')} ` +
      `(overlaps ingest), windows ${stage('prepareMs')}, inference ${stage('inferenceMs')}, ` +
      `quantiles+totals ${stage('finishMs')}; ${doc.skus.model} skus by model, ${doc.skus.baseline} baseline`,
  );
  console.log(
    `  ${wall <= TARGET_WALL_S ? 'within target' : 'OVER TARGET'} (load average now ${loadavg()[0]!.toFixed(1)})`,
  );
}
