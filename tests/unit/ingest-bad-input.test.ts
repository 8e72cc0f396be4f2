// The data contract (../shared/design/CONTRACT.md §5): every problem names row,
// column and what was expected; good rows are still used; nothing throws.
import { describe, expect, it } from 'vitest';
import { Ingestor, ingestText, type IngestOptions } from '../../src/core/ingest';
import type { IngestIssue, WeeklyTable } from '../../src/core/types';

const only = (t: WeeklyTable): IngestIssue[] => t.report.issues;
const fileError = (code: string, message: string): IngestIssue => ({
  severity: 'error',
  code,
  message,
});
const rowIssue = (
  severity: IngestIssue['severity'],
  code: string,
  row: number,
  column: string,
  message: string,
): IngestIssue => ({ severity, code, row, column, message });
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** A file whose report must hold exactly `issues`, and what else must hold of its table. */
interface IssueCase {
  name: string;
  text: string;
  options?: IngestOptions;
  issues: IngestIssue[];
  also?: (t: WeeklyTable) => void;
}

/** Ingests the case's text and checks its issues, then the rest. */
function checkIssues({ text, options, issues, also }: IssueCase): void {
  const t = ingestText(text, options);
  expect(only(t)).toEqual(issues);
  also?.(t);
}

const noSeries = (t: WeeklyTable): void => {
  expect(t.series).toEqual([]);
};

const fileCases: IssueCase[] = [
  ...['', '\uFEFF', '\n\n  \n'].map((text) => ({
    name: `empty file ${JSON.stringify(text)}`,
    text,
    issues: [
      {
        severity: 'error' as const,
        code: 'empty-file',
        message: 'The file is empty; expected a CSV file with a header row and data rows',
      },
    ],
    also: noSeries,
  })),
  {
    name: 'header only',
    text: 'Date,Sales\r\n',
    issues: [
      {
        severity: 'error',
        code: 'no-data-rows',
        message: 'The file has a header row but no data rows; expected at least one row of sales',
      },
    ],
    also: noSeries,
  },
  {
    name: 'no header row',
    text: '2023-01-02,5\n2023-01-03,6\n',
    issues: [
      fileError(
        'no-header',
        'Row 1 looks like data ("2023-01-02", "5"), not a header; expected a first row naming the columns, such as Date, Product Category, Total Amount',
      ),
    ],
  },
  {
    name: 'no date column among unrecognised columns',
    text: 'Foo,Sales\nx,1\n',
    issues: [
      fileError(
        'no-date-column',
        'No date column found among "Foo", "Sales"; expected a column named like Date (or choose one: --map date=COLUMN)',
      ),
    ],
  },
  {
    name: 'a mapping to a column that is not there',
    text: 'Date,Sales\n2023-01-02,5\n',
    options: { mapping: { amount: 'Revenue' } },
    issues: [
      {
        severity: 'error',
        code: 'unknown-column',
        column: 'Revenue',
        message:
          'Column "Revenue" chosen for amount is not in the file; expected one of: "Date", "Sales"',
      },
    ],
  },
];

