// The encodings planners' exports come in (issue 23): a German Excel "CSV"
// (Windows-1252), UTF-16 with or without a byte order mark, UTF-8 with a few
// bytes pasted in from a 1252 file. Each is read as its UTF-8 twin is, with a
// note saying how; binary data is still refused. Files are generated here and
// go through the real Ingestor (and, for the 64 KB chunking, the CLI's reader).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ingestor, type IngestOptions } from '../../src/core/ingest';
import { mulberry32 } from '../../src/core/random';
import type { WeeklyTable } from '../../src/core/types';
import { ingestFile } from '../../src/node/read-file';
import { readHeaderLine } from '../../src/worker/headers';
import { cp1252, germanExport, HEADER, utf16, utf8, windows1250 } from './encoding-files';

const MAPPING: IngestOptions = { mapping: { sku: 'Artikelbezeichnung' } };

/** The Ingestor fed `bytes` in chunks of `size` (the page and the CLI push 64 KB). */
function ingestChunks(bytes: Uint8Array, size = 64 * 1024, opts = MAPPING): WeeklyTable {
  const ing = new Ingestor(opts);
  for (let at = 0; at < bytes.length; at += size) ing.push(bytes.subarray(at, at + size));
  return ing.finish();
}

const codes = (t: WeeklyTable): string[] => t.report.issues.map((i) => i.code);
/** The report's notes on the encoding, and the rest, which must be the UTF-8 twin's. */
const encodingCodes = (t: WeeklyTable): string[] =>
  codes(t).filter((c) => c.startsWith('encoding-'));
const otherIssues = (t: WeeklyTable): WeeklyTable['report']['issues'] =>
  t.report.issues.filter((i) => !i.code.startsWith('encoding-'));

describe('Windows-1252 (German Excel "CSV")', () => {
  const text = germanExport(400);
  const twin = ingestChunks(utf8(text));

  it('gives the weekly table of its UTF-8 twin, with a note saying how it was read', () => {
    expect(twin.report.rowsUsed).toBe(400);
    expect(encodingCodes(twin)).toEqual([]);
    const t = ingestChunks(cp1252(text));
    expect(otherIssues(t)).toEqual(twin.report.issues);
    expect(t.series).toEqual(twin.series);
    expect(t.report.rowsUsed).toBe(400);
    expect(t.report.mapping).toEqual(twin.report.mapping);
    expect(t.report.mapping.quantity).toBe('Menge (Stück)');
    expect(t.series.map((s) => s.sku).sort()).toEqual(
      ['Gutschein 10 €', 'Käse „Gouda“ jung', 'Müsli – Nuss 500 g', 'Weißbier 0,5 l'].sort(),
    );
    expect(t.report.issues.filter((i) => i.code.startsWith('encoding-'))).toEqual([
      {
        severity: 'warning',
        code: 'encoding-windows-1252',
        message: expect.stringMatching(
          /^Read as Windows-1252 \(Western European\) text: the file is not UTF-8 \(byte \d+ is not UTF-8\)\. Umlauts, accents and € are read as that encoding shows them/,
        ) as unknown as string,
      },
    ]);
  });

  it('is read the same in chunks of any size, one byte at a time too', () => {
    const bytes = cp1252(germanExport(30));
    const whole = ingestChunks(bytes, bytes.length);
    expect(ingestChunks(bytes, 7).series).toEqual(whole.series);
    expect(ingestChunks(bytes, 1).series).toEqual(whole.series);
    expect(whole.series).toEqual(ingestChunks(utf8(germanExport(30))).series);
  });

  it('is read right when its first umlaut comes after the first 64 KB chunk (the CLI reader)', async () => {
    // ASCII rows first, so the file looks like UTF-8 until well past 64 KB.
    const ascii = germanExport(3000, 5)
      .normalize('NFD')
      .replace(/[^ -~\r\n]/g, '');
    const later = germanExport(200, 6).split('\r\n').slice(1).join('\r\n');
    const text = ascii + later;
    expect(text.search(/[^ -~\r\n]/)).toBeGreaterThan(64 * 1024);
    const dir = mkdtempSync(join(tmpdir(), 'skucast-enc-'));
    writeFileSync(join(dir, 'twin.csv'), text);
    writeFileSync(join(dir, 'cp1252.csv'), cp1252(text));
    const t = await ingestFile(join(dir, 'cp1252.csv'), MAPPING);
    const u = await ingestFile(join(dir, 'twin.csv'), MAPPING);
    expect(t.report.rowsUsed).toBe(3200);
    expect(t.series).toEqual(u.series);
    expect(encodingCodes(t)).toEqual(['encoding-windows-1252']);
    expect(otherIssues(t)).toEqual(u.report.issues);
    expect(t.series.map((s) => s.sku)).toContain('Müsli – Nuss 500 g');
  });

  it('the header peek of the mapping form reads it the same: Menge (Stück), not mojibake', () => {
    const peek = readHeaderLine(cp1252(germanExport(10)));
    expect(peek.problem).toBeUndefined();
    expect(peek.headers).toEqual(HEADER.split(';'));
    expect(peek.detected.quantity).toBe('Menge (Stück)');
    expect(peek.preview?.flat().join(' ')).toMatch(
      /Müsli – Nuss|Weißbier|Gutschein 10 €|Käse „Gouda“/,
    );
  });

  it('a Latin-1 header alone is read too, in the peek and in ingestion alike', () => {
    const bytes = cp1252('Datum;Größe;Umsatz\n02.01.2024;groß;5\n');
    expect(readHeaderLine(bytes).headers).toEqual(['Datum', 'Größe', 'Umsatz']);
    const t = ingestChunks(bytes, 64 * 1024, {});
    expect(t.report.rowsUsed).toBe(1);
    expect(encodingCodes(t)).toEqual(['encoding-windows-1252']);
  });
});

