// The date reading can be chosen (DMY, MDY, YMD); the report counts the rows
// each reading would accept, so the page and the CLI can offer the choice.
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { ingestOptions } from '../../src/worker/headers';

// Every date reads both ways: detected month-first.
const AMBIGUOUS = 'Date,Sales\n03/01/2024,1\n04/01/2024,2\n05/02/2024,4\n';
// 24/01/24: only day-first or year-first.
const DAY_FIRST = 'Date,Sales\n23/01/24,1\n24/01/24,2\n02/01/24,4\n';

describe('date format choice', () => {
  it('counts the rows each reading accepts, whatever was chosen', () => {
    const t = ingestText(AMBIGUOUS);
    expect(t.report.dateOrder).toBe('month-first');
    expect(t.report.dateFormats).toEqual({ DMY: 3, MDY: 3, YMD: 0 });
    expect(t.report.dateFormat).toBeUndefined();
    expect(ingestText(DAY_FIRST).report.dateFormats).toEqual({ DMY: 3, MDY: 1, YMD: 3 });
    expect(ingestText('Date,Sales\n2024-01-03,1\n45000,2\n').report.dateFormats).toEqual({
      DMY: 2,
      MDY: 2,
      YMD: 2,
    });
  });

  it('an override changes the reading: dates, weeks and the report', () => {
    const auto = ingestText(AMBIGUOUS);
    const dmy = ingestText(AMBIGUOUS, { dateFormat: 'DMY' });
    expect([auto.report.firstDate, auto.report.lastDate]).toEqual(['2024-03-01', '2024-05-02']);
    expect([dmy.report.firstDate, dmy.report.lastDate]).toEqual(['2024-01-03', '2024-02-05']);
    expect(dmy.report.dateOrder).toBe('day-first');
    expect(dmy.report.dateFormat).toBe('DMY');
    expect(dmy.weeks[0]).toBe('2024-01-01');
    // The user chose: no "ambiguous, read month-first" warning.
    expect(auto.report.issues.map((i) => i.code)).toEqual(['ambiguous-date-order']);
    expect(dmy.report.issues).toEqual([]);
  });

  it('a reading that does not fit skips those rows, saying it was chosen', () => {
    const t = ingestText(DAY_FIRST, { dateFormat: 'MDY' });
    expect(t.report.rowsUsed).toBe(1);
    expect(t.report.skippedByReason).toEqual({ 'bad-date': 2 });
    expect(t.report.issues[0]?.message).toBe(
      'Row 2, column "Date": "23/01/24" is not a valid date when read month-first (MM/DD/YYYY), as chosen (MDY); expected a date such as 11/24/2023',
    );
  });

  it('YMD reads a 2-digit year first', () => {
    const t = ingestText(DAY_FIRST, { dateFormat: 'YMD' });
    expect(t.report.dateOrder).toBe('year-first');
    expect([t.report.firstDate, t.report.lastDate]).toEqual(['2002-01-24', '2024-01-24']);
    expect(t.report.rowsUsed).toBe(3);
  });

  it('ISO dates and serials read the same under every choice', () => {
    const text = 'Date,Sales\n2024-01-03,1\n45300,2\n';
    const auto = ingestText(text);
    for (const dateFormat of ['DMY', 'MDY', 'YMD'] as const) {
      expect(ingestText(text, { dateFormat }).series).toEqual(auto.series);
    }
  });

  it('the worker passes the choice on', () => {
    expect(ingestOptions({ dateFormat: 'YMD' })).toEqual({ dateFormat: 'YMD' });
  });

  it('dotted dates are day-first when the values do not decide: 02.01.2023 is 2 January', () => {
    const t = ingestText('Datum,Menge\n02.01.2023,1\n09.01.2023,2\n03.02.2023,4\n');
    expect(t.report.dateOrder).toBe('day-first');
    expect([t.report.firstDate, t.report.lastDate]).toEqual(['2023-01-02', '2023-02-03']);
    expect(t.weeks[0]).toBe('2023-01-02');
    // Still undecided by the values: the warning says how it was read and how to pin it.
    const warning = t.report.issues.find((i) => i.code === 'ambiguous-date-order');
    expect(warning?.message).toContain('read day-first (DD.MM.YYYY)');
    expect(warning?.message).toContain('--date-format DMY|MDY|YMD');
    expect(warning?.message).toContain('"Read dates"');
  });

  it('dotted dates whose values say month-first, or a chosen order, still win', () => {
    const monthFirst = ingestText('Date,Units\n01.02.2023,1\n01.25.2023,2\n');
    expect(monthFirst.report.dateOrder).toBe('month-first');
    expect(monthFirst.report.firstDate).toBe('2023-01-02');
    const chosen = ingestText('Date,Units\n02.01.2023,1\n', { dateFormat: 'MDY' });
    expect(chosen.report.firstDate).toBe('2023-02-01');
  });

  it('slashed dates the values do not decide stay month-first, with how to pin them', () => {
    const t = ingestText(AMBIGUOUS);
    expect(t.report.dateOrder).toBe('month-first');
    expect(t.report.issues[0]?.message).toContain(
      'If that is wrong, pin the order: --date-format DMY|MDY|YMD',
    );
  });
});