const rowCases: IssueCase[] = [
  {
    name: 'unparseable and empty dates',
    text: 'Date,Sales\n2023-01-02,5\nnope,6\n2023-02-30,1\n,3\n',
    issues: [
      rowIssue(
        'error',
        'bad-date',
        3,
        'Date',
        'Row 3, column "Date": "nope" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023',
      ),
      rowIssue(
        'error',
        'bad-date',
        4,
        'Date',
        'Row 4, column "Date": "2023-02-30" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023',
      ),
      rowIssue(
        'error',
        'missing-date',
        5,
        'Date',
        'Row 5, column "Date": empty; expected a date such as 2023-11-24',
      ),
    ],
    also: (t) => {
      expect(t.report).toMatchObject({
        rowsRead: 4,
        rowsUsed: 1,
        rowsSkipped: 3,
        skippedByReason: { 'bad-date': 2, 'missing-date': 1 },
      });
    },
  },
  {
    name: 'a date only readable in the order the file does not use',
    text: 'Date,Sales\n13/01/2023,5\n01/13/2023,6\n01/13/2023,7\n',
    issues: [
      rowIssue(
        'error',
        'bad-date',
        3,
        'Date',
        'Row 3, column "Date": "01/13/2023" is not a valid date when read day-first (DD/MM/YYYY), as the rest of the file is (2 rows with this value skipped); expected a date such as 24/11/2023',
      ),
    ],
    also: (t) => {
      expect(t.report).toMatchObject({
        rowsUsed: 1,
        rowsSkipped: 2,
        skippedByReason: { 'bad-date': 2 },
      });
    },
  },
  {
    name: 'a number with an ambiguous thousands separator is rejected',
    text: 'Date,Sales\n2023-01-02,"1,200"\n2023-01-03,7\n',
    issues: [
      rowIssue(
        'error',
        'thousands-separator',
        2,
        'Sales',
        'Row 2, column "Sales": "1,200" could use a thousands separator (1200) or a decimal comma (1.2); expected a plain number such as 1200 or 1.2',
      ),
    ],
    also: (t) => {
      expect(t.series[0]?.rows.map((r) => r.total_amount)).toEqual([7]);
    },
  },
  {
    name: 'unambiguous thousands separators are read, with one warning per column',
    text: 'Date,Sales\n2023-01-02,"1,234.50"\n2023-01-03,"2,000,000"\n',
    issues: [
      rowIssue(
        'warning',
        'thousands-separator',
        2,
        'Sales',
        'Column "Sales" uses thousands separators (2 rows, first at row 2: "1,234.50" read as 1234.5); values were read that way',
      ),
    ],
    also: (t) => {
      expect(t.series[0]?.rows[0]?.total_amount).toBe(2001234.5);
    },
  },
  {
    name: "a return's money is shown as a planner reads it, not as binary floating point",
    text: 'Date,StockCode,Quantity,Price\n2023-01-02,A,3,6.95\n2023-01-03,A,-13,6.95\n',
    issues: [
      rowIssue(
        'warning',
        'negative-quantity',
        3,
        'Quantity',
        'Row 3, column "Quantity": -13 is a return; kept and counted as negative sales (-90.35)',
      ),
    ],
  },
  {
    name: 'negative quantity is a return: kept, negative sales, warned',
    text: 'Date,Product Category,Quantity,Price per Unit,Total Amount\n2023-01-02,Beauty,3,25,75\n2023-01-03,Beauty,-2,25,50\n',
    issues: [
      rowIssue(
        'warning',
        'negative-quantity',
        3,
        'Quantity',
        'Row 3, column "Quantity": -2 is a return; kept and counted as negative sales (-50)',
      ),
    ],
    also: (t) => {
      const week = t.series[0]!.rows[0]!;
      expect(week.total_amount).toBe(25);
      expect(week.quantity).toBe(1);
      expect(week.transactions).toBe(2);
    },
  },
  {
    name: 'missing amount: computed from quantity × price when possible, else skipped',
    text: 'Date,SKU,Quantity,Price per Unit,Total Amount\n2023-01-02,A,2,25,\n2023-01-03,A,2,,\n2023-01-04,A,1,25,30\n',
    issues: [
      rowIssue(
        'warning',
        'amount-computed',
        2,
        'Total Amount',
        'Row 2, column "Total Amount": empty; used Quantity × Price per Unit = 50 instead',
      ),
      rowIssue(
        'error',
        'missing-amount',
        3,
        'Total Amount',
        'Row 3, column "Total Amount": empty; expected an amount (or both quantity and price to compute it)',
      ),
    ],
    also: (t) => {
      expect(t.series[0]?.rows[0]?.total_amount).toBe(80);
      expect(t.report.skippedByReason).toEqual({ 'missing-amount': 1 });
    },
  },
  {
    name: 'duplicate header names: the first is used, with a warning',
    text: 'Date,Sales,Date\n2023-01-02,5,x\n',
    issues: [
      rowIssue(
        'warning',
        'duplicate-header',
        1,
        'Date',
        'Row 1: columns A and C are both named "Date"; the first one (A) is used, expected unique column names',
      ),
    ],
    also: (t) => {
      expect(t.series[0]?.rows[0]?.total_amount).toBe(5);
    },
  },
  {
    name: 'ragged rows: too few or too many fields are skipped; a trailing empty field is fine',
    text: 'Date,Sales,Qty\n2023-01-02,5\n2023-01-03,6,1,7\n2023-01-04,6,1,\n',
    issues: [
      {
        severity: 'error',
        code: 'ragged-row',
        row: 2,
        message:
          "Row 2 has 2 fields but the header has 3; the row is cut short; expected 3 fields separated by ','",
      },
      {
        severity: 'error',
        code: 'ragged-row',
        row: 3,
        message:
          "Row 3 has 4 fields but the header has 3; a value probably contains an unquoted ','; expected 3 fields separated by ','",
      },
    ],
    also: (t) => {
      expect(t.report.rowsUsed).toBe(1);
    },
  },
];

