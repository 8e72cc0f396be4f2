// Where a file's weeks end (src/core/ingest/origin.ts): rows far beyond the
// bulk are set aside with a warning, a real last week never is, and asOf
// chooses the origin. The page and the CLI both read files through here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestText, type IngestOptions } from '../../src/core/ingest';
import { daysFromCivil, formatDay } from '../../src/core/ingest/dates';
import { lastBulkWeek, type WeekRows } from '../../src/core/ingest/origin';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import { generateCsv } from '../../src/cli/gen';
import { forecastOrigin } from '../../src/core/forecast';
import { ingestOptions } from '../../src/worker/headers';
import { hasShared, seedCsvPath, sharedDir } from './forecast-helpers';

const SKIP_SHARED = 'skipped: ../shared not found';
const HEADER =
  'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount';

/** `weeks` as the rule sees them: Mondays `w` weeks after 2023-01-02, with `rows` each. */
function weeksOf(...spec: [week: number, rows: number][]): WeekRows[] {
  const base = daysFromCivil(2023, 1, 2);
  return spec.map(([w, rows]) => ({ monday: base + 7 * w, rows }));
}

/** Weeks 0..n-1 with `rows` each. */
function steady(n: number, rows: number): [number, number][] {
  return Array.from({ length: n }, (_, w) => [w, rows] as [number, number]);
}

function generated(rows: number, seed: number): string {
  return [...generateCsv({ rows, seed })].join('');
}

const stray = (date: string): string => `9999,${date},CUST9999,Male,40,Beauty,2,50,100\n`;

describe('the bulk rule', () => {
  it('cuts rows after a long run of empty weeks that hold a sliver of what those weeks would have held', () => {
    // 52 weeks of 20 rows, then one row 3,900 weeks later (2099).
    expect(lastBulkWeek(weeksOf(...steady(52, 20), [3952, 1]))).toBe(51);
    // A year-typo: 17 empty weeks would have held 340 rows; 1 is under 1% of that.
    expect(lastBulkWeek(weeksOf(...steady(52, 20), [70, 1]))).toBe(51);
    // Strays beyond strays all go: the earliest gap that qualifies cuts.
    expect(lastBulkWeek(weeksOf(...steady(52, 20), [70, 1], [3952, 2]))).toBe(51);
  });

  it('never cuts a week next to the data, however thin: a partial last week stays', () => {
    expect(lastBulkWeek(weeksOf(...steady(52, 500), [52, 1]))).toBe(52);
  });

  it('keeps the rows after a short closure (a week shut at Christmas) and after a real pause', () => {
    // One empty week, then a partial week with fewer rows than usual.
    expect(lastBulkWeek(weeksOf(...steady(52, 65), [53, 20]))).toBe(52);
    // 8 weeks closed, then 10 weeks of trade again.
    const reopened = weeksOf(
      ...steady(40, 30),
      ...steady(10, 30).map(([w, r]) => [w + 48, r] as [number, number]),
    );
    expect(lastBulkWeek(reopened)).toBe(reopened.length - 1);
    // A sparse file: a stray two weeks on cannot be told from its own gaps.
    expect(lastBulkWeek(weeksOf(...steady(52, 20), [54, 1]))).toBe(52);
  });

  it('keeps a tail that holds more rows than the weeks before it', () => {
    expect(
      lastBulkWeek(
        weeksOf(
          [0, 5],
          [1, 5],
          ...steady(30, 100).map(([w, r]) => [w + 400, r] as [number, number]),
        ),
      ),
    ).toBe(31);
  });
});