describe('Windows-1250 (Polish Excel "CSV")', () => {
  const text = [
    'Data sprzedaży;Nazwa towaru;Kategoria;Ilość;Wartość netto',
    ...Array.from({ length: 60 }, (_, i) => {
      const day = `${String((i % 28) + 1).padStart(2, '0')}.0${(i % 3) + 1}.2024`;
      const name = ['Jabłka łąckie', 'Żurek śląski', 'Pączek z różą', 'Masło ekstra'][i % 4];
      return `${day};${name};Spożywcze;${(i % 5) + 1};${(i % 5) * 3},50`;
    }),
  ].join('\r\n');
  const bytes = windows1250(text);
  const twin = ingestChunks(utf8(text), 64 * 1024, {});

  it('gives the weekly table of its UTF-8 twin, with a note saying how it was read', () => {
    const t = ingestChunks(bytes, 64 * 1024, {});
    expect(t.series).toEqual(twin.series);
    expect(t.report.mapping).toEqual(twin.report.mapping);
    expect(t.report.mapping.quantity).toBe('Ilość');
    expect(t.series.map((s) => s.sku)).toContain('Jabłka łąckie');
    expect(encodingCodes(t)).toEqual(['encoding-windows-1250']);
  });

  it('is read the same in chunks of any size, one byte at a time too, and in the header peek', () => {
    expect(ingestChunks(bytes, 1, {}).series).toEqual(twin.series);
    expect(ingestChunks(bytes, 7, {}).series).toEqual(twin.series);
    expect(readHeaderLine(bytes).headers).toEqual(text.split('\r\n')[0]!.split(';'));
  });

  it.each([
    [
      'Czech',
      'Datum;Název;Množství',
      ['Čokoláda hořká', 'Rohlík tukový', 'Máslo čerstvé', 'Květák', 'Šunka vepřová'],
    ],
    [
      'Hungarian',
      'Dátum;Megnevezés;Mennyiség',
      ['Sütőtök', 'Tejföl', 'Kenyér fehér', 'Őszibarack', 'Kávé őrölt'],
    ],
  ])('%s text in Windows-1250 reads as its UTF-8 twin', (_language, header, names) => {
    // Three weeks of sales of each.
    const lines = [
      header,
      ...names.flatMap((n, i) => [1, 2, 3].map((w) => `0${w}.0${i + 1}.2024;${n};${i + w}`)),
    ];
    const text = lines.join('\n');
    const t = ingestChunks(windows1250(text), 64 * 1024, {
      mapping: { sku: header.split(';')[1]! },
    });
    expect(t.series.map((s) => s.sku).sort()).toEqual([...names].sort());
    expect(encodingCodes(t)).toEqual(['encoding-windows-1250']);
  });

  it.each([
    ['Danish', ['Smørrebrød', 'Rødgrød med fløde', 'Æblekage', 'Crème fraîche', 'Blåbær']],
    ['Italian', ['Caffè', 'Più gusto', 'Tiramisù', 'Lunedì pasta', 'Perché no']],
    ['Portuguese', ['Limões', 'Promoções', 'Pão de açúcar', 'Feijão', 'Maçã']],
    ['German and French', ['Crème brûlée', 'Müsli Nuss', 'Brûlée Törtchen', 'Käse', 'Grüner Tee']],
  ])('%s text in Windows-1252 stays Windows-1252', (_language, names) => {
    const lines = [
      'Datum;Artikel;Menge',
      ...names.map((n, i) => `0${i + 1}.01.2024;${n};${i + 1}`),
    ];
    const t = ingestChunks(cp1252(lines.join('\n')), 64 * 1024, {});
    expect(t.series.map((s) => s.sku).sort()).toEqual([...names].sort());
    expect(encodingCodes(t)).toEqual(['encoding-windows-1252']);
  });

  it('a German file with a cubic metre in its names stays Windows-1252', () => {
    const t = ingestChunks(
      cp1252('Datum;Artikel;Menge\n02.01.2024;Beton 2m³;5\n03.01.2024;Kies 1m³;2\n'),
      64 * 1024,
      {},
    );
    expect(t.series.map((s) => s.sku).sort()).toEqual(['Beton 2m³', 'Kies 1m³']);
    expect(encodingCodes(t)).toEqual(['encoding-windows-1252']);
  });
});

