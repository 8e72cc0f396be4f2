// Input shapes that are normal, not errors (the data contract,
// ../shared/design/CONTRACT.md §1), and the weekly table rules of its §2 on small
// hand-checked files.
import { describe, expect, it } from 'vitest';
import { detectColumns, Ingestor, ingestText } from '../../src/core/ingest';
import { weeklyTableToCsv, formatG10 } from '../../src/core/weekly-csv';

const SEED_HEADER =
  'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount';

describe('delimiters, BOM, CRLF, quotes', () => {
  const base = 'Date,Sales\n2023-01-02,5\n2023-01-04,6\n';
  const expected = ingestText(base);

  it.each([
    ['semicolon', 'Date;Sales\n2023-01-02;5\n2023-01-04;6\n', ';'],
    ['tab', 'Date\tSales\n2023-01-02\t5\n2023-01-04\t6\n', '\t'],
    ['pipe (POS and ERP extracts)', 'Date|Sales\n2023-01-02|5\n2023-01-04|6\n', '|'],
    ['BOM + CRLF', '\uFEFFDate,Sales\r\n2023-01-02,5\r\n2023-01-04,6\r\n', ','],
    ['quoted fields', '"Date","Sales"\n"2023-01-02","5"\n"2023-01-04","6"\n', ','],
    ['no final line break', 'Date,Sales\n2023-01-02,5\n2023-01-04,6', ','],
    ['trailing blank lines', 'Date,Sales\n2023-01-02,5\n2023-01-04,6\n\n\n', ','],
    ['old Mac CR', 'Date,Sales\r2023-01-02,5\r2023-01-04,6\r', ','],
  ])('%s', (_name, text, delimiter) => {
    const t = ingestText(text);
    expect(t.report.delimiter).toBe(delimiter);
    expect(t.series).toEqual(expected.series);
    expect(t.report.issues).toEqual([]);
    expect(t.report.rowsRead).toBe(2);
  });

  it("Excel's separator line (sep=;) names the delimiter and is no header nor title", () => {
    const t = ingestText('sep=,\nDate,SKU,Qty\n2024-01-01,A,"1,5"\n2024-01-08,A,2\n');
    expect(t.report.delimiter).toBe(',');
    expect(t.series[0]?.rows.map((r) => r.quantity)).toEqual([1.5, 2]);
    expect(t.report.issues.map((i) => i.code)).toEqual(['decimal-comma']);
    // Row numbers stay the file's: the bad cell is in row 3.
    const bad = ingestText('sep=;\nDatum;Artikel;Menge\n2024-01-02;A;x\n2024-01-09;A;2\n');
    expect(bad.report.issues.map((i) => i.row)).toEqual([3]);
  });

  it('a date column of Unix time (a database export) reads as days', () => {
    const t = ingestText('created_at|sku|qty\n1700784000|A|5\n1701043200000|A|6\n');
    expect(t.report.issues).toEqual([]);
    expect(t.series.map((s) => s.sku)).toEqual(['A']);
    expect(t.report.rowsUsed).toBe(2);
  });

  it('a quoted value holding the delimiter, quotes and a line break', () => {
    const t = ingestText('SKU,Date,Sales\n"A, ""big"" one\nreally",2023-01-02,5\nB,2023-01-02,1\n');
    expect(t.series.map((s) => s.sku)).toEqual(['A, "big" one\nreally', 'B']);
  });

  it('gives the same table whatever the chunking, byte by byte or all at once', () => {
    const text = `${SEED_HEADER}\r\n1,2023-03-06,C1,Male,30,"Beauty",2,25,50\r\n2,2023-03-07,C2,Female,40,Café,1,25,25\r\n3,2023-03-15,C3,F,35,Clothing,3,500,1500\r\n`;
    const whole = ingestText(text);
    const utf8 = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, 64]) {
      const ing = new Ingestor();
      for (let i = 0; i < utf8.length; i += size) ing.push(utf8.slice(i, i + size));
      expect(ing.finish()).toEqual(whole);
      expect(ing.bytesRead).toBe(utf8.length);
    }
  });
});

