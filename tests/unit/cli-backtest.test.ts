// `skucast backtest` end to end on a file small enough to check by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './forecast-helpers';

const bin = resolve(repoRoot, 'bin/skucast.mjs');
let dir: string;
let file: string;

function backtest(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'backtest', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-backtest-'));
  file = join(dir, 'weekly.csv');
  // One row per week from Monday 2024-01-01: A climbs 10, 20, … 100; B alternates 15, 5.
  const lines = ['date,sku,sales'];
  for (let i = 0; i < 10; i++) {
    const day = new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
    lines.push(`${day},A,${(i + 1) * 10}`, `${day},B,${i % 2 ? 5 : 15}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skucast backtest', () => {
  it('prints cross-validation rows: each cutoff, each target week, each model', () => {
    const r = backtest(
      file,
      '--models',
      'naive,historic_average',
      '--windows',
      '2',
      '--horizon',
      '2',
    );
    expect(r.code).toBe(0);
    const [header, ...rows] = r.out.trimEnd().split('\n');
    expect(header).toBe(
      'sku,cutoff,week_start,y,naive,naive_p10,naive_p50,naive_p90,naive_model,' +
        'historic_average,historic_average_p10,historic_average_p50,historic_average_p90,historic_average_model',
    );
    const cells = rows.map((l) => l.split(','));
    // Two cutoffs (weeks 7 and 8 of 10) × two weeks ahead × two skus.
    expect(cells.map((c) => c.slice(0, 5).join(','))).toEqual([
      'A,2024-02-12,2024-02-19,80,70',
      'A,2024-02-12,2024-02-26,90,70',
      'A,2024-02-19,2024-02-26,90,80',
      'A,2024-02-19,2024-03-04,100,80',
      'B,2024-02-12,2024-02-19,5,15',
      'B,2024-02-12,2024-02-26,15,15',
      'B,2024-02-19,2024-02-26,15,5',
      'B,2024-02-19,2024-03-04,5,5',
    ]);
    // historic_average from the first cutoff: mean of 10..70 = 40.
    expect(cells[0]?.[9]).toBe('40');
  });

  it('scores per model: WAPE as counted by hand', () => {
    const r = backtest(
      file,
      '--models',
      'naive',
      '--windows',
      '2',
      '--horizon',
      '2',
      '--summary',
      'model',
    );
    expect(r.code).toBe(0);
    const [header, naive] = r.out.trimEnd().split('\n');
    expect(header?.split(',').slice(0, 2)).toEqual(['model', 'wape']);
    // |errors| 10+20+10+20 (A) + 10+0+10+0 (B) = 80 over Σy = 400.
    expect(naive?.split(',').slice(0, 2)).toEqual(['naive', '0.2']);
    expect(r.err).toMatch(
      /backtest: 2 skus, 2 cutoffs 1 week apart, h = 2; lowest WAPE: naive 0.2/,
    );
  });

  it('gives JSON scores per model and per sku', () => {
    const r = backtest(
      file,
      '--models',
      'naive,ses',
      '--windows',
      '3',
      '--format',
      'json',
      '--summary',
      'sku',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.protocol).toMatchObject({ horizon: 4, windows: 3, step: 1, skus: 2 });
    expect(Object.keys(doc.models)).toEqual(['naive', 'ses']);
    expect(doc.skus).toHaveLength(4);
    expect(doc.skus[0]).toMatchObject({ sku: 'A', model: 'naive' });
  });

  it('rejects bad options with exit 2 and a clear message', () => {
    const bogus = backtest(file, '--models', 'naive,prophet');
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/unknown model "prophet"/);
    const auto = backtest(file, '--models', 'auto');
    expect(auto.code).toBe(2);
    expect(auto.err).toMatch(/auto is how `skucast forecast` chooses/);
    const windows = backtest(file, '--windows', '0');
    expect(windows.code).toBe(2);
    expect(windows.err).toMatch(/--windows must be a whole number from 1/);
    const tooShort = backtest(file, '--models', 'naive', '--horizon', '10');
    expect(tooShort.code).toBe(2);
    expect(tooShort.err).toMatch(/no sku has the 11 complete weeks a backtest window needs/);
  });
});
