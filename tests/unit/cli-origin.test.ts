// The CLI's origin and decisions (issue 24 A), as a nightly script checks
// them: a stray 2099 row leaves the forecasts byte-identical and is named on
// stderr; --as-of sets the origin; every decision is one greppable stderr line
// and the same in the forecast JSON's `decisions`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCsv } from '../../src/cli/gen';
import { hasShared, repoRoot, seedCsvPath } from './forecast-helpers';
import { docSchema, runSkucast, type CliRun } from './cli-helpers';

const STRAY = '9999,2099-01-01,CUST9999,Male,40,Beauty,2,50,100\n';
let dir: string;
let sample: string;
let strayed: string;

// 78 years of weeks with --as-of latest: several MB of weekly table.
const skucast = (...args: string[]): CliRun => runSkucast(args, { maxBuffer: 64 << 20 });

/** The stderr lines of a kind (`origin: …`). */
const linesOf = (err: string, kind: string): string[] =>
  err.split('\n').filter((l) => l.startsWith(`${kind}: `));

/** The decision lines (`kind: text`), by the kinds the JSON schema knows. */
const KINDS = [
  'encoding',
  'sheet',
  'layout',
  'mapping',
  'measure',
  'numbers',
  'dates',
  'granularity',
  'duplicates',
  'gaps',
  'origin',
];
const decisionLines = (err: string): string[] =>
  err.split('\n').filter((l) => KINDS.some((k) => l.startsWith(`${k}: `)));

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-origin-'));
  const text = [...generateCsv({ rows: 1500, seed: 4 })].join('');
  sample = join(dir, 'sample.csv');
  strayed = join(dir, 'sample-2099.csv');
  writeFileSync(sample, text);
  writeFileSync(strayed, text + STRAY);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a stray 2099 row', () => {
  it('leaves forecast CSV byte-identical and JSON identical but for the data report and decisions; stderr names it', () => {
    const clean = skucast('forecast', '--model', 'ses', sample);
    const stray = skucast('forecast', '--model', 'ses', strayed);
    expect(stray.code, stray.err).toBe(0);
    expect(stray.out).toBe(clean.out);
    expect(stray.err).toMatch(/^warning \[beyond-bulk\] Excluded 1 row dated 2099-01-01: /m);
    const [origin] = linesOf(stray.err, 'origin');
    expect(origin).toMatch(/excluded 1 row dated 2099-01-01: beyond the file's bulk/);
    expect(stray.err).toMatch(/^summary: 1501 rows read, 1500 used, 0 skipped, 1 excluded/m);

    const json = (path: string): Record<string, unknown> =>
      JSON.parse(skucast('forecast', '--model', 'ses', '--format', 'json', path).out) as Record<
        string,
        unknown
      >;
    const a = json(sample);
    const b = json(strayed);
    for (const key of Object.keys(a)) {
      if (key === 'data' || key === 'decisions') continue;
      expect(JSON.stringify(b[key]), key).toBe(JSON.stringify(a[key]));
    }
    expect(b.data).toMatchObject({
      rows_read: 1501,
      rows_used: 1500,
      rows_skipped: 0,
      last_date: (a.data as { last_date: string }).last_date,
      excluded: { reason: 'beyond-bulk', rows: 1, dates: ['2099-01-01'] },
    });
  });

  it('the shared sample with a 2099 row forecasts byte for byte as without it', (ctx) => {
    if (!hasShared) ctx.skip('skipped: ../shared not found');
    const file = join(dir, 'retail-2099.csv');
    writeFileSync(file, readFileSync(seedCsvPath, 'utf8') + STRAY);
    const clean = skucast('forecast', seedCsvPath);
    const stray = skucast('forecast', file);
    expect(stray.code).toBe(0);
    expect(stray.out).toBe(clean.out);
    expect(stray.err).toContain('2099-01-01');
  });

  it('--as-of latest keeps it (the origin moves to 2099), and --strict does not count it as skipped', () => {
    const all = skucast('weekly', '--as-of', 'latest', strayed);
    expect(all.code).toBe(0);
    expect(all.out).toContain(',2098-12-29,');
    expect(linesOf(all.err, 'origin')[0]).toContain('as of the latest date: every row kept');
    expect(skucast('weekly', '--strict', strayed).code).toBe(0);
  });
});

