// Ingestion as a user runs it: `node bin/skucast.mjs weekly .cache/big.csv`
// (1,000,000 generated transactions, ~56 MB) as a whole process, output to
// /dev/null. Wall time is the median of 5 runs; peak RSS from /usr/bin/time
// (or from the child's own process.resourceUsage() when that is missing).
// Targets on the 2-core machine: <= 1.2 s wall, <= 400 MB peak RSS.
import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import Papa from 'papaparse';
import { ingestFile } from '../src/node/read-file';
import {
  BIG_CSV as BIG,
  BIG_ROWS as ROWS,
  buildCli,
  ensureBigCsv,
  median,
  runSkucast,
  type ProcessRun as Run,
} from './measure';

const RUNS = 5;
const TARGET_WALL_S = 1.2;
const TARGET_RSS_MB = 400;

function runOnce(): Run {
  return runSkucast(['weekly', BIG]);
}

export async function benchIngest(): Promise<void> {
  await ensureBigCsv();
  buildCli();
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