describe('column detection', () => {
  it('matches names ignoring case, spaces, _ and -', () => {
    expect(
      detectColumns(['transaction_id', 'DATE', 'price-per-unit', 'total amount', 'Weird']),
    ).toEqual({
      mapping: { date: 'DATE', price: 'price-per-unit', amount: 'total amount' },
      unmatched: ['transaction_id', 'Weird'],
    });
  });

  it('knows common synonyms', () => {
    expect(detectColumns(['Store', 'Dept', 'Date', 'Weekly_Sales', 'IsHoliday']).mapping).toEqual({
      sku: 'Store',
      category: 'Dept',
      date: 'Date',
      amount: 'Weekly_Sales',
    });
    expect(
      detectColumns(['InvoiceDate', 'StockCode', 'Qty', 'UnitPrice', 'Revenue']).mapping,
    ).toEqual({
      date: 'InvoiceDate',
      sku: 'StockCode',
      quantity: 'Qty',
      price: 'UnitPrice',
      amount: 'Revenue',
    });
  });

  it.each([
    ['Swedish', ['Datum', 'Artikelnummer', 'Antal', 'Belopp']],
    ['Danish', ['Dato', 'Varenummer', 'Antal', 'Omsætning']],
    ['Norwegian', ['Dato', 'Varenr', 'Antall', 'Beløp']],
    ['Polish', ['Data sprzedaży', 'Indeks', 'Ilość', 'Wartość netto']],
    ['Turkish', ['Tarih', 'Ürün Kodu', 'Miktar', 'Tutar']],
    ['Finnish', ['Päivämäärä', 'Tuotekoodi', 'Määrä', 'Myynti']],
    ['Czech', ['Datum prodeje', 'Kód zboží', 'Množství', 'Tržby']],
    ['Portuguese', ['Data', 'Código do produto', 'Quantidade', 'Valor']],
    ['Hungarian', ['Dátum', 'Cikkszám', 'Mennyiség', 'Összeg']],
    ['Romanian', ['Data', 'Cod produs', 'Cantitate', 'Valoare']],
    ['Russian', ['Дата', 'Артикул', 'Кол-во', 'Сумма']],
    ['Ukrainian', ['Дата', 'Артикул', 'Кількість', 'Сума']],
    ['Japanese', ['日付', '商品コード', '数量', '売上金額']],
    ['Chinese', ['日期', '商品编码', '销量', '销售额']],
    ['Korean', ['날짜', '상품코드', '수량', '매출액']],
    ["an apparel retailer's", ['Date', 'Style', 'Units', 'Net Sales']],
  ])('knows the %s column names', (_language, [date, sku, quantity, amount]) => {
    expect(detectColumns([date!, sku!, quantity!, amount!]).mapping).toEqual({
      date,
      sku,
      quantity,
      amount,
    });
  });

  it("knows a demand planning tool's quantity, and a sales quantity by its words", () => {
    const quantity = (headers: string[]): string | undefined =>
      detectColumns(headers).mapping.quantity;
    expect(quantity(['Period', 'Material', 'Demand'])).toBe('Demand');
    expect(quantity(['Date', 'SKU', 'Actual', 'Forecast'])).toBe('Actual');
    expect(quantity(['Ship Week', 'Part Number', 'Shipped Qty'])).toBe('Shipped Qty');
    expect(quantity(['Date', 'Item', 'QtyInvoiced'])).toBe('QtyInvoiced');
    // A shop's daily report: units under `Sold`, and `Verkauft` in German.
    expect(quantity(['Date', 'Product', 'Sold'])).toBe('Sold');
    expect(quantity(['Datum', 'Artikel', 'Verkauft'])).toBe('Verkauft');
    expect(quantity(['Date', 'Sold To', 'Item', 'Qty'])).toBe('Qty');
    // Stock, pack sizes and plans are quantities too, not of sales.
    expect(quantity(['Date', 'SKU', 'Qty on Hand', 'Case Qty', 'Net Units'])).toBe('Net Units');
    expect(quantity(['Date', 'SKU', 'Qty on Hand', 'Case Qty', 'Forecast Qty'])).toBeUndefined();
    // A known name still wins over a column named by words before it.
    expect(quantity(['Date', 'SKU', 'Shipped Qty', 'Quantity'])).toBe('Quantity');
  });

  it('an explicit mapping overrides detection, role by role', () => {
    const t = ingestText('Date,Sales,Net\n2023-01-02,5,4\n', { mapping: { amount: 'net' } });
    expect(t.report.mapping).toEqual({ date: 'Date', amount: 'Net' });
    expect(t.series[0]?.rows[0]?.total_amount).toBe(4);
  });
});

