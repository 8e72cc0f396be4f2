// `skucast forecast` end to end: the bundled bin in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import { tcnModel } from '../../src/core/models/tcn';
import { tcnTunedModel } from '../../src/core/models/tcn-tuned';
import { createModelRunner } from '../../src/runtime/model-runner';
import { hasShared, loadModelFiles, repoRoot, salesCsv, seedCsvPath } from './forecast-helpers';

const bin = resolve(repoRoot, 'bin/skucast.mjs');
let dir: string;
let fixture: string;

function skucast(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'forecast', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-forecast-'));
  fixture = join(dir, 'sales.csv');
  // 20 complete weeks; Electronics · 30 (seed id 11) only sells in the last 2.
  writeFileSync(fixture, salesCsv(20, 2));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('skucast forecast', () => {
  it('prints CSV forecasts for every sku, notes on stderr', () => {
    const r = skucast(fixture);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('sku,category,seed_id,week_start,horizon_week,p10,p50,p90,model');
    expect(lines).toHaveLength(1 + 3 * 4);
    // auto's default: the mean of the best (up to three) models on the backtest, named by them.
    expect(lines[1]).toMatch(
      /^Beauty · 25,Beauty,0,2024-05-20,1,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d,mean\([a-z_]+(\+[a-z_]+)+\)$/,
    );
    // Two weeks of history are too few for every model: the fallback chain takes it, and says so.
    expect(lines.at(-1)).toMatch(
      /^Electronics · 30,Electronics,11,2024-06-10,4,.*,(historic_average|mean\(.*\))$/,
    );
    expect(r.err).toMatch(/summary: .* 3 skus/);
    // Labelled by the fallback only when every member fell back (ses takes 2 weeks).
    if (lines.at(-1)!.endsWith('historic_average'))
      expect(r.err).toMatch(/Electronics · 30: 2 complete weeks since the first sale: too few/);
    expect(r.err).toMatch(
      /model: auto chose (the mean of )?[a-z_]+(, [a-z_]+)*; on the last 12 backtest origins/,
    );
  });

  it('forecasts with one named model when asked, and refuses unknown ones', () => {
    const ses = skucast(fixture, '--model', 'ses');
    expect(ses.code).toBe(0);
    const rows = ses.out.trimEnd().split('\n').slice(1);
    expect(rows.filter((l) => l.startsWith('Beauty')).every((l) => l.endsWith(',ses'))).toBe(true);
    // SES forecasts one level for every week ahead.
    const p50s = new Set(rows.filter((l) => l.startsWith('Clothing')).map((l) => l.split(',')[6]));
    expect(p50s.size).toBe(1);
    const bogus = skucast(fixture, '--model', 'prophet');
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/unknown model "prophet"; choose from auto, naive/);
    const long = skucast(fixture, '--model', 'tcn', '--horizon', '27');
    expect(long.code).toBe(2);
    expect(long.err).toMatch(/tcn forecasts at most 26 weeks; asked for 27/);
    // auto leaves the TCN out of horizons it was not trained for, and goes on.
    const auto27 = skucast(fixture, '--horizon', '27');
    expect(auto27.code).toBe(0);
    expect(auto27.out.trimEnd().split('\n')).toHaveLength(1 + 3 * 27);
  });

  it('keeps weeks 1–4 the same at --horizon 4 and 52: auto keeps the TCN for the blocks it reaches', () => {
    // Two years of 12 seasonal skus: long enough for every model, the TCN included.
    const lines = ['date,sku,category,amount'];
    for (let t = 0; t < 104; t++) {
      const day = new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10);
      for (let k = 0; k < 12; k++) {
        const v = 50 + 20 * Math.sin((2 * Math.PI * (t + k)) / 52) + ((t * 7 + k * 13) % 9);
        lines.push(`${day},sku-${k},cat-${k % 2},${v.toFixed(2)}`);
      }
    }
    const file = join(dir, 'two-years.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const firstFour = (out: string): string[] =>
      out.split('\n').filter((l) => /,[1-4],[^,]*,[^,]*,[^,]*,[^,]*$/.test(l));
    const short = skucast(file, '--horizon', '4');
    const long = skucast(file, '--horizon', '52');
    expect([short.code, long.code]).toEqual([0, 0]);
    expect(firstFour(short.out)).toHaveLength(48);
    expect(firstFour(long.out)).toEqual(firstFour(short.out));
    const doc = JSON.parse(skucast(file, '--horizon', '52', '--format', 'json').out) as {
      selection: { horizon_blocks: { excluded: { model: string }[] }[] };
    };
    const leftOut = doc.selection.horizon_blocks.map((b) =>
      b.excluded.some((x) => x.model === 'tcn'),
    );
    expect(leftOut).toEqual([false, false, false, true]);
  });

  it('writes JSON with run metadata and category totals', () => {
    const r = skucast(fixture, '--format', 'json', '--horizon', '6', '--timings');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.horizon).toBe(6);
    expect(doc.run.provider).toBe('wasm');
    expect(doc.run.timings_ms.model_load).toBeGreaterThan(0);
    // One key style: snake_case everywhere (skipped_by_reason is keyed by issue codes, values not names).
    const keys = (v: unknown): string[] =>
      v !== null && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => [
            ...(Array.isArray(v) ? [] : [k]),
            ...(k === 'skipped_by_reason' ? [] : keys(x)),
          ])
        : [];
    expect(keys(doc).filter((k) => !/^[a-z0-9]+(_[a-z0-9]+)*$/.test(k))).toEqual([]);
    expect(doc.forecasts).toHaveLength(3 * 6);
    expect(doc.data.rows_read).toBeGreaterThan(0);
    expect(doc.category_totals.method).toMatch(/errors of that sum on the backtest weeks/);
    expect(doc.category_totals.total.weeks).toHaveLength(6);
    expect(doc.category_totals.total.over_horizon.p50).toBeGreaterThan(0);
    expect(doc.category_totals.categories.map((c: { category: string }) => c.category)).toEqual([
      'Beauty',
      'Clothing',
      'Electronics',
    ]);
    expect(doc.skus.fallback_skus[0].sku).toBe('Electronics · 30');
    expect(doc.selection.requested).toBe('auto');
    expect(doc.selection.candidates.map((c: { model: string }) => c.model)).toContain('tcn');
    expect(doc.sku_accuracy).toHaveLength(3);
    expect(Object.keys(doc.sku_accuracy[0].validation_scores)).toContain('ets');
  });

  it('gives the numbers of the in-process pipeline (the model runs in a worker thread)', async () => {
    const r = skucast(fixture, '--format', 'json');
    expect(r.code).toBe(0);
    const { desc, bytes } = loadModelFiles();
    const runner = await createModelRunner(bytes, desc);
    try {
      const table = ingestText(salesCsv(20, 2));
      const tcn = tcnModel(desc, (x, b) => runner.run(x, b), {
        age: true,
        gender: true,
        quantity: true,
      });
      // auto's candidates: the library, the network, and the network tuned to this file.
      const tuned = tcnTunedModel(desc, (x, b) => runner.runHidden(x, b), runner.hiddenWidth);
      const result = await forecastWithLibrary(table, { tcn, tuned });
      const expected = result.skus.flatMap((s) =>
        s.weeks.map((w) => [
          s.sku,
          w.week_start,
          w.p10.toFixed(2),
          w.p50.toFixed(2),
          w.p90.toFixed(2),
        ]),
      );
      const got = JSON.parse(r.out).forecasts.map(
        (f: { sku: string; week_start: string; p10: number; p50: number; p90: number }) => [
          f.sku,
          f.week_start,
          f.p10.toFixed(2),
          f.p50.toFixed(2),
          f.p90.toFixed(2),
        ],
      );
      expect(got).toEqual(expected);
    } finally {
      await runner.dispose();
    }
  });

  it('--model tcn_tuned (model thread, hidden output) gives the in-process tcn_tuned numbers', async () => {
    const r = skucast(fixture, '--model', 'tcn_tuned', '--format', 'json');
    expect(r.code).toBe(0);
    const { desc, bytes } = loadModelFiles();
    const runner = await createModelRunner(bytes, desc);
    try {
      const tuned = tcnTunedModel(desc, (x, b) => runner.runHidden(x, b), runner.hiddenWidth);
      const result = await forecastWithLibrary(ingestText(salesCsv(20, 2)), {
        model: 'tcn_tuned',
        tuned,
      });
      const rows = (skus: typeof result.skus) =>
        skus.flatMap((s) => s.weeks.map((w) => [s.sku, s.model, w.p50.toFixed(2)]));
      const doc = JSON.parse(r.out) as {
        forecasts: { sku: string; model: string; p50: number }[];
      };
      expect(doc.forecasts.map((f) => [f.sku, f.model, f.p50.toFixed(2)])).toEqual(
        rows(result.skus),
      );
      expect(result.skus.some((s) => s.model === 'tcn_tuned')).toBe(true);
    } finally {
      await runner.dispose();
    }
  });

  it('answers in the seed response shape for selected products', () => {
    const all = skucast(fixture, '--format', 'seed-json');
    expect(all.code).toBe(0);
    expect(Object.keys(JSON.parse(all.out))).toEqual(['0', '7', '11']);
    const some = skucast(fixture, '--format=seed-json', '--products', '7,0');
    expect(some.code).toBe(0);
    const doc = JSON.parse(some.out);
    expect(Object.keys(doc)).toEqual(['0', '7']);
    expect(Object.keys(doc['7'])).toEqual(['week_0', 'week_1', 'week_2', 'week_3']);
    expect(doc['7'].week_0).toMatch(/^\d+\.\d\d$/);
  });

  it('rejects bad --products with exit 2 and a clear message', () => {
    const empty = skucast(fixture, '--format', 'seed-json', '--products', '');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/product id list is empty/);
    const unknown = skucast(fixture, '--format', 'seed-json', '--products', '0,3');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no data for product id 3 in this file \(it has 0, 7, 11\)/);
    expect(unknown.out).toBe('');
    const outOfRange = skucast(fixture, '--format', 'seed-json', '--products', '15');
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.err).toMatch(/"15" is not a seed product id; ids are whole numbers 0-14/);
    const wrongFormat = skucast(fixture, '--products', '0');
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.err).toMatch(/needs --format seed-json/);
  });

  it('rejects bad horizons, formats, options and files with exit 2', () => {
    for (const h of ['0', '53', 'abc', '2.5']) {
      const r = skucast(fixture, '--horizon', h);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/horizon must be a whole number of weeks from 1 to/);
    }
    const format = skucast(fixture, '--format', 'xlsx');
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/--format must be one of csv, json, seed-json/);
    const option = skucast(fixture, '--frobnicate');
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/unknown option --frobnicate/);
    const missing = skucast(join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.csv" does not exist/);
    expect(skucast().code).toBe(2);
  });

  it('follows --map for files with other column names', () => {
    const other = join(dir, 'other.csv');
    const rows = salesCsv(12, 0)
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const c = line.split(',');
        return [c[1], c[5], c[8]].join(';');
      });
    writeFileSync(other, ['When;Line;Takings', ...rows].join('\n') + '\n');
    const r = skucast(
      other,
      '--map',
      'date=When',
      '--map',
      'category=Line',
      '--map',
      'amount=Takings',
    );
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    // No price column: one series per category.
    expect(lines).toHaveLength(1 + 2 * 4);
    expect(r.err).toMatch(/summary/);
  });
});