describe('--as-of', () => {
  it('sets the origin to the week holding the date; later weeks are excluded and named', () => {
    const r = skucast(
      'forecast',
      '--model',
      'naive',
      '--format',
      'json',
      '--as-of',
      '2022-06-15',
      sample,
    );
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as {
      last_complete_week: string;
      first_forecast_week: string;
      data: { last_date: string; as_of: string; excluded: { reason: string; dates: string[] } };
    };
    expect(doc.last_complete_week).toBe('2022-06-13');
    expect(doc.first_forecast_week).toBe('2022-06-20');
    expect(doc.data.as_of).toBe('2022-06-15');
    expect(doc.data.excluded.reason).toBe('as-of');
    expect(doc.data.excluded.dates[0]! > '2022-06-19').toBe(true);
    expect(linesOf(r.err, 'origin')[0]).toMatch(
      /^origin: 2022-06-13, the last complete week; as of 2022-06-15: excluded \d+ rows dated 2022-06-2\d/,
    );
  });

  it('a date before the data, or no date at all, is a clear error with exit 2', () => {
    const early = skucast('weekly', '--as-of', '1999-01-01', sample);
    expect(early.code).toBe(2);
    expect(early.out).toBe('');
    expect(early.err).toMatch(
      /error \[as-of-before-data\] The as-of date 1999-01-01 is before the file's first date, 2021-01-0\d/,
    );
    const bad = skucast('forecast', '--as-of', '15.06.2022', sample);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      'bad --as-of "15.06.2022": expected a date YYYY-MM-DD (1900-2100) or latest',
    );
  });
});

describe('decisions', () => {
  it("stderr names the mapping's columns, one greppable line per decision", () => {
    const file = join(dir, 'stores.csv');
    const lines = ['Store,Date,Weekly_Sales'];
    for (let w = 0; w < 20; w++) {
      const day = new Date(Date.UTC(2012, 0, 6 + 7 * w)).toISOString().slice(0, 10);
      for (const store of [1, 2, 3]) lines.push(`${store},${day},${1000 + store * 10 + w}`);
    }
    // A store's week twice, as a weekly export that repeats a line does.
    lines.push('2,2012-01-13,5');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = skucast('weekly', file);
    expect(r.code).toBe(0);
    expect(linesOf(r.err, 'mapping')).toEqual([
      'mapping: date=Date sku=Store amount=Weekly_Sales measure=money',
    ]);
    expect(linesOf(r.err, 'granularity')[0]).toMatch(/^granularity: weekly/);
    expect(linesOf(r.err, 'duplicates')).toEqual([
      'duplicates: 2 rows share a sku and week with another row in a weekly file: summed',
    ]);
    expect(linesOf(r.err, 'origin')).toHaveLength(1);
  });

  it('says how dates were read and where gaps were counted as 0', () => {
    const file = join(dir, 'eu.csv');
    writeFileSync(
      file,
      'Datum;Artikel;Menge\n02/01/2023;A;1\n16/01/2023;A;2\n23/01/2023;A;3\n03/01/2023;B;4\n',
    );
    const r = skucast('weekly', file);
    expect(r.code, r.err).toBe(0);
    expect(linesOf(r.err, 'dates')[0]).toMatch(
      /^dates: read day-first as detected; rows each reading accepts: DMY 4, MDY 2, YMD 0 \(choose with --date-format\)$/,
    );
    expect(linesOf(r.err, 'gaps')).toEqual([
      'gaps: 2 of 2 skus have weeks with no rows after their first (4 sku-weeks): counted as 0',
    ]);
    expect(linesOf(r.err, 'mapping')[0]).toBe(
      'mapping: date=Datum sku=Artikel quantity=Menge measure=units',
    );
  });

  it('weekly, forecast and backtest print the same decision lines; the JSON carries them, as its schema says', () => {
    const weekly = decisionLines(skucast('weekly', strayed).err);
    const forecast = skucast('forecast', '--model', 'ses', '--format', 'json', strayed);
    const backtest = skucast('backtest', '--models', 'naive', '--windows', '2', strayed);
    expect(weekly.map((l) => l.split(':')[0])).toEqual([
      'layout',
      'mapping',
      'measure',
      'dates',
      'granularity',
      'gaps',
      'origin',
    ]);
    expect(decisionLines(forecast.err)).toEqual(weekly);
    expect(decisionLines(backtest.err)).toEqual(weekly);

    const doc = JSON.parse(forecast.out) as { decisions: { kind: string; text: string }[] };
    // The same decisions, without the CLI's "(choose with --option)".
    expect(doc.decisions.map((d) => `${d.kind}: ${d.text}`)).toEqual(
      weekly.map((l) => l.replace(/ \(choose with [^)]*\)$/, '')),
    );
    const schema = docSchema('forecast.schema.json');
    expect(schema.valid(doc), schema.errors()).toBe(true);
    // The schema holds the decisions to their shape.
    expect(schema.valid({ ...doc, decisions: [{ kind: 'guess', text: 'x' }] })).toBe(false);
  });
});
