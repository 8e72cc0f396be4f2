// A file that is not text is refused in the same words by the page's header
// peek (src/worker/headers.ts) and by reading the whole file (the CLI, the
// worker's run): both ask src/core/ingest/format-sniff.ts. (Text in other
// encodings is read: ingest-encoding.test.ts.)
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
