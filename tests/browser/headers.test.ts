// The worker's header reader (src/worker/headers.ts) is plain code, so it is
// tested here in Node; the page flow around it is in forecast.test.ts.

import { describe, expect, it } from 'vitest';
import { readHeaderLine } from '../../src/worker/headers';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('readHeaderLine', () => {
  it('reads the seed header and recognises its roles', () => {
    const peek = readHeaderLine(
      bytes(
        'Transaction ID,Date,Customer ID,Gender,Age,Product Category,Quantity,Price per Unit,Total Amount\r\n1,2023-11-24,CUST001,Male,34,Beauty,3,50,150\r\n',
      ),
    );
    expect(peek.problem).toBeUndefined();
    expect(peek.reference).toBe(true);
    expect(peek.headers).toHaveLength(9);
    expect(peek.detected).toMatchObject({
      date: 'Date',
      category: 'Product Category',
      quantity: 'Quantity',
      price: 'Price per Unit',
      amount: 'Total Amount',
    });
  });

  it('handles a BOM, semicolons and quoted names', () => {
    const peek = readHeaderLine(
      bytes('\uFEFF"Datum";"Weekly_Sales";"Store"\n05.02.2010;"24924,50";1\n'),
    );
    expect(peek.headers).toEqual(['Datum', 'Weekly_Sales', 'Store']);
    expect(peek.detected.amount).toBe('Weekly_Sales');
    // Not the reference schema: the page asks the user to confirm the roles.
    expect(peek.reference).toBe(false);
  });

  it('previews the first data rows, leaving out a line the head cut', () => {
    const peek = readHeaderLine(bytes('Datum;Umsatz\n01.02.24;3,50\n02.02.24;4,00\n03.02.2'));
    expect(peek.preview).toEqual([
      ['01.02.24', '3,50'],
      ['02.02.24', '4,00'],
    ]);
    const many = readHeaderLine(
      bytes('a,b\n' + Array.from({ length: 9 }, (_, i) => `${i},x`).join('\n') + '\n'),
    );
    expect(many.preview).toHaveLength(5);
  });

  it('does not fail when the first bytes end inside a multi-byte character', () => {
    const full = bytes('Date,Amount,Item\n2024-01-01,3,Crème brûlée\n');
    const cut = full.slice(0, full.indexOf(0xc3) + 1);
    expect(readHeaderLine(cut).headers).toEqual(['Date', 'Amount', 'Item']);
  });

  it('reads Windows-1252 (Latin-1) and UTF-16 text as the whole file is read', () => {
    const latin1 = new Uint8Array([0x44, 0x61, 0x74, 0x65, 0x2c, 0xe9, 0x74, 0xe9, 0x0a]);
    expect(readHeaderLine(latin1).headers).toEqual(['Date', 'été']);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x44, 0, 0x2c, 0, 0x61, 0, 0x0a, 0]);
    expect(readHeaderLine(utf16).headers).toEqual(['D', 'a']);
  });

  it.each([
    ['an xlsx workbook', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /spreadsheet workbook/],
    [
      'an old xls workbook',
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]),
      /spreadsheet workbook/,
    ],
    ['binary with NUL bytes', new Uint8Array([0x41, 0, 0x42, 0, 0x0a, 0]), /binary/],
    ['an empty file', bytes('  \r\n'), /empty/],
    ['a single column', bytes('just one column\n1\n'), /row 1 should be a header/],
  ])('refuses %s with a message', (_name, head, message) => {
    const peek = readHeaderLine(head);
    expect(peek.problem).toMatch(message);
    expect(peek.headers).toEqual([]);
  });
});