describe('ingestion excludes what is beyond the bulk', () => {
  it('a stray 2099 row leaves the weekly table byte-identical and is named with its count', () => {
    const sample = generated(2000, 1);
    const clean = ingestText(sample);
    const withStray = ingestText(sample + stray('2099-01-01'));
    expect(weeklyTableToCsv(withStray)).toBe(weeklyTableToCsv(clean));
    expect(withStray.report.excluded).toEqual({
      reason: 'beyond-bulk',
      rows: 1,
      dateCount: 1,
      dates: ['2099-01-01'],
      lastDate: '2099-01-01',
      keptUntil: clean.report.lastDate,
      gapWeeks: expect.any(Number) as number,
    });
    // Good rows set aside, not skipped: --strict does not fail a run on them.
    expect(withStray.report.rowsSkipped).toBe(0);
    expect(withStray.report.rowsUsed).toBe(clean.report.rowsUsed);
    expect(withStray.report.lastDate).toBe(clean.report.lastDate);
    const warning = withStray.report.issues.find((i) => i.code === 'beyond-bulk');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/^Excluded 1 row dated 2099-01-01: beyond the file's bulk/);
  });

  it('a 2099 row no longer stretches a large table past the size cap', () => {
    // 83 skus × 3,950 weeks would pass no cap check worth having; the bulk is 3 years.
    const many = generated(5000, 2) + stray('2099-06-01') + stray('2099-06-02');
    const t = ingestText(many);
    expect(t.report.issues.some((i) => i.severity === 'error' && i.row === undefined)).toBe(false);
    expect(t.report.excluded).toMatchObject({ rows: 2, dates: ['2099-06-01', '2099-06-02'] });
    expect(t.weeks.at(-1)).toBe('2023-12-25');
  });

  it('excludes nothing from the generated sample nor the shared files, with their partial last weeks', (ctx) => {
    for (const [rows, seed] of [
      [200, 3],
      [2000, 1],
      [100_000, 2],
    ] as const) {
      expect(ingestText(generated(rows, seed)).report.excluded, `gen ${rows}`).toBeUndefined();
    }
    if (!hasShared) ctx.skip(SKIP_SHARED);
    for (const name of ['retail_sales_2023.csv', 'store_item_daily.csv']) {
      const text = readFileSync(resolve(sharedDir, 'data', name), 'utf8');
      const t = ingestText(text);
      expect(t.report.excluded, name).toBeUndefined();
      expect(t.report.rowsUsed, name).toBe(t.report.rowsRead);
      // Cut after a week's Tuesday: the last week holds two days of rows, and stays.
      const lines = text.trimEnd().split('\n');
      const dateAt = lines[0]!.toLowerCase().split(',').indexOf('date');
      const cutDay = daysFromCivil(2013, 6, 4);
      const until = lines.filter((l, i) => {
        if (i === 0) return true;
        const d = l.split(',')[dateAt] ?? '';
        return name === 'store_item_daily.csv' ? d <= formatDay(cutDay) : d <= '2023-06-13';
      });
      const cut = ingestText(until.join('\n') + '\n');
      expect(cut.report.excluded, `${name} cut`).toBeUndefined();
      expect(cut.report.lastDate).toBe(
        name === 'store_item_daily.csv' ? '2013-06-04' : '2023-06-13',
      );
    }
  });

  it('the shared sample with a stray 2099 row: the same table, the row named', (ctx) => {
    if (!hasShared) ctx.skip(SKIP_SHARED);
    const text = readFileSync(seedCsvPath, 'utf8');
    const t = ingestText(text + stray('2099-01-01'));
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(ingestText(text)));
    expect(t.report.excluded?.dates).toEqual(['2099-01-01']);
  });
});

