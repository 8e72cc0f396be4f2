// `npm run bench -- shards`: the batch-job recipe run locally on the
// generated 20,000-sku × 60-week file (`npm run gen -- --skus 20000 --weeks
// 60 --seed 11`): one `skucast forecast` process (auto), then 1, 2 and 4
// shards, each as score shards (in parallel) → choose → forecast shards (in
// parallel). Wall time of each step, peak RSS of every process (GNU time's
// %M), and whether the shards' CSVs, sorted, equal the one process's.
// Shards in parallel on a 2-core machine share its cores: the figures say
// what the recipe costs here, not what N machines would take.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { generateSkuWeeksCsv } from '../src/cli/gen';
import { buildCli } from './measure';

const SKUS = 20_000;
const WEEKS = 60;
const FILE = resolve(`.cache/skus-${SKUS}x${WEEKS}.csv`);
const OUT = resolve('.cache/shards');

interface Run {
  wallS: number;
  rssMB: number;
}

async function ensureFile(): Promise<void> {
  if (existsSync(FILE)) return;
  mkdirSync(resolve('.cache'), { recursive: true });
  const out = createWriteStream(FILE);
  for (const block of generateSkuWeeksCsv({ skus: SKUS, weeks: WEEKS, seed: 11 })) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** One skucast process, stdout to a file, env added; wall time and peak RSS. */
async function skucast(
  args: string[],
  stdout: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'RSSKB %M', process.execPath, 'bin/skucast.mjs', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const sink = createWriteStream(stdout);
  child.stdout.pipe(sink);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  const wallS = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`skucast ${args.join(' ')} failed (${code}): ${err.slice(-800)}`);
  const kb = Number(/RSSKB (\d+)/.exec(err)?.[1] ?? NaN);
  return { wallS, rssMB: kb / 1024 };
}

function sortedRows(files: string[]): string {
  const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n'));
  const header = lines[0] ?? '';
  return [header, ...lines.filter((l) => l.length > 0 && l !== header).sort()].join('\n');
}

const mb = (runs: Run[]): string => runs.map((r) => Math.round(r.rssMB)).join('/');

export async function benchShards(): Promise<void> {
  buildCli();
  await ensureFile();
  mkdirSync(OUT, { recursive: true });
  console.log(
    `shards: ${SKUS.toLocaleString('en')} skus × ${WEEKS} weeks, forecast auto, h 4; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const one = await skucast(['forecast', FILE], `${OUT}/one.csv`);
  console.log(
    `  one process            ${one.wallS.toFixed(1).padStart(6)} s  peak ${Math.round(one.rssMB)} MB`,
  );
  const expected = sortedRows([`${OUT}/one.csv`]);
  const report: Record<string, unknown> = { one };
  for (const n of [1, 2, 4]) {
    const ks = Array.from({ length: n }, (_, k) => k);
    const t0 = performance.now();
    // Shards 0-1 as a Kubernetes Indexed Job numbers them, the rest as AWS Batch does.
    const scores = await Promise.all(
      ks.map((k) =>
        skucast(
          ['backtest', FILE, '--shard', `env/${n}`, '--format', 'scores'],
          `${OUT}/scores-${n}-${k}.ndjson`,
          {
            [k < 2 ? 'JOB_COMPLETION_INDEX' : 'AWS_BATCH_JOB_ARRAY_INDEX']: String(k),
          },
        ),
      ),
    );
    const t1 = performance.now();
    const choose = await skucast(
      ['choose', ...ks.map((k) => `${OUT}/scores-${n}-${k}.ndjson`)],
      `${OUT}/choice-${n}.json`,
    );
    const t2 = performance.now();
    const forecasts = await Promise.all(
      ks.map((k) =>
        skucast(
          ['forecast', FILE, '--shard', `${k}/${n}`, '--choice', `${OUT}/choice-${n}.json`],
          `${OUT}/forecast-${n}-${k}.csv`,
        ),
      ),
    );
    const t3 = performance.now();
    const same = sortedRows(ks.map((k) => `${OUT}/forecast-${n}-${k}.csv`)) === expected;
    const s = (a: number, b: number): string => ((b - a) / 1000).toFixed(1);
    console.log(
      `  ${n} shard${n > 1 ? 's' : ' '}  total ${s(t0, t3).padStart(6)} s = scores ${s(t0, t1)} + choose ${s(t1, t2)} + forecast ${s(t2, t3)}; ` +
        `peak MB scores ${mb(scores)}, choose ${mb([choose])}, forecast ${mb(forecasts)}; equal to one process: ${same ? 'yes' : 'NO'}`,
    );
    report[`shards_${n}`] = { totalS: (t3 - t0) / 1000, scores, choose, forecasts, same };
    if (!same) process.exitCode = 1;
  }
  writeFileSync(`${OUT}/report.json`, JSON.stringify(report, null, 1));
}