describe('UTF-16', () => {
  const text = germanExport(120);
  const twin = ingestChunks(utf8(text));

  it.each(['le', 'be'] as const)(
    '%s with a byte order mark gives the UTF-8 twin’s table, no note',
    (order) => {
      const bytes = utf16(text, order);
      // An odd chunk size splits characters across chunks.
      const t = ingestChunks(bytes, 4097);
      expect(t.series).toEqual(twin.series);
      expect(t.report.rowsUsed).toBe(120);
      expect(t.report.issues).toEqual(twin.report.issues);
      expect(readHeaderLine(bytes).headers).toEqual(HEADER.split(';'));
    },
  );

  it.each(['le', 'be'] as const)(
    '%s without a byte order mark is told by its NULs, with a note',
    (order) => {
      const t = ingestChunks(utf16(text, order, false), 1000);
      expect(t.series).toEqual(twin.series);
      expect(otherIssues(t)).toEqual(twin.report.issues);
      expect(t.report.issues.filter((i) => i.code.startsWith('encoding-'))).toEqual([
        {
          severity: 'warning',
          code: 'encoding-utf-16',
          message: `Read as UTF-16 (${order === 'le' ? 'little' : 'big'}-endian) text: the file has no byte order mark, but every other byte of its start is NUL, as in UTF-16 text`,
        },
      ]);
    },
  );
});

