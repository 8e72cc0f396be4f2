// Calendar arithmetic and date reading; the TZ block runs the CLI under two
// far-apart time zones to show no date ever shifts.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  formatDay,
  isoWeekOf,
  mondayOf,
  readDate,
  weekdayOf,
} from '../../src/core/ingest/dates';
import { ingestText } from '../../src/core/ingest';

const day = (s: string): number => {
  const [y, m, d] = s.split('-').map(Number);
  return daysFromCivil(y!, m!, d!);
};

describe('day numbers', () => {
  it('round-trips every day from 1899 to 2101', () => {
    const wrong: number[] = [];
    for (let d = day('1899-01-01'); d <= day('2101-12-31'); d++) {
      const { year, month, day: dd } = civilFromDays(d);
      if (daysFromCivil(year, month, dd) !== d) wrong.push(d);
    }
    expect(wrong).toEqual([]);
    expect(day('2101-12-31') - day('1899-01-01')).toBe(74143);
    expect(day('1970-01-01')).toBe(0);
    expect(formatDay(day('2024-02-29'))).toBe('2024-02-29');
  });

  it('knows weekdays, Mondays and ISO weeks', () => {
    expect(weekdayOf(day('2023-11-24'))).toBe(4); // a Friday
    expect(formatDay(mondayOf(day('2023-11-24')))).toBe('2023-11-20');
    expect(formatDay(mondayOf(day('1969-12-31')))).toBe('1969-12-29');
    expect(isoWeekOf(day('2023-01-01'))).toEqual({ isoYear: 2022, isoWeek: 52 });
    expect(isoWeekOf(day('2024-12-30'))).toEqual({ isoYear: 2025, isoWeek: 1 });
    expect(isoWeekOf(day('2020-12-31'))).toEqual({ isoYear: 2020, isoWeek: 53 });
    expect(isoWeekOf(day('2023-11-24'))).toEqual({ isoYear: 2023, isoWeek: 47 });
  });
});

