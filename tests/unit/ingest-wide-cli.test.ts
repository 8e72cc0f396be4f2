// Wide files through `skucast forecast` (the bundled bin, in a child process),
// with no --map: each forecasts as its long twin does with an explicit --map.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOf } from '../../src/cli/serve/form';
import { repoRoot } from './forecast-helpers';
import { runSkucast, type CliRun } from './cli-helpers';
import { datesDown, periodsAcross } from './wide-fixtures';
import { buildXlsx } from './xlsx-build';

let dir: string;

const skucast = (...args: string[]): CliRun => runSkucast(args);

/** sku, week and p50 of each forecast row. */
function p50s(csv: string): string[] {
  return csv
    .trimEnd()
    .split('\n')
    .map((line) => {
      const [sku, , , week, , , p50] = line.split(',');
      return `${sku} ${week} ${p50}`;
    });
}

function write(name: string, data: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-wide-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('skucast forecast on wide files, with no --map', () => {
  it('a daily QTY_/PROMO_ export of 118 items forecasts as its long twin', () => {
    const files = datesDown(118, 400);
    const wide = skucast('forecast', write('down.csv', files.csv), '--model', 'ses');
    const long = skucast(
      'forecast',
      write('down-long.csv', files.long),
      '--model',
      'ses',
      '--map',
      'date=Date',
      '--map',
      'sku=SKU',
      '--map',
      'amount=Quantity',
    );
    expect(wide.code).toBe(0);
    expect(long.code).toBe(0);
    expect(p50s(wide.out)).toEqual(p50s(long.out));
    expect(p50s(wide.out)).toHaveLength(1 + 118 * 4);
    expect(wide.err).toMatch(
      /layout: wide-dates-down, one row per date, one column per item: 118 items \(choose with --layout\)/,
    );
  });

  it('a 45 × 143-week sheet forecasts as its long twin, as CSV and as a workbook', () => {
    const files = periodsAcross(45, 143);
    const long = skucast(
      'forecast',
      write('across-long.csv', files.long),
      '--model',
      'ses',
      '--map',
      'date=Date',
      '--map',
      'sku=Store',
      '--map',
      'amount=Sales',
    );
    const csv = skucast('forecast', write('across.csv', files.csv), '--model', 'ses');
    const book = skucast(
      'forecast',
      write('across.xlsx', buildXlsx([{ name: 'Plan', rows: files.sheet }])),
      '--model',
      'ses',
    );
    expect(long.code).toBe(0);
    expect(p50s(long.out)).toHaveLength(1 + 45 * 4);
    expect(p50s(csv.out)).toEqual(p50s(long.out));
    expect(p50s(book.out)).toEqual(p50s(long.out));
    expect(csv.err).toMatch(/one row per item, one column per week: 45 items × 143 weeks/);
  });

  it('--layout long reads the old way; a bad --layout is a usage error', () => {
    const files = periodsAcross(3, 10);
    const path = write('small-across.csv', files.csv);
    const forced = skucast('weekly', path, '--layout', 'long');
    expect(forced.code).toBe(2);
    expect(forced.err).toMatch(/Row 1 looks like data/);
    expect(skucast('weekly', path, '--layout', 'wide-periods-across').code).toBe(0);
    const bad = skucast('weekly', path, '--layout', 'sideways');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /bad --layout "sideways": expected long, wide-dates-down, wide-periods-across/,
    );
  });
});

describe('skucast serve', () => {
  it('takes the layout as a form field, checked as --layout is', () => {
    expect(ingestOf(new Map([['layout', ['wide-periods-across']]]))).toMatchObject({
      layout: 'wide-periods-across',
    });
    expect(() => ingestOf(new Map([['layout', ['sideways']]]))).toThrow(/bad --layout "sideways"/);
  });
});
