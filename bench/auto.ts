// `npm run bench -- auto`: the model library and `auto` in-process on 5,000
// generated weekly series of 156 weeks (levels, trends, yearly seasonality,
// intermittent demand), h = 4: wall time of auto, and each candidate's share
// (fitting once per series and rolling the state over the validation windows
// and the forecast); then `skucast forecast --model auto` on the same series as
// a weekly CSV (.cache/auto-5000x156.csv), whole process: the target is
// 30 s on the 2-core machine.
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { auto } from '../src/core/backtest/auto';
import { seriesFromArrays, type BacktestSeries } from '../src/core/backtest/series';
import { LOCAL_MODELS } from '../src/core/models/registry';
import type { LocalModel } from '../src/core/models/types';
import { Rng } from '../src/core/random';
import { buildCli, runSkucast } from './measure';

export const AUTO_CSV = '.cache/auto-5000x156.csv';

export const AUTO_SKUS = 5000;
export const AUTO_WEEKS = 156;
const TARGET_S = 30;

/** Weekly series of four kinds, seeded. */
export function benchSeries(count = AUTO_SKUS, weeks = AUTO_WEEKS, seed = 1): BacktestSeries[] {
  const rng = new Rng(seed);
  return seriesFromArrays(
    Array.from({ length: count }, (_, i) => {
      const level = rng.logUniform(5, 5000);
      const kind = i % 4;
      const trend = rng.uniform(-0.003, 0.006);
      const amp = rng.uniform(0.1, 0.5);
      const phase = rng.uniform(0, 52);
      const y = Array.from({ length: weeks }, (_, t) => {
        if (kind === 3) return rng.next() < 0.3 ? level * rng.uniform(0.5, 1.5) : 0;
        const season = kind === 1 ? 1 + amp * Math.sin((2 * Math.PI * (t + phase)) / 52) : 1;
        const mean = level * season * (1 + (kind === 2 ? trend * t : 0));
        return Math.max(0, mean * (1 + 0.2 * rng.normal()));
      });
      return { id: `sku-${i}`, y };
    }),
  );
}

export async function benchAuto(models: readonly LocalModel[] = LOCAL_MODELS): Promise<void> {
  const series = benchSeries();
  const t0 = performance.now();
  const res = await auto(series, models, { h: 4 });
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `auto: ${AUTO_SKUS.toLocaleString('en')} series x ${AUTO_WEEKS} weeks, h 4, ${res.evidence.windows} validation windows, one core`,
  );
  console.log(
    `  auto, in-process wall (s)   ${wall.toFixed(2).padStart(6)}  target <= ${TARGET_S} whole process`,
  );
  for (const c of [...res.evidence.candidates].sort((a, b) => b.millis - a.millis)) {
    console.log(
      `  ${c.alias.padEnd(18)} ${(c.millis / 1000).toFixed(2).padStart(6)} s  ${((1000 * c.millis) / AUTO_SKUS).toFixed(0).padStart(5)} µs/series`,
    );
  }
  console.log(`  chose ${res.evidence.chosen.join(', ')} (${res.evidence.strategy})`);

  if (!existsSync(AUTO_CSV)) {
    const lines = ['date,sku,amount'];
    for (const s of series)
      s.y.forEach((v, t) => lines.push(`${s.weeks[t]},${s.id},${v.toFixed(2)}`));
    writeFileSync(AUTO_CSV, lines.join('\n') + '\n');
  }
  buildCli();
  const run = runSkucast(['forecast', AUTO_CSV, '--model', 'auto']);
  console.log(
    `  skucast forecast --model auto ${AUTO_CSV}, whole process: wall ${run.wallS.toFixed(2)} s, ` +
      `CPU ${run.cpuS === null ? 'n/a' : run.cpuS.toFixed(2)} s, peak RSS ${run.rssMB.toFixed(0)} MB ` +
      `(target <= ${TARGET_S} s; load average ${loadavg()[0]!.toFixed(1)})`,
  );
}
