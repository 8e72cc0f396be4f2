// Deterministic synthetic sales in the reference schema (§1.1 of the data
// contract, ../shared/design/CONTRACT.md outside the repo), for benchmarks and
// tests: `npm run gen -- --rows 1000000 --seed 1 > big.csv`.
// The seed's 15 skus (3 categories × 5 prices) over 2021-01-01..2023-12-31 with
// weekly seasonality, a yearly season, a trend and a few promotion weeks.
import { daysFromCivil, formatDay, weekdayOf } from '../core/ingest/dates';
import { mulberry32 } from '../core/random';
import { SEED_CATEGORIES, SEED_HEADERS, SEED_PRICES } from '../core/seed';
import { intOption, optionValue, OptionError, parseArgs } from '../node/args';

const HEADER = SEED_HEADERS.join(',') + '\n';

export interface GenOptions {
  rows: number;
  seed: number;
  from?: string | undefined;
  to?: string | undefined;
}

/** Yields the CSV in blocks of roughly `blockChars` characters. */
export function* generateCsv(opts: GenOptions, blockChars = 1 << 20): Generator<string> {
  const rand = mulberry32(opts.seed);
  const [fy, fm, fd] = (opts.from ?? '2021-01-01').split('-').map(Number);
  const [ty, tm, td] = (opts.to ?? '2023-12-31').split('-').map(Number);
  const first = daysFromCivil(fy ?? 2021, fm ?? 1, fd ?? 1);
  const last = daysFromCivil(ty ?? 2023, tm ?? 12, td ?? 31);
  const D = last - first + 1;
  const S = SEED_CATEGORIES.length * SEED_PRICES.length;

  // Promotion weeks: a handful of random weeks where one category sells ~2.5×.
  const promo = new Float64Array(Math.ceil(D / 7) * SEED_CATEGORIES.length).fill(1);
  for (let i = 0; i < Math.max(1, Math.round(D / 60)); i++) {
    promo[Math.floor(rand() * promo.length)] = 2.5;
  }

  // Weight of every (sku, day): popularity × weekday × season × trend × promo.
  const cumulative = new Float64Array(S * D);
  let total = 0;
  for (let s = 0; s < S; s++) {
    const c = Math.floor(s / SEED_PRICES.length);
    const price = SEED_PRICES[s % SEED_PRICES.length] as number;
    const popularity = (0.5 + rand()) * (price >= 300 ? 0.6 : 1);
    const phase = rand() * 2 * Math.PI;
    for (let d = 0; d < D; d++) {
      const day = first + d;
      const wd = weekdayOf(day);
      const weekly = wd >= 5 ? 1.4 : wd === 4 ? 1.15 : 0.9;
      const yearly = 1 + 0.35 * Math.sin((2 * Math.PI * d) / 365.25 + phase);
      const december =
        (((day - daysFromCivil(2000, 12, 1)) % 365.25) + 365.25) % 365.25 < 31 ? 1.5 : 1;
      const trend = 1 + (0.3 * d) / D;
      const p = promo[Math.floor(d / 7) * SEED_CATEGORIES.length + c] as number;
      total += popularity * weekly * yearly * december * trend * p;
      cumulative[s * D + d] = total;
    }
  }

  const dates = Array.from({ length: D }, (_, d) => formatDay(first + d));
  let block = HEADER;
  for (let i = 0; i < opts.rows; i++) {
    // Binary search of the cumulative weights.
    const x = rand() * total;
    let lo = 0;
    let hi = S * D - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    const s = Math.floor(lo / D);
    const d = lo - s * D;
    const category = SEED_CATEGORIES[Math.floor(s / SEED_PRICES.length)] as string;
    const price = SEED_PRICES[s % SEED_PRICES.length] as number;
    const quantity = 1 + Math.floor(rand() * rand() * 4.999);
    const gender = rand() < 0.51 ? 'Female' : 'Male';
    const age = 18 + Math.floor(rand() * 47);
    const customer = 'CUST' + String(1 + Math.floor(rand() * 999999)).padStart(6, '0');
    block += `${i + 1},${dates[d]},${customer},${gender},${age},${category},${quantity},${price},${quantity * price}\n`;
    if (block.length >= blockChars) {
      yield block;
      block = '';
    }
  }
  if (block.length > 0) yield block;
}

/**
 * A weekly long file `SKU,Week,Sales`: `skus` skus (S00000, S00001, …) ×
 * `weeks` weeks from Monday 2023-01-02, each at its own level with a yearly
 * wave and noise; one block per sku. `npm run gen -- --skus 20000 --weeks 60`
 * is the 20,000-sku file of the shard and isolation benches (seed 11).
 */
export function* generateSkuWeeksCsv(opts: {
  skus: number;
  weeks: number;
  seed: number;
}): Generator<string> {
  const rand = mulberry32(opts.seed);
  const monday = daysFromCivil(2023, 1, 2);
  const weeks = Array.from({ length: opts.weeks }, (_, w) => formatDay(monday + 7 * w));
  yield 'SKU,Week,Sales\n';
  for (let s = 0; s < opts.skus; s++) {
    const level = 20 + 500 * rand();
    const lines: string[] = [];
    for (let w = 0; w < opts.weeks; w++) {
      const sales = Math.max(
        0,
        level * (1 + 0.2 * Math.sin((2 * Math.PI * w) / 52 + s)) * (0.7 + 0.6 * rand()),
      );
      lines.push(`S${String(s).padStart(5, '0')},${weeks[w]},${sales.toFixed(2)}`);
    }
    yield lines.join('\n') + '\n';
  }
}

async function cli(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['rows', 'seed', 'from', 'to', 'skus', 'weeks']);
  let rows: number;
  let seed: number;
  let skus: number | undefined;
  let weeks: number;
  try {
    rows = intOption(args, 'rows', 1000, { min: 0 });
    seed = intOption(args, 'seed', 1);
    skus = args.options.has('skus') ? intOption(args, 'skus', 1, { min: 1 }) : undefined;
    weeks = intOption(args, 'weeks', 60, { min: 1 });
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    process.stderr.write(
      `${e.message}\nusage: npm run gen -- --rows N --seed S [--from YYYY-MM-DD --to YYYY-MM-DD], or --skus N [--weeks W] --seed S\n`,
    );
    process.exitCode = 2;
    return;
  }
  const from = optionValue(args, 'from');
  const to = optionValue(args, 'to');
  const blocks =
    skus === undefined
      ? generateCsv({ rows, seed, from, to })
      : generateSkuWeeksCsv({ skus, weeks, seed });
  for (const block of blocks) {
    if (!process.stdout.write(block)) {
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    }
  }
}

// Runs only as the entry point (scripts/run-ts.mjs bundles this file as gen.mjs).
if (/gen\.(mjs|ts|js)$/.test(process.argv[1] ?? '')) await cli();