describe('readDate', () => {
  const iso = (s: string): string | null => {
    const r = readDate(s);
    return r.kind === 'iso' || r.kind === 'serial' ? formatDay(r.days) : null;
  };
  const both = (s: string): [string | null, string | null] => {
    const r = readDate(s);
    expect(r.kind).toBe('dmy');
    const f = (d: number): string | null => (Number.isNaN(d) ? null : formatDay(d));
    return [f(r.dayFirst), f(r.monthFirst)];
  };

  it('reads ISO dates, with or without a time', () => {
    expect(iso('2023-11-24')).toBe('2023-11-24');
    expect(iso(' 2023-11-24 ')).toBe('2023-11-24');
    expect(iso('2023-11-24 23:59:59')).toBe('2023-11-24');
    expect(iso('2023-11-24T23:30:00-08:00')).toBe('2023-11-24');
    expect(iso('2023/1/5')).toBe('2023-01-05');
    expect(iso('20231124')).toBe('2023-11-24');
  });

  it('keeps both readings of DD/MM vs MM/DD with every separator', () => {
    expect(both('24/11/2023')).toEqual(['2023-11-24', null]);
    expect(both('11/24/2023')).toEqual([null, '2023-11-24']);
    expect(both('03/01/2023')).toEqual(['2023-01-03', '2023-03-01']);
    expect(both('24-11-2023')).toEqual(['2023-11-24', null]);
    expect(both('24.11.2023')).toEqual(['2023-11-24', null]);
    expect(both('24/11/2023 10:15')).toEqual(['2023-11-24', null]);
  });

  it('reads 2-digit years as Python does (69–99 → 19xx, 00–68 → 20xx)', () => {
    expect(both('03/01/19')).toEqual(['2019-01-03', '2019-03-01']);
    expect(both('31/12/68')).toEqual(['2068-12-31', null]);
    expect(both('31/12/69')).toEqual(['1969-12-31', null]);
  });

  it('reads Excel serial numbers', () => {
    expect(iso('45254')).toBe('2023-11-24');
    expect(iso('45254.75')).toBe('2023-11-24');
  });

  it('reads Unix time in seconds or milliseconds as its UTC day, as databases export it', () => {
    expect(iso('1700784000')).toBe('2023-11-24');
    expect(iso('1700870399')).toBe('2023-11-24');
    expect(iso('1700784000000')).toBe('2023-11-24');
    expect(iso('1700870399999')).toBe('2023-11-24');
    expect(iso('1700784000.5')).toBe('2023-11-24');
    // Beyond 2100 (an order number, not a time) stays no date.
    expect(iso('9999999999')).toBeNull();
    expect(iso('9999999999999')).toBeNull();
  });

  it("reads a compact date's compact time as the date, as SAP extracts write it", () => {
    expect(iso('20231124 120000')).toBe('2023-11-24');
    expect(iso('20231124 0930')).toBe('2023-11-24');
    // Not after another date's form: 2023-11-24 1200 is no date.
    expect(iso('2023-11-24 1200')).toBeNull();
  });

  it('reads a Japanese, Chinese or Korean date, year first, with a time or not', () => {
    expect(iso('2023年11月24日')).toBe('2023-11-24');
    expect(iso('2023年1月2日 10:30')).toBe('2023-01-02');
    expect(iso('2023년 1월 2일')).toBe('2023-01-02');
    expect(iso('2023年2月30日')).toBeNull();
  });

  it('reads an ISO week date (a week and its weekday) as that day', () => {
    expect(iso('2023-W01-1')).toBe('2023-01-02');
    expect(iso('2024-W05-3')).toBe('2024-01-31');
    expect(iso('2024W057')).toBe('2024-02-04');
    expect(iso('2020-W53-5')).toBe('2021-01-01');
    // 2023 has no week 53; weekday 8 is none.
    expect(iso('2023-W53-1')).toBeNull();
    expect(iso('2024-W05-8')).toBeNull();
  });

  it("reads the month's name as Excel and shop reports write it, in seven languages", () => {
    for (const s of [
      '05-Jan-24',
      '5-Jan-2024',
      '05 Jan 2024',
      '05/Jan/2024',
      '2024-Jan-05',
      'Jan 5, 2024',
      'January 5th, 2024',
      '5. Januar 2024',
      '5 janv. 2024',
      '5 ene 2024',
      '5 gen 2024',
      '5 Jan 2024 10:00',
      'Jan 5, 2024 10:00 AM',
      'Friday, January 5, 2024',
    ])
      expect(iso(s), s).toBe('2024-01-05');
    expect(iso('1 Mai 2024')).toBe('2024-05-01');
    expect(iso('3. März 2024')).toBe('2024-03-03');
    expect(iso('31-Dez-24')).toBe('2024-12-31');
  });

  it('reads a weekday before a date, and a range as its first day', () => {
    expect(both('Mon 01/02/2024')).toEqual(['2024-02-01', '2024-01-02']);
    expect(both('Mo., 01.02.2024')).toEqual(['2024-02-01', '2024-01-02']);
    expect(iso('2024-01-01 - 2024-01-07')).toBe('2024-01-01');
    expect(iso('2024-01-01 to 2024-01-07')).toBe('2024-01-01');
    expect(both('01/08/2024 – 01/14/2024')).toEqual([null, '2024-01-08']);
  });

  it('rejects what is not a calendar date', () => {
    for (const s of [
      '',
      'abc',
      '2023-02-29',
      '2023-13-01',
      '31/31/2023',
      '123',
      '1/2',
      '2023-11-24x',
      'Nov 24',
      '31-Feb-24',
      'Foo 5, 2024',
      'Total',
      'Mon',
      '2024-01-01 - later',
      'Jan 2024',
    ])
      expect(readDate(s).kind, s).toBe('bad');
  });
});