describe('weekly table rules', () => {
  const text = [
    SEED_HEADER,
    '1,2023-03-07,C1,Male,30,Beauty,2,25,50', // Tue, week of 03-06
    '2,2023-03-08,C2,Female,41,Beauty,1,25,25',
    '3,2023-03-09,C3,f,35,Beauty,1,25,25',
    '4,2023-03-21,C4,M,20,Beauty,4,25,100', // week of 03-20
    '5,2023-03-23,C5,other,50,Clothing,1,2.5,2.5',
  ].join('\n');
  const t = ingestText(text);

  it('shares one Monday calendar across skus, with empty weeks as zeros', () => {
    expect(t.weeks).toEqual(['2023-03-06', '2023-03-13', '2023-03-20']);
    expect(t.series.map((s) => [s.sku, s.seed_id, s.category])).toEqual([
      ['Beauty · 25', 0, 'Beauty'],
      ['Clothing · 2.5', -1, 'Clothing'],
    ]);
    const clothing = t.series[1]!.rows;
    expect(clothing.map((r) => r.total_amount)).toEqual([0, 0, 2.5]);
    expect(clothing.map((r) => r.price_per_unit)).toEqual([2.5, 2.5, 2.5]);
  });

  it('marks weeks the file covers only in part', () => {
    expect(t.series[0]!.rows.map((r) => r.partial)).toEqual([1, 0, 1]);
    expect(t.report.granularity).toBe('transactional');
  });

  it('sums, counts, median age, genders, windows without look-ahead', () => {
    const [w1, w2, w3] = t.series[0]!.rows;
    expect(w1).toMatchObject({
      total_amount: 100,
      quantity: 4,
      transactions: 3,
      age: 35,
      male: 1,
      female: 2,
    });
    expect(w2).toMatchObject({ total_amount: 0, transactions: 0, age: 0, male: 0, female: 0 });
    expect(w3).toMatchObject({ total_amount: 100, age: 20, male: 1, female: 0 });
    expect([w1!.window_mean_4, w2!.window_mean_4, w3!.window_mean_4]).toEqual([100, 50, 200 / 3]);
    expect(w1).toMatchObject({ iso_year: 2023, iso_week: 10, month: 3 });
    expect(t.series[1]!.rows[2]).toMatchObject({ male: 0, female: 0, age: 50 });
  });

  it('median of an even count is the mean of the middle two', () => {
    const two = ingestText('Date,Sales,Age\n2023-01-02,1,30\n2023-01-03,1,41\n2023-01-04,1,\n');
    expect(two.series[0]!.rows[0]!.age).toBe(35.5);
    // Fractional ages take the sorting path rather than the histogram.
    const frac = ingestText(
      'Date,Sales,Age\n2023-01-02,1,40\n2023-01-03,1,20.5\n2023-01-04,1,30\n',
    );
    expect(frac.series[0]!.rows[0]!.age).toBe(30);
    const big = ingestText('Date,Sales,Age\n2023-01-02,1,400\n2023-01-03,1,2\n');
    expect(big.series[0]!.rows[0]!.age).toBe(201);
  });

  it('weekly files have no partial weeks', () => {
    const w = ingestText(
      'Store,Date,Weekly_Sales\n1,2010-02-05,100\n1,2010-02-12,120.5\n2,2010-02-05,7\n',
    );
    expect(w.report.granularity).toBe('weekly');
    expect(w.weeks).toEqual(['2010-02-01', '2010-02-08']);
    expect(w.series.flatMap((s) => s.rows.map((r) => r.partial))).toEqual([0, 0, 0, 0]);
    expect(w.series.map((s) => s.sku)).toEqual(['1', '2']);
  });

  it('price_per_unit of sku-column files: Σamount/Σquantity, carried forward and back', () => {
    const p = ingestText(
      'Date,SKU,Quantity,Sales\n2023-01-09,A,2,10\n2023-01-23,A,4,8\n2023-01-02,B,1,0\n2023-02-06,B,0,0\n',
    );
    const a = p.series[0]!.rows.map((r) => r.price_per_unit);
    expect(p.weeks).toEqual([
      '2023-01-02',
      '2023-01-09',
      '2023-01-16',
      '2023-01-23',
      '2023-01-30',
      '2023-02-06',
    ]);
    expect(a).toEqual([5, 5, 5, 2, 2, 2]);
    const noQty = ingestText('Date,SKU,Sales\n2023-01-09,A,2\n');
    expect(noQty.series[0]!.rows[0]!.price_per_unit).toBe(0);
  });

  it('dates decades apart (outside the fast date table) read the same', () => {
    const far = ingestText(
      'Date,Sales\n2023-01-02,1\n1950-06-05,2\n2090-12-25,3\n2023-01-02,4\n1950-06-05,5\n',
    );
    expect([far.report.firstDate, far.report.lastDate]).toEqual(['1950-06-05', '2090-12-25']);
    const rows = far.series[0]!.rows;
    expect(rows[0]!.total_amount).toBe(7);
    expect(rows.at(-1)!.total_amount).toBe(3);
    expect(rows.find((r) => r.week_start === '2023-01-02')!.total_amount).toBe(5);
  });

  it('sorts skus in code-unit order', () => {
    const s = ingestText(
      'Date,SKU,Sales\n2023-01-02,b,1\n2023-01-02,B,1\n2023-01-02,a,1\n2023-01-02,Ä,1\n',
    );
    expect(s.series.map((x) => x.sku)).toEqual(['B', 'a', 'b', 'Ä']);
  });
});

describe('CSV output', () => {
  it('formats like Python %.10g', () => {
    expect(formatG10(108.33333333333333)).toBe('108.3333333');
    expect(formatG10(25)).toBe('25');
    expect(formatG10(0.5)).toBe('0.5');
    expect(formatG10(12345678901)).toBe('1.23456789e+10');
    expect(formatG10(0.00001234)).toBe('1.234e-05');
    expect(formatG10(0.0001234)).toBe('0.0001234');
    expect(formatG10(-2.5)).toBe('-2.5');
    expect(formatG10(1e100)).toBe('1e+100');
    expect(formatG10(NaN)).toBe('nan');
    expect(formatG10(9999999999)).toBe('9999999999');
    expect(formatG10(-9999999999)).toBe('-9999999999');
    expect(formatG10(10000000000)).toBe('1e+10');
    expect(formatG10(12345.678901234)).toBe('12345.6789');
  });

  it('quotes sku names holding commas or quotes', () => {
    const t = ingestText('SKU,Date,Sales\n"a,b",2023-01-02,1\n');
    expect(weeklyTableToCsv(t).split('\n')[1]).toBe(
      '"a,b",-1,2023-01-02,2023,1,1,1,1,0,1,0,0,0,0,1,1,1,1',
    );
  });
});