describe('file-level problems give one error, no series', () => {
  it.each(fileCases)('$name', checkIssues);

  it('no amount column', () => {
    const t = ingestText('Date,Colour\n2023-01-02,red\n');
    expect(only(t)[0]?.code).toBe('no-amount-column');
    expect(only(t)[0]?.message).toContain(
      'expected a column named like Total Amount, Sales or Revenue',
    );
  });

  // Files that are not UTF-8 (Windows-1252, UTF-16, mixed) are read: ingest-encoding.test.ts.

  it('binary content and spreadsheet workbooks', () => {
    const zip = new Ingestor();
    zip.push(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00));
    expect(only(zip.finish())[0]?.message).toBe(
      'The file is a spreadsheet workbook (Excel or similar), not CSV text; expected a CSV file: save it as "CSV UTF-8" first',
    );
    const nul = ingestText('Date,Sales\n\u0000\u0001\u0002');
    expect(only(nul)[0]).toMatchObject({ code: 'binary', severity: 'error' });
  });

  it('every row bad', () => {
    const t = ingestText('Date,Sales\nx,1\ny,2\n');
    expect(t.series).toEqual([]);
    expect(t.report.rowsSkipped).toBe(2);
    expect(t.report.issues[0]).toMatchObject({ code: 'no-valid-rows', severity: 'error' });
  });
});

