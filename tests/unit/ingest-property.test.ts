// Properties over random inputs: aggregation loses nothing, garbage never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { formatDay, daysFromCivil } from '../../src/core/ingest/dates';

const transaction = fc.record({
  sku: fc.constantFrom('A-1', 'B 2', 'c3', 'Zed', 'ümlaut'),
  day: fc.integer({ min: daysFromCivil(2020, 1, 1), max: daysFromCivil(2024, 12, 31) }),
  quantity: fc.integer({ min: -5, max: 50 }),
  // Cents, so sums are exact in floating point below 2^53.
  cents: fc.integer({ min: -100_000, max: 10_000_000 }),
});

describe('aggregation keeps every transaction', () => {
  it('totals per sku equal the input totals', () => {
    fc.assert(
      fc.property(
        fc.array(transaction, { minLength: 1, maxLength: 300 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 97 }),
        (rows, delim, nl, chunk) => {
          const lines = [['SKU', 'Date', 'Quantity', 'Sales'].join(delim)];
          for (const r of rows) {
            lines.push(
              [r.sku, formatDay(r.day), r.quantity, (r.cents / 100).toFixed(2)].join(delim),
            );
          }
          const bytes = new TextEncoder().encode(lines.join(nl) + nl);
          // Every row kept: a few random rows years apart can look like strays
          // beyond a bulk (the guard's own property is below).
          const ing = new Ingestor({ asOf: 'latest' });
          for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.slice(i, i + chunk));
          const table = ing.finish();

          const want = new Map<string, { amount: number; quantity: number; count: number }>();
          for (const r of rows) {
            const w = want.get(r.sku) ?? { amount: 0, quantity: 0, count: 0 };
            // Returns count as negative sales whatever the amount's sign.
            w.amount += r.quantity < 0 && r.cents > 0 ? -r.cents : r.cents;
            w.quantity += r.quantity;
            w.count += 1;
            want.set(r.sku, w);
          }
          expect(table.report.rowsUsed).toBe(rows.length);
          expect(table.series.map((s) => s.sku)).toEqual([...want.keys()].sort());
          for (const s of table.series) {
            const w = want.get(s.sku)!;
            const cents = s.rows.reduce((a, r) => a + r.total_amount, 0) * 100;
            expect(Math.abs(cents - w.amount)).toBeLessThan(1e-3 * Math.max(1, rows.length));
            expect(s.rows.reduce((a, r) => a + r.quantity, 0)).toBe(w.quantity);
            expect(s.rows.reduce((a, r) => a + r.transactions, 0)).toBe(w.count);
            expect(s.rows).toHaveLength(table.weeks.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('garbage never throws', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const t = ingestText(text);
        expect(t.report.issueCount).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('random CSV-ish text with a valid header', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '2023-01-02',
        '31/12/2023',
        '1,200',
        '12,5',
        '-3',
        '',
        '"',
        '""',
        '\n',
        '45254',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 30 }),
        fc.constantFrom(',', ';', '\t'),
        (rows, d) => {
          const text =
            ['Date', 'SKU', 'Quantity', 'Total Amount', 'Age', 'Gender'].join(d) +
            '\n' +
            rows.map((r) => r.join(d)).join('\n');
          const t = ingestText(text);
          const excluded = t.report.excluded?.rows ?? 0;
          expect(t.report.rowsUsed + t.report.rowsSkipped + excluded).toBe(t.report.rowsRead);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random bytes in random chunks', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 50 }),
        (bytes, chunk) => {
          const ing = new Ingestor();
          for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.slice(i, i + chunk));
          const t = ing.finish();
          expect(Array.isArray(t.series)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the built-in line scanner reads exactly what papaparse reads', () => {
  const cell = fc.oneof(
    fc.constantFrom(
      '2023-01-02',
      '2023-01-09',
      '31/12/2023',
      '5',
      '-2',
      '12.5',
      '',
      'Male',
      'f',
      'Beauty',
    ),
    fc.string({ maxLength: 6 }),
    fc.constantFrom('"a,b"', '"x""y"', '"multi\nline"', '"5"', '"2023-01-03"', 'a"b', '"c"d', '"'),
  );
  it('same table with and without the scanner, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 5, maxLength: 7 }), { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 64 }),
        (rows, nl, chunk) => {
          const text =
            ['Date', 'SKU', 'Quantity', 'Total Amount', 'Gender', 'Age'].join(',') +
            nl +
            rows.map((r) => r.join(',')).join(nl) +
            nl;
          const reference = ingestText(text, { fastScan: false });
          const bytes = new TextEncoder().encode(text);
          const ing = new Ingestor();
          for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.slice(i, i + chunk));
          expect(ing.finish()).toEqual(reference);
          expect(ingestText(text)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });
});
