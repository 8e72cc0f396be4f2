// Ingestion as a user runs it: `node bin/skucast.mjs weekly .cache/big.csv`
// (1,000,000 generated transactions, ~56 MB) as a whole process, output to
// /dev/null. Wall time is the median of 5 runs; peak RSS from /usr/bin/time
// (or from the child's own process.resourceUsage() when that is missing).
// Targets on the 2-core machine: <= 1.2 s wall, <= 400 MB peak RSS.
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { once } from 'node:events';
import Papa from 'papaparse';
import { generateCsv } from '../src/cli/gen';
import { ingestFile } from '../src/cli/read-file';

const ROWS = 1_000_000;
const RUNS = 5;
const BIG = resolve('.cache/big.csv');
const TARGET_WALL_S = 1.2;
const TARGET_RSS_MB = 400;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

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

interface Run {
  wallS: number;
  cpuS: number | null;
  rssMB: number;
}

const hasTime = existsSync('/usr/bin/time');

function runOnce(): Run {
  if (hasTime) {
    const t0 = performance.now();
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', '%U %S %M', process.execPath, 'bin/skucast.mjs', 'weekly', BIG],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
        maxBuffer: 1 << 26,
      },
    );
    const wallS = (performance.now() - t0) / 1000;
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    const [user, sys, kb] = last.split(' ').map(Number);
    if (r.status !== 0 || kb === undefined)
      throw new Error(`skucast failed: ${r.stderr.slice(-500)}`);
    return { wallS, cpuS: (user ?? 0) + (sys ?? 0), rssMB: kb / 1024 };
  }
  // Fallback: a preload module reports the child's own peak RSS at exit.
  const probe = resolve('.cache/rss-probe.mjs');
  writeFileSync(
    probe,
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nRSS ${u.maxRSS} ${(u.userCPUTime + u.systemCPUTime) / 1e6}\\n`); });\n",
  );
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', probe, 'bin/skucast.mjs', 'weekly', BIG], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wallS = (performance.now() - t0) / 1000;
  const m = /RSS (\d+) ([\d.]+)/.exec(r.stderr);
  return { wallS, cpuS: m ? Number(m[2]) : null, rssMB: m ? Number(m[1]) / 1024 : NaN };
}

export async function benchIngest(): Promise<void> {
  await ensureBigCsv();
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  const sizeMB = statSync(BIG).size / 1024 ** 2;
  console.log(
    `ingest: skucast weekly on ${BIG} (${ROWS.toLocaleString('en')} rows, ${sizeMB.toFixed(0)} MB), ` +
      `median of ${RUNS}, load average ${loadavg()[0]!.toFixed(1)} on this machine before the runs`,
  );
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(runOnce());

  // In-process: the core alone, no process start or CSV output.
  const inProc: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const table = await ingestFile(BIG);
    inProc.push((performance.now() - t0) / 1000);
    if (table.report.rowsUsed !== ROWS)
      throw new Error(`expected ${ROWS} rows used, got ${table.report.rowsUsed}`);
  }

  // Yardstick for a shared, loaded machine: papaparse alone on the same text
  // (in-process, a step callback per row, nothing else done with the rows).
  const text = readFileSync(BIG, 'utf8');
  const c0 = process.cpuUsage();
  let parsed = 0;
  Papa.parse(text, {
    step: () => {
      parsed++;
    },
  });
  const papaCpu = process.cpuUsage(c0);
  const papaS = (papaCpu.user + papaCpu.system) / 1e6;
  if (parsed < ROWS) throw new Error('papaparse read too few rows');

  const wall = median(runs.map((r) => r.wallS));
  const cpus = runs.map((r) => r.cpuS).filter((c): c is number => c !== null);
  const rss = Math.max(...runs.map((r) => r.rssMB));
  const rows: [string, string, string][] = [
    ['whole process, wall (s)', wall.toFixed(2), `<= ${TARGET_WALL_S}`],
    ['whole process, user+sys CPU (s)', cpus.length ? median(cpus).toFixed(2) : 'n/a', ''],
    ['peak RSS (MB), max of runs', rss.toFixed(0), `<= ${TARGET_RSS_MB}`],
    ['in-process ingestFile (s)', median(inProc).toFixed(2), ''],
    ['yardstick: papaparse alone, CPU (s)', papaS.toFixed(2), ''],
    [
      'whole-process CPU / papaparse CPU',
      cpus.length ? (median(cpus) / papaS).toFixed(2) : 'n/a',
      'load-independent',
    ],
    ['rows/s (whole process)', Math.round(ROWS / wall).toLocaleString('en'), ''],
  ];
  console.log(`  ${'measure'.padEnd(34)} ${'value'.padStart(10)}  target`);
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(34)} ${v.padStart(10)}  ${t}`);
  console.log(`  wall of each run: ${runs.map((r) => r.wallS.toFixed(2)).join(', ')} s`);
  const ok = wall <= TARGET_WALL_S && rss <= TARGET_RSS_MB;
  console.log(
    `  ${ok ? 'within target' : 'OVER TARGET'} (load average now ${loadavg()[0]!.toFixed(1)})`,
  );
}