describe('row-level problems skip the row (errors) or keep it (warnings)', () => {
  it.each(rowCases)('$name', checkIssues);

  it('a decimal comma in a semicolon file is read, with one warning per column', () => {
    const t = ingestText('Date;Sales\n2023-01-02;12,5\n2023-01-03;0,25\n2023-01-04;1.234,5\n');
    expect(t.report.delimiter).toBe(';');
    expect(t.series[0]?.rows[0]?.total_amount).toBe(1247.25);
    expect(only(t).map((i) => [i.code, i.message])).toEqual([
      [
        'decimal-comma',
        'Column "Sales" uses a decimal comma (2 rows, first at row 2: "12,5" read as 12.5); values were read that way',
      ],
      [
        'thousands-separator',
        'Column "Sales" uses thousands separators (1 row, first at row 4: "1.234,5" read as 1234.5); values were read that way',
      ],
    ]);
  });

  it("a semicolon file's weights with three decimals (8,116 kg) are decimal commas, not thousands", () => {
    const t = ingestText(
      'Datum;Artikel;Menge (kg)\n02.01.2023;A;8,116\n09.01.2023;A;19,283\n16.01.2023;A;12,5\n',
    );
    expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([8.116, 19.283, 12.5]);
    expect(only(t).map((i) => [i.code, i.message])).toEqual([
      [
        'decimal-comma',
        'Column "Menge (kg)" uses a decimal comma (3 rows, first at row 2: "8,116" read as 8.116); values were read that way; 2 of them could also be read the other way ("8,116" as 8116): check that the commas are decimal marks',
      ],
    ]);
  });

  it("a column's commas are what its cells have shown them to be", () => {
    // Tab-separated (Excel's Unicode text): 0,070 shows the commas are decimal marks, so 1,250 is 1.25.
    const decimal = ingestText('Date\tSKU\tQty\n2023-01-02\tA\t0,070\n2023-01-09\tA\t1,250\n');
    expect(decimal.series[0]?.rows.map((r) => r.quantity)).toEqual([0.07, 1.25]);
    // A column that has shown 2,500.75 has thousands separators: "1,200" is 1200.
    const thousands = ingestText('Date,Sales\n2023-01-02,"2,500.75"\n2023-01-09,"1,200"\n');
    expect(thousands.series[0]?.rows.map((r) => r.total_amount)).toEqual([2500.75, 1200]);
    expect(thousands.report.rowsSkipped).toBe(0);
    // Learnt row by row (the same in any chunking): a cell above the first that shows it stays a question.
    const above = ingestText('Date,Sales\n2023-01-02,"1,200"\n2023-01-09,"2,500.75"\n');
    expect(above.report.skippedByReason).toEqual({ 'thousands-separator': 1 });
    // Both kinds in one column: "1,200" stays a question, not a guess.
    const both = ingestText(
      'Date;Sales\n2023-01-02;"12,5"\n2023-01-09;"2,500.75"\n2023-01-16;"1,200"\n',
    );
    expect(both.report.skippedByReason).toEqual({ 'thousands-separator': 1 });
  });

  it("a template's weeks counted from 1 with no year are told they need one", () => {
    const header = ['SKU', ...Array.from({ length: 6 }, (_, i) => `Week ${i + 1}`)].join(',');
    const t = ingestText(`${header}\nA,1,2,3,4,5,6\n`);
    expect(t.report.issues.map((i) => i.code)).toEqual(['no-date-column']);
    expect(t.report.issues[0]?.message).toContain(
      'the columns "Week 1" to "Week 6" count periods but say no year, so no week can be dated; expected a date or a week with its year in each column\'s name (2024-W01 or 01/01/2024',
    );
  });

  it('text where a number belongs', () => {
    const t = ingestText(
      'Date,Sales,Quantity\n2023-01-02,abc,1\n2023-01-03,5,two\n2023-01-04,5,1\n',
    );
    expect(only(t).map((i) => [i.row, i.column, i.code, i.message])).toEqual([
      [
        2,
        'Sales',
        'bad-number',
        'Row 2, column "Sales": "abc" is not a number; expected a number such as 3 or 12.5',
      ],
      [
        3,
        'Quantity',
        'bad-number',
        'Row 3, column "Quantity": "two" is not a number; expected a number such as 3 or 12.5',
      ],
    ]);
    expect(t.report.rowsUsed).toBe(1);
  });

  it('a bad age drops the age, not the row', () => {
    const t = ingestText('Date,Sales,Age\n2023-01-02,5,old\n2023-01-03,5,40\n');
    expect(t.report.rowsUsed).toBe(2);
    expect(t.series[0]?.rows[0]?.age).toBe(40);
    expect(only(t)[0]).toMatchObject({
      severity: 'warning',
      code: 'bad-number',
      row: 2,
      column: 'Age',
    });
    expect(only(t)[0]?.message).toBe(
      'Row 2, column "Age": "old" is not a number; expected a number such as 3 or 12.5 (value ignored, row kept)',
    );
  });

  it('amount from quantity × price when the file has no amount column', () => {
    const t = ingestText(
      'InvoiceDate,StockCode,Quantity,UnitPrice\n2023-01-02,X1,3,2.5\n2023-01-03,X1,-1,2.5\n',
    );
    const w = t.series[0]!.rows[0]!;
    expect([w.total_amount, w.quantity, w.price_per_unit]).toEqual([5, 2, 2.5]);
  });

  it('row numbers count blank lines and multi-line quoted values like a spreadsheet', () => {
    const t = ingestText('Date,Sales,Note\n2023-01-02,5,"two\nlines"\n\n2023-01-03,x,y\n');
    expect(only(t)[0]?.row).toBe(4);
  });

  it('empty sku and empty category', () => {
    const a = ingestText('Date,SKU,Sales\n2023-01-02, ,5\n');
    expect(only(a).find((i) => i.code === 'missing-sku')?.message).toBe(
      'Row 2, column "SKU": empty; expected a product id',
    );
    const b = ingestText('Date,Product Category,Price per Unit,Total Amount\n2023-01-02,,25,5\n');
    expect(only(b).map((i) => i.code)).toEqual(['no-valid-rows', 'missing-category']);
  });

  it('caps the stored issues but keeps exact counts', () => {
    const lines = ['Date,Sales'];
    for (let i = 0; i < 500; i++) lines.push(`bad${i},1`);
    lines.push('2023-01-02,1');
    const t = ingestText(lines.join('\n'), { maxIssues: 10 });
    expect(t.report.issues).toHaveLength(10);
    expect(t.report.issueCount).toBe(500);
    expect(t.report.skippedByReason).toEqual({ 'bad-date': 500 });
    expect(t.report.rowsUsed).toBe(1);
  });
});