describe('skucast forecast with many skus', () => {
  it('splits the backtest across threads and gives what one thread gives', async () => {
    // 600 skus × 40 weeks, one row per sku and week: enough for two shards.
    const lines = ['date,sku,sales'];
    for (let w = 0; w < 40; w++) {
      const day = new Date(Date.UTC(2024, 0, 1 + 7 * w)).toISOString().slice(0, 10);
      for (let k = 0; k < 600; k++) {
        const level = 20 + (k % 37) * 5;
        lines.push(`${day},item-${k},${(level * (1 + 0.3 * Math.sin(w * 0.7 + k))).toFixed(2)}`);
      }
    }
    const text = lines.join('\n') + '\n';
    const file = join(dir, 'many.csv');
    writeFileSync(file, text);
    const r = skucast(file, '--model', 'ets', '--format', 'json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out).forecasts as { sku: string; p50: number; p90: number }[];
    const expected = await forecastWithLibrary(ingestText(text), { model: 'ets' });
    expect(got).toHaveLength(600 * 4);
    const want = expected.skus.flatMap((s) =>
      s.weeks.map((w) => ({
        sku: s.sku,
        p50: Math.round(w.p50 * 100) / 100,
        p90: Math.round(w.p90 * 100) / 100,
      })),
    );
    expect(got.map((f) => ({ sku: f.sku, p50: f.p50, p90: f.p90 }))).toEqual(want);
  });
});

describe.skipIf(!hasShared)('skucast forecast on the seed data', () => {
  it('forecasts the 15 seed products', () => {
    const r = skucast(seedCsvPath, '--format', 'seed-json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual([...Array(15).keys()].map(String));
    for (const id of Object.keys(doc)) {
      expect(Object.keys(doc[id])).toEqual(['week_0', 'week_1', 'week_2', 'week_3']);
      for (const v of Object.values(doc[id])) expect(Number(v)).toBeGreaterThanOrEqual(0);
    }
    // Deterministic: the same file gives the same bytes.
    expect(skucast(seedCsvPath, '--format', 'seed-json').out).toBe(r.out);
  });
});