describe('file-wide day/month order', () => {
  const weeksOf = (text: string) => ingestText(text).weeks;

  it('a first field > 12 anywhere makes the whole file day-first', () => {
    const t = ingestText('Date,Sales\n03/01/2023,1\n25/01/2023,2\n');
    expect(t.report.dateOrder).toBe('day-first');
    expect(t.report.dateOrderAmbiguous).toBe(false);
    expect(t.report.firstDate).toBe('2023-01-03');
    expect(t.report.lastDate).toBe('2023-01-25');
  });

  it('a second field > 12 makes it month-first, not ambiguous', () => {
    const t = ingestText('Date,Sales\n03/01/2023,1\n01/25/2023,2\n');
    expect(t.report.dateOrder).toBe('month-first');
    expect(t.report.dateOrderAmbiguous).toBe(false);
    expect(t.report.firstDate).toBe('2023-01-25');
    expect(t.report.lastDate).toBe('2023-03-01');
  });

  it('reads an ambiguous file month-first and says so', () => {
    const t = ingestText('Date,Sales\n01/02/2023,5\n03/04/2023,6\n');
    expect(t.report.dateOrder).toBe('month-first');
    expect(t.report.dateOrderAmbiguous).toBe(true);
    expect(t.report.issues).toEqual([
      {
        severity: 'warning',
        code: 'ambiguous-date-order',
        column: 'Date',
        message:
          'Column "Date": every date reads both as day/month and as month/day; read month-first (MM/DD/YYYY), e.g. "01/02/2023". If that is wrong, pin the order: --date-format DMY|MDY|YMD (in the page: "Read dates" when you map the columns)',
      },
    ]);
    expect(weeksOf('Date,Sales\n01/02/2023,5\n')).toEqual(['2023-01-02']);
  });

  it('ISO files report iso', () => {
    expect(ingestText('Date,Sales\n2023-01-02,5\n').report.dateOrder).toBe('iso');
  });
});

// The CLI under two time zones on either side of UTC, over DST changes and a year end.
describe('time zones', () => {
  const root = resolve(__dirname, '../..');
  const fixture = resolve(root, 'tests/fixtures/ingest/dst-day-first.csv');
  const run = (tz: string): string =>
    execFileSync(
      process.execPath,
      [
        'bin/skucast.mjs',
        'weekly',
        fixture,
        '--map',
        'date=Datum',
        '--map',
        'sku=Artikel',
        '--map',
        'amount=Umsatz',
        '--map',
        'quantity=Menge',
      ],
      {
        cwd: root,
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root });
  });

  it('gives identical weeks in Los Angeles and Tokyo', () => {
    const la = run('America/Los_Angeles');
    const tokyo = run('Asia/Tokyo');
    expect(la).toBe(tokyo);
    const weekStarts = new Set(
      la
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[2]),
    );
    // 26/03/2023 is a Sunday (week of 20 March), 27/03 a Monday; 01/01/2024 a Monday.
    expect([...weekStarts][0]).toBe('2023-03-20');
    expect([...weekStarts].at(-1)).toBe('2024-01-01');
    expect(la).toContain('A-1,-1,2023-03-20,2023,12,3,1,12.5,1,1,0,0,0,12.5,12.5,12.5,12.5,12.5\n');
    expect(la).toContain('A-1,-1,2023-03-27,2023,13,3,0,10,2,1,0,0,0,5,11.25,11.25,11.25,11.25\n');
  });

  it('parses dates identically in-process whatever process.env.TZ says', () => {
    const text = 'Date,Sales\n2023-11-24,1\n26/03/2023,2\n';
    const before = ingestText(text);
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    const tokyo = ingestText(text);
    process.env.TZ = 'America/Los_Angeles';
    const la = ingestText(text);
    process.env.TZ = saved;
    expect(tokyo).toEqual(before);
    expect(la).toEqual(before);
  });
});