describe('UTF-8 with bytes that are not (rows pasted in from a 1252 file)', () => {
  it('keeps every row: valid UTF-8 as UTF-8, the other bytes as Windows-1252, with a warning', () => {
    const first = 'Datum;Artikel;Umsatz\n13.01.2024;Café;5\n14.01.2024;Tee;2\n';
    const pasted = '15.01.2024;Müsli – Nuss;3\n22.01.2024;Café;4\n';
    const bytes = new Uint8Array([...utf8(first), ...cp1252(pasted)]);
    const t = ingestChunks(bytes, 16, {});
    expect(t.report.rowsUsed).toBe(4);
    expect(t.series.map((s) => s.sku).sort()).toEqual(['Café', 'Müsli – Nuss', 'Tee']);
    expect(t.report.issues).toEqual([
      {
        severity: 'warning',
        code: 'encoding-mixed',
        message: `The file is UTF-8 text, but byte ${utf8(first).length + 13} (in "15.01.2024;Müsli – Nuss;3") and any others like it are not UTF-8: each was read as Windows-1252 (ü, é, €), the rest as UTF-8; check the names there, or save the file as "CSV UTF-8"`,
      },
    ]);
  });

  it('a UTF-8 byte order mark says UTF-8: a later 1252 byte is read as one, the rest stays UTF-8', () => {
    const bytes = new Uint8Array([
      ...utf8('\uFEFFDatum;Artikel;Umsatz\n13.01.2024;Tee;2\n'),
      ...cp1252('14.01.2024;Käse;3\n'),
      ...utf8('15.01.2024;Crème Brûlée;1\n'),
    ]);
    const t = ingestChunks(bytes, 64 * 1024, {});
    expect(t.series.map((s) => s.sku).sort()).toEqual(['Crème Brûlée', 'Käse', 'Tee']);
    expect(codes(t)).toEqual(['encoding-mixed']);
  });

  it('a character split across chunks, then a 1252 byte: each read right, the byte named exactly', () => {
    // Past the start the decoder holds to choose the encoding (ASCII rows first).
    const head = utf8(`Date,Category,Sales\n${'2023-01-02,Tee,1\n'.repeat(80)}2023-01-02,Café,5\n`);
    const tail = new Uint8Array([...utf8('2023-01-03,Tee,2\n'), ...cp1252('2023-01-04,Müsli,3\n')]);
    const cut = head.indexOf(0xc3) + 1;
    const ing = new Ingestor();
    ing.push(head.slice(0, cut));
    ing.push(head.slice(cut)); // ends the character, then ASCII
    ing.push(tail);
    const t = ing.finish();
    expect(t.series.map((s) => s.sku).sort()).toEqual(['Café', 'Müsli', 'Tee']);
    expect(t.report.issues[0]?.message).toContain(
      `byte ${head.length + tail.indexOf(0xfc) + 1} (in "2023-01-04,Müsli,3")`,
    );
  });

  it('a multi-byte character split across chunks is fine; one cut off at the end is read as 1252', () => {
    const bytes = utf8('Date,Category,Sales\n2023-01-02,Café,5\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const ok = new Ingestor();
    ok.push(bytes.slice(0, cut));
    ok.push(bytes.slice(cut));
    const table = ok.finish();
    expect(table.series.map((s) => s.sku)).toEqual(['Café']);
    expect(codes(table)).toEqual([]);
    const end = new Ingestor();
    end.push(utf8('Date,Category,Sales\n2023-01-02,Tee,5\n2023-01-03,Caf'));
    end.push(bytes.slice(cut - 1, cut));
    const t = end.finish();
    expect(t.report.rowsUsed).toBe(1);
    expect(codes(t)).toContain('encoding-mixed');
  });
});

describe('binary data is still refused', () => {
  const refusal = (bytes: Uint8Array): { code?: string; message?: string } => {
    const t = ingestChunks(bytes, 64 * 1024, {});
    expect(t.series).toEqual([]);
    const errors = t.report.issues.filter((i) => i.severity === 'error' && i.row === undefined);
    expect(errors).toHaveLength(1);
    const peek = readHeaderLine(bytes.subarray(0, 64 * 1024)).problem;
    expect(peek).toBe(errors[0]?.message);
    return errors[0] as { code: string; message: string };
  };

  it('random bytes, in files small and large', () => {
    for (const n of [40, 300, 5000, 200_000]) {
      const rand = mulberry32(n);
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      expect(refusal(bytes).code).toMatch(/^(not-utf8|binary)$/);
    }
  });

  it('random bytes after a plain header: not text, though the header was', () => {
    const rand = mulberry32(3);
    const junk = Uint8Array.from({ length: 20_000 }, () => 128 + Math.floor(rand() * 128));
    const bytes = new Uint8Array([...utf8('Date,Sales\n'), ...junk]);
    const { code, message } = refusal(bytes);
    expect(code).toBe('not-utf8');
    // Byte 12 on, unless the first random bytes happen to be valid UTF-8.
    expect(message).toMatch(
      /^The file is not text: it is not UTF-8 \(invalid byte at byte 1\d\), and read as Windows-1252 it is mostly control characters and symbols, as binary data is; expected a CSV file of delimited text \(in Excel: Save As "CSV UTF-8"\)$/,
    );
  });

  it('a PNG image and a PDF with a compressed stream', () => {
    const rand = mulberry32(9);
    const noise = (n: number): number[] =>
      Array.from({ length: n }, () => Math.floor(rand() * 256));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...noise(3000)]);
    expect(refusal(png).code).toMatch(/^(not-utf8|binary)$/);
    const pdf = new Uint8Array([
      ...utf8(
        '%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<< /Length 4000 /Filter /FlateDecode >>\nstream\n',
      ),
      ...noise(4000),
    ]);
    expect(refusal(pdf).code).toMatch(/^(not-utf8|binary)$/);
  });

  it('UTF-16 NULs in a tiny file are not enough to call it UTF-16: binary', () => {
    expect(refusal(new Uint8Array([0x41, 0, 0x42, 0, 0x0a, 0, 7])).code).toBe('binary');
  });
});