describe('an unclosed quote', () => {
  it('at the end of a file: the rows before it are kept', () => {
    const t = ingestText('Date,Sales\n2023-01-02,5\n2023-01-03,"6\n2023-01-04,7\n');
    expect(t.report.rowsUsed).toBe(1);
    expect(t.report.issues.map((i) => i.code)).toEqual(['bad-number', 'unclosed-quote']);
  });

  it('early in a big stream: given up at a bound, in linear time', () => {
    const ing = new Ingestor();
    ing.push('Date,Sales\n2023-01-02,5\n2023-01-03,"6\n');
    const block = '2023-01-04,7\n'.repeat(80_000); // ~1 MB
    for (let i = 0; i < 40; i++) ing.push(block);
    const t = ing.finish();
    expect(t.series).toEqual([]);
    expect(t.report.issues[0]).toEqual({
      severity: 'error',
      code: 'unclosed-quote',
      column: undefined,
      message:
        "Row 3: a quoted value starts here and is never closed (over 32 MB without its closing '\"'); expected quotes in pairs",
    });
  });
});

describe('sizes the page cannot hold', () => {
  it('a stray year is a bad date, not a calendar over centuries', () => {
    const t = ingestText('Date,Sales\n2023-01-02,1\n0202-01-05,2\n');
    expect(t.weeks).toEqual(['2023-01-02']);
    expect(t.report.issues[0]?.message).toBe(
      'Row 3, column "Date": "0202-01-05" is not a date; expected a date between 1900 and 2100 such as 2023-11-24, 24/11/2023 or 11/24/2023',
    );
  });

  it('a weekly table over 5,000,000 rows is refused with the reason', () => {
    const lines = ['Date,SKU,Sales', '1900-01-01,s0,1', '2100-12-31,s0,1'];
    for (let i = 1; i < 480; i++) lines.push(`2000-01-03,s${i},1`);
    // Every row kept: by default the 2100 row is beyond the bulk (ingest/origin.ts) and goes.
    const t = ingestText(lines.join('\n'), { asOf: 'latest' });
    expect(t.series).toEqual([]);
    expect(t.report.issues).toEqual([
      {
        severity: 'error',
        code: 'table-too-large',
        message:
          'The weekly table would have 5,034,240 rows (480 skus × 10,488 weeks, 1900-01-01 to 2100-12-31); expected at most 5,000,000: check the date column for stray years, or choose a coarser sku column',
      },
    ]);
  });
});

