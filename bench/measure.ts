// What the benches share: the generated 1,000,000-row file they all read, the
// CLI build, and timing one `skucast` process (wall, user+sys CPU, peak RSS).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { generateCsv } from '../src/cli/gen';
import { medianOf } from '../src/core/stats/quantile';

/** Rows of BIG_CSV: 1,000,000 generated transactions, ~56 MB. */
export const BIG_ROWS = 1_000_000;
export const BIG_CSV = resolve('.cache/big.csv');

/** The core's median (the mean of the two middle values for an even count). */
export const median = medianOf;

/** Writes BIG_CSV once (generator seed 1), so every bench reads the same file. */
export async function ensureBigCsv(): Promise<void> {
  if (existsSync(BIG_CSV) && statSync(BIG_CSV).size > 50e6) return;
  mkdirSync(resolve('.cache'), { recursive: true });
  console.log(`  generating ${BIG_CSV} (${BIG_ROWS} rows, seed 1)…`);
  const out = createWriteStream(BIG_CSV);
  for (const block of generateCsv({ rows: BIG_ROWS, seed: 1 })) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Bundles bin/skucast.mjs from the current source, so the benches time this tree. */
export function buildCli(): void {
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
}

export interface ProcessRun {
  wallS: number;
  /** user + sys CPU of the whole process (all threads); null when it could not be read. */
  cpuS: number | null;
  /** Peak resident set size; NaN when it could not be read. */
  rssMB: number;
  stdout: string;
}

const hasTime = existsSync('/usr/bin/time');

/**
 * One `node bin/skucast.mjs ...args` process, stdout to /dev/null unless kept.
 * CPU and peak RSS come from /usr/bin/time, or, when that is missing, from a
 * preload module that prints the process's own resourceUsage() at exit.
 */
export function runSkucast(args: string[], keepStdout = false): ProcessRun {
  const argv = ['bin/skucast.mjs', ...args];
  const stdio: ['ignore', 'pipe' | 'ignore', 'pipe'] = [
    'ignore',
    keepStdout ? 'pipe' : 'ignore',
    'pipe',
  ];
  const timed = (command: string, commandArgs: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(command, commandArgs, { encoding: 'utf8', stdio, maxBuffer: 1 << 26 });
    return { r, wallS: (performance.now() - t0) / 1000 };
  };
  if (hasTime) {
    const { r, wallS } = timed('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...argv]);
    const [user, sys, kb] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (r.status !== 0 || kb === undefined)
      throw new Error(`skucast ${args[0]} failed: ${r.stderr.slice(-500)}`);
    return { wallS, cpuS: (user ?? 0) + (sys ?? 0), rssMB: kb / 1024, stdout: r.stdout ?? '' };
  }
  const probe = resolve('.cache/rss-probe.mjs');
  mkdirSync(resolve('.cache'), { recursive: true });
  writeFileSync(
    probe,
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nRSS ${u.maxRSS} ${(u.userCPUTime + u.systemCPUTime) / 1e6}\\n`); });\n",
  );
  const { r, wallS } = timed(process.execPath, ['--import', probe, ...argv]);
  if (r.status !== 0) throw new Error(`skucast ${args[0]} failed: ${r.stderr.slice(-500)}`);
  // The last report is the main thread's (a worker thread may print one first).
  const m = [...r.stderr.matchAll(/RSS (\d+) ([\d.]+)/g)].at(-1);
  return {
    wallS,
    cpuS: m ? Number(m[2]) : null,
    rssMB: m ? Number(m[1]) / 1024 : NaN,
    stdout: r.stdout ?? '',
  };
}

/** Median user+sys CPU of the runs, formatted, or 'n/a'. */
export function medianCpuText(runs: ProcessRun[]): string {
  const cpus = runs.map((r) => r.cpuS).filter((c): c is number => c !== null);
  return cpus.length > 0 ? median(cpus).toFixed(2) : 'n/a';
}
