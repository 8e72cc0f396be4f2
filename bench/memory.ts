// `npm run bench -- memory`: peak RSS of `skucast` at the weekly table's cap,
// 45,000 skus with 65-character names × 110 weeks (4.95M weekly rows, one
// `date,sku,amount` row per sku and week; .cache/cap-45000x110.csv, about
// 400 MB, written once). The target is 1 GB for `weekly` and for
// `forecast --model naive`; `forecast --model tcn` and `forecast` (auto)
// are measured beside them.
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { daysFromCivil, formatDay } from '../src/core/ingest/dates';
import { Rng } from '../src/core/random';
import { buildCli, runSkucast } from './measure';

export const CAP_SKUS = 45_000;
export const CAP_WEEKS = 110;
/** Characters of every sku name. */
export const CAP_NAME_CHARS = 65;
const TARGET_MB = 1024;

export function capCsvPath(skus = CAP_SKUS, weeks = CAP_WEEKS): string {
  return resolve(`.cache/cap-${skus}x${weeks}.csv`);
}

/** A sku name of exactly CAP_NAME_CHARS characters. */
function skuName(i: number): string {
  const head = `SKU-${String(i).padStart(6, '0')} `;
  return (head + 'Widget assembly stainless steel boxed of twelve warehouse east aisle').slice(
    0,
    CAP_NAME_CHARS,
  );
}

/**
 * Writes `date,sku,amount`, one row per sku per week (Mondays from
 * 2022-01-03), week by week; four kinds of sku (flat, seasonal, trending,
 * intermittent), seeded, so every run reads the same file.
 */
export async function writeCapCsv(
  file: string,
  skus = CAP_SKUS,
  weeks = CAP_WEEKS,
  seed = 1,
): Promise<void> {
  mkdirSync(resolve('.cache'), { recursive: true });
  const rng = new Rng(seed);
  const names = Array.from({ length: skus }, (_, i) => skuName(i));
  const level = Float64Array.from({ length: skus }, () => rng.logUniform(2, 2000));
  const trend = Float64Array.from({ length: skus }, () => rng.uniform(-0.003, 0.006));
  const phase = Float64Array.from({ length: skus }, () => rng.uniform(0, 52));
  const first = daysFromCivil(2022, 1, 3);
  const out = createWriteStream(file);
  out.write('date,sku,amount\n');
  for (let t = 0; t < weeks; t++) {
    const day = formatDay(first + 7 * t);
    let block = '';
    for (let i = 0; i < skus; i++) {
      const kind = i % 4;
      const l = level[i]!;
      let v: number;
      if (kind === 3) v = rng.next() < 0.3 ? l * rng.uniform(0.5, 1.5) : 0;
      else {
        const season = kind === 1 ? 1 + 0.3 * Math.sin((2 * Math.PI * (t + phase[i]!)) / 52) : 1;
        v = Math.max(
          0,
          l * season * (1 + (kind === 2 ? trend[i]! * t : 0)) * (1 + 0.2 * rng.normal()),
        );
      }
      block += `${day},${names[i]},${v.toFixed(2)}\n`;
      if (block.length > 1 << 20) {
        if (!out.write(block)) await once(out, 'drain');
        block = '';
      }
    }
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function benchMemory(): Promise<void> {
  const file = capCsvPath();
  if (!existsSync(file) || statSync(file).size < 300e6) {
    console.log(`  generating ${file} (${CAP_SKUS} skus × ${CAP_WEEKS} weeks, seed 1)…`);
    await writeCapCsv(file);
  }
  buildCli();
  console.log(
    `memory: ${CAP_SKUS.toLocaleString('en')} skus (${CAP_NAME_CHARS}-character names) × ${CAP_WEEKS} weeks, ` +
      `${((CAP_SKUS * CAP_WEEKS) / 1e6).toFixed(2)}M weekly rows (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  const runs: [string, string[]][] = [
    ['weekly', ['weekly', file]],
    ['forecast --model naive', ['forecast', file, '--model', 'naive']],
    ['forecast --model tcn', ['forecast', file, '--model', 'tcn']],
    ['forecast (auto)', ['forecast', file]],
  ];
  for (const [label, args] of runs) {
    const r = runSkucast(args);
    console.log(
      `  ${label.padEnd(24)} peak RSS ${r.rssMB.toFixed(0).padStart(5)} MB  ${r.wallS.toFixed(1).padStart(6)} s wall` +
        (label === 'weekly' || label === 'forecast --model naive'
          ? `  target <= ${TARGET_MB} MB`
          : ''),
    );
  }
}