describe("a report's total rows", () => {
  const sales = ['Date,SKU,Qty', '2024-01-01,A,3', '2024-01-01,B,4', '2024-01-08,A,5'];

  it('a footer total is left out with a warning, not an error, and the rows above are used', () => {
    const t = ingestText([...sales, 'Grand Total,,12', ',Total,12'].join('\n'));
    expect(t.report.issues).toEqual([
      {
        severity: 'warning',
        code: 'total-row',
        row: 5,
        message:
          '2 rows are a report\'s totals (the sum of the rows above them), not sales, and were left out: row 5 ("Grand Total"), row 6 ("Total")',
      },
    ]);
    expect(t.report.rowsUsed).toBe(3);
    expect(t.report.skippedByReason).toEqual({ 'total-row': 2 });
  });

  it('a dated subtotal under the sku column is not one more sku: the grand total is not doubled', () => {
    const t = ingestText(
      [...sales, '2024-01-01,Total,7', '2024-01-08,Total,5', '2024-01-08,Subtotal,5'].join('\n'),
    );
    expect(t.series.map((s) => s.sku)).toEqual(['A', 'B']);
    expect(t.report.skippedByReason).toEqual({ 'total-row': 3 });
  });

  it("Excel's Subtotal rows (`A Total` beside an empty date) are left out as totals", () => {
    const t = ingestText([...sales, ',A Total,8', ',B Ergebnis,4'].join('\n'));
    expect(t.report.skippedByReason).toEqual({ 'total-row': 2 });
    expect(t.report.issues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('tells of a total a day in one warning, not one per row', () => {
    const lines = ['Date,SKU,Qty'];
    for (let d = 1; d <= 28; d++) {
      const day = `2024-02-${String(d).padStart(2, '0')}`;
      lines.push(`${day},A,1`, `${day},B,2`, `${day},Total,3`);
    }
    const t = ingestText(lines.join('\n'));
    expect(t.report.skippedByReason).toEqual({ 'total-row': 28 });
    expect(t.report.issues.map((i) => i.message)).toEqual([
      '28 rows are a report\'s totals (the sum of the rows above them), not sales, and were left out: row 4 ("Total"), row 7 ("Total"), row 10 ("Total") and 25 more',
    ]);
  });

  it('a lone total row is said as one', () => {
    const t = ingestText([...sales, 'Grand Total,,12'].join('\n'));
    expect(t.report.issues.map((i) => i.message)).toEqual([
      'Row 5 is a report\'s total ("Grand Total"): the sum of the rows above it, not a sale; left out',
    ]);
  });

  it("tells of an order-line file's returns in one warning, each kept as negative units", () => {
    const lines = ['Date,SKU,Qty'];
    for (let d = 1; d <= 28; d++) {
      const day = `2024-02-${String(d).padStart(2, '0')}`;
      lines.push(`${day},A,5`, `${day},B,${d % 4 === 0 ? -1 : 2}`);
    }
    lines.push('2024-02-29,A,oops');
    const t = ingestText(lines.join('\n'));
    // One warning for the 7 returns, and the one bad cell is still its own message, not drowned.
    expect(t.report.issues.map((i) => [i.code, i.row, i.message])).toEqual([
      [
        'negative-quantity',
        9,
        '7 rows are returns (a negative "Qty"), kept and counted as negative units: row 9 (-1), row 17 (-1), row 25 (-1) and 4 more',
      ],
      [
        'bad-number',
        58,
        'Row 58, column "Qty": "oops" is not a number; expected a number such as 3 or 12.5',
      ],
    ]);
    const b = t.series.find((s) => s.sku === 'B')!;
    expect(b.rows.reduce((sum, w) => sum + w.quantity, 0)).toBe(21 * 2 - 7);
    expect(t.report.rowsUsed).toBe(56);
  });

  it("an item ledger's sales, written as negative quantities, are read as its positive twin's", () => {
    const sales = ['Posting Date;Item No.;Invoiced Quantity;Sales Amount (Actual)'];
    const ledger = [...sales];
    for (let d = 1; d <= 28; d++) {
      const day = `2024-02-${String(d).padStart(2, '0')}`;
      const q = 1 + (d % 5);
      sales.push(`${day};A;${q};${q * 3},50`);
      ledger.push(`${day};A;-${q};${q * 3},50`);
    }
    // One credit memo: goods back in, a positive quantity and a negative amount.
    sales.push('2024-02-20;A;-2;-7,00');
    ledger.push('2024-02-20;A;2;-7,00');
    const t = ingestText(ledger.join('\n'));
    const twin = ingestText(sales.join('\n'));
    expect(t.series).toEqual(twin.series);
    const note = t.report.issues.find((i) => i.code === 'sales-negative');
    expect(note?.message).toBe(
      'Column "Invoiced Quantity" writes sales as negative numbers (28 of 29 rows with a quantity, as an item ledger records goods going out): each was read as a sale, its quantity with the other sign; the one row with a positive quantity was read as a return',
    );
    expect(t.report.issues.map((i) => i.code)).not.toContain('negative-quantity');
    // SAP writes the minus after the number: the same.
    const sap = ledger.map((l) => l.replace(/;-(\d+);/, ';$1-;'));
    expect(ingestText(sap.join('\n')).series).toEqual(twin.series);
    // A shop with a few returns among its sales keeps them as returns.
    expect(twin.report.issues.map((i) => i.code)).toContain('negative-quantity');
  });

  it('a sku whose name merely holds the word is a sku', () => {
    const t = ingestText([...sales, '2024-01-08,Total Care Toothpaste,2', ',Dim Sum,1'].join('\n'));
    expect(t.series.map((s) => s.sku)).toEqual(['A', 'B', 'Total Care Toothpaste']);
    // Without a date it is a sale with no date, not a total.
    expect(t.report.skippedByReason).toEqual({ 'missing-date': 1 });
  });
});