describe('asOf chooses the origin', () => {
  // 20 weeks of a sku with a sale every day from Monday 2023-01-02.
  const daily = (() => {
    const lines = [HEADER];
    const first = daysFromCivil(2023, 1, 2);
    for (let d = 0; d < 140; d++) lines.push(stray(formatDay(first + d)).trimEnd());
    return lines.join('\n') + '\n';
  })();

  it('rows after the Sunday of the as-of week go; that week is the origin', () => {
    // 2023-03-01 is a Wednesday: its week runs to Sunday 2023-03-05.
    const t = ingestText(daily, { asOf: '2023-03-01' });
    expect(t.report.lastDate).toBe('2023-03-05');
    expect(t.report.excluded).toMatchObject({ reason: 'as-of', rows: 140 - 63 });
    expect(t.report.excluded?.dates[0]).toBe('2023-03-06');
    expect(forecastOrigin(t, 1).lastCompleteWeek).toBe('2023-02-27');
    expect(t.report.rowsSkipped).toBe(0);
    // No warning: the user asked for it; the decision says it.
    expect(t.report.issues.filter((i) => i.severity === 'warning')).toEqual([]);
  });

  it('the as-of week counts as complete even when its last row is before Sunday', () => {
    // Shut on Sundays: the file's own last week would be partial, a cut week is not.
    const noSundays = daily
      .split('\n')
      .filter((l) => !l.includes(',2023-03-05,'))
      .join('\n');
    const t = ingestText(noSundays, { asOf: '2023-03-05' });
    expect(t.report.lastDate).toBe('2023-03-04');
    expect(forecastOrigin(t, 1).lastCompleteWeek).toBe('2023-02-27');
  });

  it('latest keeps every row, a stray too; a date after the data excludes nothing', () => {
    const withStray = daily + stray('2099-01-01');
    expect(ingestText(withStray).report.excluded?.rows).toBe(1);
    const all = ingestText(withStray, { asOf: 'latest' });
    expect(all.report.excluded).toBeUndefined();
    expect(all.report.lastDate).toBe('2099-01-01');
    expect(all.report.asOf).toBe('latest');
    const after = ingestText(daily, { asOf: '2030-01-01' });
    expect(after.report.excluded).toBeUndefined();
    expect(weeklyTableToCsv(after)).toBe(weeklyTableToCsv(ingestText(daily)));
  });

  it('a date before the data is a file error naming both dates, not a crash', () => {
    const t = ingestText(daily, { asOf: '2022-12-31' });
    expect(t.series).toEqual([]);
    const error = t.report.issues.find((i) => i.code === 'as-of-before-data');
    expect(error?.severity).toBe('error');
    expect(error?.message).toContain("2022-12-31 is before the file's first date, 2023-01-02");
  });

  it('reaches ingestion from the page the same way (the worker passes RunOptions.asOf)', () => {
    const opts: IngestOptions = ingestOptions({ asOf: '2023-03-01' });
    expect(ingestText(daily, opts).report.lastDate).toBe('2023-03-05');
  });
});

describe('property: exclusion loses nothing silently', () => {
  it('rows read = used + skipped + excluded, every excluded date after every kept one', () => {
    const row = fc.record({
      day: fc.integer({ min: daysFromCivil(2020, 1, 1), max: daysFromCivil(2024, 12, 31) }),
      cents: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 200 }),
        fc.array(row, { maxLength: 3 }),
        (rows, far) => {
          const lines = ['Date,SKU,Sales'];
          for (const r of rows) lines.push(`${formatDay(r.day)},A,${r.cents / 100}`);
          // A few rows decades on, as a typo puts them.
          for (const r of far) lines.push(`${formatDay(r.day + 365 * 70)},B,${r.cents / 100}`);
          const t = ingestText(lines.join('\n') + '\n');
          const x = t.report.excluded;
          expect(t.report.rowsUsed + t.report.rowsSkipped + (x?.rows ?? 0)).toBe(t.report.rowsRead);
          if (x) {
            expect(x.dates[0]! > (t.report.lastDate as string)).toBe(true);
            expect(x.keptUntil).toBe(t.report.lastDate);
          }
          const kept = t.series.reduce(
            (a, s) => a + s.rows.reduce((b, w) => b + w.transactions, 0),
            0,
          );
          expect(kept).toBe(t.report.rowsUsed);
        },
      ),
      { numRuns: 100 },
    );
  });
});