describe("Excel's CSV in the code page of another script", () => {
  const hex = (h: string): Uint8Array =>
    Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  const bytesOf = (parts: (Uint8Array | string)[]): Uint8Array => {
    const bytes = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
    const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of bytes) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  };
  // Header and two product names as Python's codecs write them in each code page.
  const files = [
    {
      page: 'Shift_JIS (Japanese)',
      header: ['日付,商品コード,数量', '93fa95742c8fa495698352815b83682c909497ca'],
      skus: [
        ['青いマグ', '90c282a2837d834f'],
        ['赤い皿', '90d482a28e4d'],
      ],
      sep: ',',
    },
    {
      page: 'GBK (Chinese)',
      header: ['日期,商品编码,销量', 'c8d5c6da2cc9ccc6b7b1e0c2eb2ccffac1bf'],
      skus: [
        ['蓝色杯子', 'c0b6c9abb1add7d3'],
        ['红盘子', 'baecc5ccd7d3'],
      ],
      sep: ',',
    },
    {
      page: 'EUC-KR (Korean)',
      header: ['날짜,상품코드,수량', 'b3afc2a52cbbf3c7b0c4dab5e52cbcf6b7ae'],
      skus: [
        ['파란컵', 'c6c4b6f5c4c5'],
        ['빨간접시', 'bba1b0a3c1a2bdc3'],
      ],
      sep: ',',
    },
    {
      page: 'Windows-1251 (Cyrillic)',
      header: ['Дата;Артикул;Количество', 'c4e0f2e03bc0f0f2e8eaf3eb3bcaeeebe8f7e5f1f2e2ee'],
      skus: [
        ['Синяя кружка', 'd1e8edffff20eaf0f3e6eae0'],
        ['Красная тарелка', 'caf0e0f1ede0ff20f2e0f0e5ebeae0'],
      ],
      sep: ';',
    },
  ];

  it.each(files)('reads $page as its UTF-8 twin, in any chunking, and says so', (f) => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const day = new Date(Date.UTC(2024, 0, 1 + i * 3)).toISOString().slice(0, 10);
      return { day, sku: i % 2, qty: 1 + ((i * 7) % 5) };
    });
    const line = (r: (typeof rows)[number], name: Uint8Array | string): (Uint8Array | string)[] => [
      `${r.day}${f.sep}`,
      name,
      `${f.sep}${r.qty}\n`,
    ];
    const twin = bytesOf([`${f.header[0]}\n`, ...rows.flatMap((r) => line(r, f.skus[r.sku]![0]!))]);
    const legacy = bytesOf([
      hex(f.header[1]!),
      '\n',
      ...rows.flatMap((r) => line(r, hex(f.skus[r.sku]![1]!))),
    ]);
    const expected = ingestChunks(twin, 64 * 1024, {});
    expect(expected.series).toHaveLength(2);
    for (const size of [3, 64 * 1024]) {
      const t = ingestChunks(legacy, size, {});
      expect(t.series).toEqual(expected.series);
      expect(encodingCodes(t)).toEqual(['encoding-code-page']);
      expect(t.report.issues[0]?.message).toContain(`Read as ${f.page} text`);
    }
    const peek = readHeaderLine(legacy, true);
    expect(peek.headers).toEqual(f.header[0]!.split(f.sep));
  });
});
