// The CLI on statsforecast's long format and names (issue 24 part B): a
// unique_id, ds, y file forecasts with no --map; --names statsforecast writes
// unique_id and ds in every CSV output; and sku names come out as written
// (--raw-cells exactly, the default escaping only formulas).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './forecast-helpers';
import { runSkucast, type CliRun } from './cli-helpers';

let dir: string;
let longFile: string;
let namesFile: string;

const skucast = (args: string[]): CliRun => runSkucast(args);

/** 30 weeks of `skus`, one row per sku and week, in `header`'s three columns. */
function weeklyRows(header: string, skus: readonly string[]): string {
  const lines = [header];
  for (let w = 0; w < 30; w++) {
    const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
    for (const [i, sku] of skus.entries()) {
      const cell = /[",]/.test(sku) ? `"${sku.replace(/"/g, '""')}"` : sku;
      lines.push(`${cell},${day},${5 + ((w * 3 + i) % 7)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The CSV's rows as records, header names as keys. */
const records = (csv: string): Record<string, string>[] =>
  Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;

const SKUS = ['=1+2', ' A1', 'A1', 'B2 ', '  padded  '];

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-names-'));
  longFile = join(dir, 'long.csv');
  namesFile = join(dir, 'names.csv');
  writeFileSync(longFile, weeklyRows('unique_id,ds,y', ['H1', 'H2']));
  writeFileSync(namesFile, weeklyRows('SKU,Date,Units', SKUS));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("statsforecast's long format", () => {
  it('unique_id, ds, y forecasts with no --map, y as units, and stderr says why', () => {
    const r = skucast(['forecast', longFile, '--model', 'ses', '--horizon', '3']);
    expect(r.code, r.err).toBe(0);
    const rows = records(r.out);
    expect(new Set(rows.map((x) => x.sku))).toEqual(new Set(['H1', 'H2']));
    expect(rows).toHaveLength(6);
    expect(rows.every((x) => x.measure === 'units' && Number(x.p50) > 0)).toBe(true);
    expect(r.err).toMatch(/measure: units: statsforecast's long format \(unique_id, ds, y\)/);
  });

  it('--names statsforecast writes unique_id and ds in weekly, forecast and backtest CSV', () => {
    const heads = (args: string[]): string[] => {
      const r = skucast([...args, longFile, '--names', 'statsforecast']);
      expect(r.code, r.err).toBe(0);
      return (r.out.split('\n')[0] ?? '').split(',');
    };
    expect(heads(['weekly']).slice(0, 3)).toEqual(['unique_id', 'seed_id', 'ds']);
    // The forecast CSV carries seed_id only for seed-shaped files; this one is not.
    expect(heads(['forecast', '--model', 'naive']).slice(0, 4)).toEqual([
      'unique_id',
      'category',
      'ds',
      'horizon_week',
    ]);
    const backtest = ['backtest', '--models', 'naive', '--windows', '2'];
    expect(heads(backtest).slice(0, 4)).toEqual(['unique_id', 'cutoff', 'ds', 'y']);
    expect(heads([...backtest, '--summary', 'sku']).slice(0, 2)).toEqual(['unique_id', 'model']);
    // The rows are the same as under skucast's names.
    const plain = skucast(['weekly', longFile]).out.split('\n');
    const named = skucast(['weekly', longFile, '--names', 'statsforecast']).out.split('\n');
    expect(named.slice(1)).toEqual(plain.slice(1));
  });

  it('JSON keeps its documented keys (stderr says so); a bad --names is a usage error', () => {
    const r = skucast([
      'forecast',
      longFile,
      '--model',
      'naive',
      '--format',
      'json',
      '--names',
      'statsforecast',
    ]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { forecasts: { sku: string }[] }).forecasts[0]?.sku).toBe('H1');
    expect(r.err).toContain('note: --names statsforecast renames the CSV');
    const bad = skucast(['weekly', longFile, '--names', 'prophet']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad --names "prophet": expected skucast or statsforecast');
  });
});

describe('sku names as written', () => {
  it.each([
    ['weekly', ['weekly']],
    ['forecast', ['forecast', '--model', 'naive']],
    ['backtest', ['backtest', '--models', 'naive', '--windows', '2']],
  ])('%s --raw-cells returns every name exactly, spaces and =1+2 alike', (_, args) => {
    const raw = skucast([...args, namesFile, '--raw-cells']);
    expect(raw.code, raw.err).toBe(0);
    expect(new Set(records(raw.out).map((x) => x.sku))).toEqual(new Set(SKUS));
    // The default neutralises only the formula; the spaces stay.
    const safe = skucast([...args, namesFile]);
    expect(new Set(records(safe.out).map((x) => x.sku))).toEqual(
      new Set(SKUS.map((s) => (s === '=1+2' ? "'=1+2" : s))),
    );
  });

  it('the JSON carries the names as written', () => {
    const r = skucast(['forecast', namesFile, '--model', 'naive', '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as { forecasts: { sku: string }[] };
    expect(new Set(doc.forecasts.map((s) => s.sku))).toEqual(new Set(SKUS));
  });
});
