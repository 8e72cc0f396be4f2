// The CLI as a nightly script runs it (issue 24): stdin and gzip input, the
// version, exit codes for skipped rows, byte-identical reruns, LF line ends,
// cells kept as read, and JSON that matches its documented schema.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/core/ingest';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import { fileStream } from '../../src/worker/gunzip';
import { peekFile } from '../../src/worker/headers';
import { repoRoot, salesCsv } from './forecast-helpers';
import { docSchema, runSkucast, type CliRun } from './cli-helpers';

let dir: string;
/** 30 weeks of three skus, one of them named like a formula, and one row with a bad date. */
let sales: string;
let plain: string;

const skucast = (args: string[], input?: string | Buffer): CliRun =>
  runSkucast(args, input === undefined ? {} : { input });

function salesText(): string {
  const lines = ['Date,SKU,Amount'];
  for (let w = 0; w < 30; w++) {
    const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
    for (const sku of ['=1+2', 'A-1', 'B'])
      lines.push(`${day},${sku},${10 + ((w * 7 + sku.length) % 13)}`);
  }
  lines.push('not a date,B,3');
  return lines.join('\n') + '\n';
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-nightly-'));
  sales = salesText();
  plain = join(dir, 'sales.csv');
  writeFileSync(plain, sales);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FAST: Record<string, string[]> = {
  weekly: ['weekly'],
  forecast: ['forecast', '--model', 'ses'],
  backtest: ['backtest', '--models', 'naive,ses', '--windows', '2'],
};

describe('input a script hands over', () => {
  it.each(Object.keys(FAST))('%s reads - as stdin, with the same output as the file', (cmd) => {
    const args = FAST[cmd] as string[];
    const fromFile = skucast([...args, plain]);
    expect(fromFile.code).toBe(0);
    const fromStdin = skucast([...args, '-'], sales);
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(fromStdin.out).toBe(fromFile.out);
  });

  it('reads gzip input, by its bytes not its name, from a file or stdin', () => {
    const gz = gzipSync(sales);
    const named = join(dir, 'sales.csv.gz');
    const unnamed = join(dir, 'export.dat');
    writeFileSync(named, gz);
    writeFileSync(unnamed, gz);
    for (const args of [FAST.weekly, FAST.forecast] as string[][]) {
      const want = skucast([...args, plain]).out;
      expect(skucast([...args, named]).out).toBe(want);
      expect(skucast([...args, unnamed]).out).toBe(want);
      expect(skucast([...args, '-'], gz).out).toBe(want);
    }
  });

  it('says a broken gzip is broken, with exit 2', () => {
    const broken = join(dir, 'broken.csv.gz');
    writeFileSync(broken, gzipSync(sales).subarray(0, 40));
    const r = skucast(['weekly', broken]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.csv\.gz" is a broken gzip stream/);
  });

  it('the page reads a gzip upload as the CSV inside (worker stream and header peek)', async () => {
    const blob = new Blob([new Uint8Array(gzipSync(sales))]);
    const peek = await peekFile(blob, 64 * 1024);
    expect(peek.problem).toBeUndefined();
    expect(peek.headers).toEqual(['Date', 'SKU', 'Amount']);
    const ingestor = new Ingestor();
    const reader = (await fileStream(blob)).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) ingestor.push(r.value);
    const fromGzip = weeklyTableToCsv(await ingestor.finishAsync());
    expect(fromGzip).toBe(skucast(['weekly', plain]).out);
  });
});

describe('what a script checks', () => {
  it('--version prints the package version and exits 0', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = skucast(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${pkg.version}\n`);
  });

  it.each(Object.keys(FAST))(
    '%s: --strict / --max-skipped exit 3 past the limit, the output still written',
    (cmd) => {
      const args = FAST[cmd] as string[];
      const lax = skucast([...args, plain]);
      expect(lax.code).toBe(0);
      const strict = skucast([...args, '--strict', plain]);
      expect(strict.code).toBe(3);
      expect(strict.out).toBe(lax.out);
      expect(strict.err).toMatch(/^skipped: 1 rows skipped, more than the 0 allowed/m);
      expect(skucast([...args, '--max-skipped', '1', plain]).code).toBe(0);
      expect(skucast([...args, '--max-skipped', '0', plain]).code).toBe(3);
      expect(skucast([...args, '--max-skipped', 'some', plain]).code).toBe(2);
    },
  );

  it('documents the exit codes in --help', () => {
    for (const args of [['--help'], ['forecast', '--help'], ['backtest', '--help']]) {
      const r = skucast(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/exit codes:[\s\S]*2 {2}bad usage[\s\S]*3 {2}more rows skipped/);
    }
  });

  it('seed-json on a file without the seed products says so and exits 2', () => {
    const r = skucast(['forecast', '--model', 'ses', '--format', 'seed-json', plain]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /--format seed-json answers for the seed's products .* this file has none/,
    );
  });

  it('backtest says how many cutoffs it emitted when asked for more than the history has', () => {
    const args = ['backtest', '--models', 'naive', '--windows', '100', plain];
    const csv = skucast(args);
    expect(csv.code).toBe(0);
    // 30 weeks, h = 4: cutoffs after weeks 1..26.
    const cutoffs = new Set(
      csv.out
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    );
    expect(cutoffs.size).toBe(26);
    expect(csv.err).toMatch(
      /backtest: 3 skus, 26 cutoffs 1 week apart \(100 asked; history too short/,
    );
    const json = JSON.parse(skucast([...args, '--format', 'json']).out) as {
      protocol: { windows: number; windows_emitted: number };
    };
    expect(json.protocol).toMatchObject({ windows: 100, windows_emitted: 26 });
  });
});

describe('outputs a pipeline can rely on', () => {
  it('backtest --summary model and forecast JSON are byte-identical on a rerun; timings only with --timings', () => {
    const model = ['backtest', '--summary', 'model', plain];
    const first = skucast(model);
    expect(first.code).toBe(0);
    expect(skucast(model).out).toBe(first.out);
    expect(first.out.split('\n')[0]).not.toMatch(/fit_ms/);
    expect(first.err).toMatch(/^timings: fit ms per model: naive \d+/m);
    expect(skucast([...model, '--timings']).out.split('\n')[0]).toMatch(/,fit_ms$/);

    const json = ['forecast', '--format', 'json', '--horizon', '3', plain];
    const a = skucast(json);
    expect(a.code).toBe(0);
    expect(skucast(json).out).toBe(a.out);
    expect(a.out).not.toMatch(/timings_ms|fit_ms/);
    expect(skucast([...json, '--timings']).out).toMatch(/timings_ms[\s\S]*fit_ms/);
  });

  it.each(Object.keys(FAST))('%s writes LF line ends', (cmd) => {
    const r = skucast([...(FAST[cmd] as string[]), plain]);
    expect(r.out.length).toBeGreaterThan(0);
    expect(r.out).not.toContain('\r');
  });

  it.each(Object.keys(FAST))(
    '%s: --raw-cells writes a sku =1+2 as read; the default escapes it for spreadsheets',
    (cmd) => {
      const args = FAST[cmd] as string[];
      const skus = (out: string): Set<string> =>
        new Set(
          out
            .trimEnd()
            .split('\n')
            .slice(1)
            .map((l) => l.split(',')[0] ?? ''),
        );
      expect(skus(skucast([...args, plain]).out)).toEqual(new Set(["'=1+2", 'A-1', 'B']));
      expect(skus(skucast([...args, '--raw-cells', plain]).out)).toEqual(
        new Set(['=1+2', 'A-1', 'B']),
      );
    },
  );

  it('JSON outputs carry schema_version and match docs/*.schema.json', () => {
    const forecast = docSchema('forecast.schema.json');
    const backtest = docSchema('backtest.schema.json');
    for (const extra of [[], ['--timings']]) {
      const doc: unknown = JSON.parse(
        skucast(['forecast', '--format', 'json', '--horizon', '2', ...extra, plain]).out,
      );
      expect(forecast.valid(doc), forecast.errors()).toBe(true);
      expect(doc).toMatchObject({ schema_version: 1 });
    }
    for (const summary of ['rows', 'model', 'sku']) {
      const doc: unknown = JSON.parse(
        skucast([...(FAST.backtest as string[]), '--format', 'json', '--summary', summary, plain])
          .out,
      );
      expect(backtest.valid(doc), `${summary}: ${backtest.errors()}`).toBe(true);
      expect(doc).toMatchObject({ schema_version: 1 });
    }
    // The schema holds something: a document without its version fails it.
    expect(forecast.valid({ forecasts: [] })).toBe(false);
  });
});

// salesCsv is the shared fixture of the forecast tests; it is used here only
// to check seed data still answers seed-json (the refusal is for other files).
describe('seed-json on the seed products', () => {
  it('still answers for the seed products', () => {
    const seed = join(dir, 'seed.csv');
    writeFileSync(seed, salesCsv(20, 2));
    const r = skucast(['forecast', '--model', 'ses', '--format', 'seed-json', seed]);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.out) as object).length).toBeGreaterThan(0);
  });
});
