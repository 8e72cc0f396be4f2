// A file that is not text is refused in the same words by the page's header
// peek (src/worker/headers.ts) and by reading the whole file (the CLI, the
// worker's run): both ask src/core/ingest/format-sniff.ts. (Text in other
// encodings is read: ingest-encoding.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/core/ingest';
import { readHeaderLine } from '../../src/worker/headers';

function ingestMessage(bytes: Uint8Array): string | undefined {
  const ingestor = new Ingestor();
  ingestor.push(bytes);
  const issues = ingestor.finish().report.issues;
  expect(issues).toHaveLength(1);
  return issues[0]?.message;
}

describe('file-format sniffing', () => {
  it.each([
    ['an xlsx workbook (zip)', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), /workbook/],
    [
      'an xls workbook (OLE)',
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a]),
      /workbook/,
    ],
    ['binary data', new Uint8Array([0x41, 0, 0x42, 0, 0x0a, 0, 7]), /binary/],
  ])('gives %s the same message in the header peek and in ingestion', (_name, bytes, shape) => {
    const peek = readHeaderLine(bytes).problem;
    expect(peek).toMatch(shape);
    expect(ingestMessage(bytes)).toBe(peek);
  });

  it('gives an empty file the same message too', () => {
    const blank = new TextEncoder().encode('\uFEFF \r\n');
    expect(ingestMessage(blank)).toBe(readHeaderLine(blank).problem);
  });
});

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** A real 8×8 PNG (signature, IHDR, IDAT, IEND), as an image saved from a browser is. */
function png(): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    // The CRC is not checked by a sniffer; a zero one keeps the fixture short.
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.from([0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0]);
  const pixels = deflateSync(Buffer.alloc(8 * 25, 0x7f));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', pixels),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** `head` then bytes 0x80-0xff over and over: what follows a signature is rarely UTF-8. */
function startingWith(head: number[], length = 3000): Uint8Array {
  const out = new Uint8Array(length);
  out.set(head);
  for (let i = head.length; i < length; i++) out[i] = 0x80 + (i % 128);
  return out;
}

describe('a file of another kind, renamed .csv', () => {
  const cases: [string, Uint8Array, string][] = [
    ['a PNG', png(), 'an image (PNG)'],
    [
      'a JPEG',
      startingWith([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...ascii('JFIF')]),
      'an image (JPEG)',
    ],
    ['a GIF', startingWith(ascii('GIF89a')), 'an image (GIF)'],
    [
      'a WebP',
      startingWith([...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WEBPVP8 ')]),
      'an image (WebP)',
    ],
    ['a PDF', startingWith(ascii('%PDF-1.7\n%')), 'a PDF document'],
    [
      'a 7-Zip archive',
      startingWith([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
      'an archive (7-Zip)',
    ],
  ];

  it.each(cases)(
    'names %s for what it is, in the header peek and in ingestion',
    (_n, bytes, what) => {
      const peek = readHeaderLine(bytes).problem;
      expect(peek).toMatch(
        new RegExp(`^This looks like ${what.replace(/[()]/g, '\\$&')}, not CSV text`),
      );
      expect(peek).not.toMatch(/UTF-8|Windows-1252/);
      expect(ingestMessage(bytes)).toBe(peek);
    },
  );

  it('reads text that merely starts with such letters: a RIFF column, a GIF sku', () => {
    for (const text of [
      'RIFF,Date,Amount\nx,2024-01-01,3\n',
      'GIF89,Date,Amount\nx,2024-01-01,3\n',
    ]) {
      expect(readHeaderLine(new TextEncoder().encode(text)).problem).toBeUndefined();
    }
  });

  it('says so in the CLI too, with exit code 2 and no encoding warning', () => {
    const root = resolve(__dirname, '../..');
    const file = join(mkdtempSync(join(tmpdir(), 'skucast-png-')), 'sales.csv');
    writeFileSync(file, png());
    const run = spawnSync(process.execPath, ['bin/skucast.mjs', 'forecast', file], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/This looks like an image \(PNG\), not CSV text/);
    expect(run.stderr).not.toMatch(/Windows-1252|not UTF-8/);
  });
});
