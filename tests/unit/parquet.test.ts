// Parquet in and out: files made here with hyparquet-writer (typed columns,
// dictionary-encoded strings, DATE and TIMESTAMP dates, snappy / gzip /
// brotli / zstd pages, many row groups) give the weekly table their CSV twin
// gives; `weekly` and `forecast --format parquet` read back with hyparquet to
// the CSV's rows; damaged or unusable Parquet gets a message, never a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, type CompressionCodec } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ingestor, ingestText, type IngestOptions } from '../../src/core/ingest';
import { bytesSource } from '../../src/core/ingest/parquet-file';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import type { WeeklyTable } from '../../src/core/types';
import { runSkucast } from './cli-helpers';
import { repoRoot } from './forecast-helpers';
import { SAMPLE_CSV, SAMPLE_PATH, sampleParquet } from './parquet-build';

const csvTable = ingestText(SAMPLE_CSV);

async function ingestParquet(bytes: Uint8Array, opts?: IngestOptions): Promise<WeeklyTable> {
  return new Ingestor(opts).readParquet(bytesSource(bytes));
}

/** Pushed in small chunks, as stdin comes: held, then read. */
async function ingestPushed(bytes: Uint8Array, chunk = 3): Promise<WeeklyTable> {
  const ing = new Ingestor();
  for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.subarray(i, i + chunk));
  return ing.finishAsync();
}

const hasZstd = existsSync('/usr/bin/zstd');

describe('reading Parquet', () => {
  it('the sample as Parquet (DATE dates, dictionary-encoded strings) gives the weekly table of its CSV', async () => {
    const bytes = sampleParquet();
    const meta = parquetMetadata(bytes.buffer as ArrayBuffer);
    const encodings = (name: string): string[] =>
      meta.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data
        ?.encodings ?? [];
    // The file is what the test says it is: its repeated strings are dictionary pages.
    expect(encodings('Product Category')).toContain('RLE_DICTIONARY');
    expect(encodings('Gender')).toContain('RLE_DICTIONARY');
    const t = await ingestParquet(bytes);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(csvTable));
    expect(t.report.rowsRead).toBe(1000);
    expect(t.report.rowsUsed).toBe(1000);
    expect(t.report.mapping).toEqual(csvTable.report.mapping);
    expect(t.report.issues).toEqual([]);
  });

  it.each(['TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS'] as const)(
    'dates as %s read as their UTC day',
    async (dateAs) => {
      const t = await ingestParquet(sampleParquet({ dateAs }));
      expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(csvTable));
    },
  );

  it.each(['UNCOMPRESSED', 'GZIP', 'BROTLI', ...(hasZstd ? ['ZSTD'] : [])] as CompressionCodec[])(
    '%s pages read alike',
    async (codec) => {
      const bytes = sampleParquet({ codec });
      expect(
        parquetMetadata(bytes.buffer as ArrayBuffer).row_groups[0]?.columns[0]?.meta_data?.codec,
      ).toBe(codec);
      expect(weeklyTableToCsv(await ingestParquet(bytes))).toBe(weeklyTableToCsv(csvTable));
    },
  );

  it('reads one row group at a time, and pushed bytes (stdin) read the same', async () => {
    const bytes = sampleParquet({ rowGroupSize: 64 });
    const done: number[] = [];
    const t = await new Ingestor().readParquet(bytesSource(bytes), {
      onRowGroup: (b) => done.push(b),
    });
    expect(done).toHaveLength(Math.ceil(1000 / 64));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(csvTable));
    expect(weeklyTableToCsv(await ingestPushed(bytes))).toBe(weeklyTableToCsv(csvTable));
  });

  it('pages that start at different rows in each column, several per row group, in several row groups, read alike', async () => {
    const bytes = sampleParquet({ rowGroupSize: 300, pageSize: 512 });
    const meta = parquetMetadata(bytes.buffer as ArrayBuffer);
    expect(meta.row_groups.length).toBe(4);
    // Several pages per chunk: the chunk is larger than a page.
    const chunk = meta.row_groups[0]?.columns.find(
      (c) => c.meta_data?.path_in_schema[0] === 'Customer ID',
    );
    expect(Number(chunk?.meta_data?.total_uncompressed_size)).toBeGreaterThan(2 * 512);
    const t = await ingestParquet(bytes);
    expect(weeklyTableToCsv(t)).toBe(weeklyTableToCsv(csvTable));
    expect(t.report.rowsRead).toBe(1000);
  });

  it('maps columns by name as a CSV header: --map, and a date column found by its values', async () => {
    const bytes = sampleParquet({ dateName: 'Buchung' });
    const guessed = await ingestParquet(bytes);
    expect(guessed.report.mapping.date).toBe('Buchung');
    expect(weeklyTableToCsv(guessed)).toBe(weeklyTableToCsv(csvTable));
    const mapped = await ingestParquet(bytes, {
      mapping: { date: 'Buchung', sku: 'Product Category', amount: 'Total Amount' },
    });
    expect(mapped.series.map((s) => s.sku).sort()).toEqual(['Beauty', 'Clothing', 'Electronics']);
  });

  it('bad Parquet gets a message, never a crash: cut short, PAR1 then junk, no date column', async () => {
    const whole = sampleParquet();
    const cut = await ingestParquet(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(cut.series).toEqual([]);
    expect(cut.report.issues[0]?.message).toMatch(
      /^The file starts like Parquet \(PAR1\) but cannot be read: .*; expected a whole Parquet file/,
    );
    const junk = new Uint8Array([
      0x50,
      0x41,
      0x52,
      0x31,
      ...new TextEncoder().encode('date,sku\n'),
    ]);
    const pushed = await ingestPushed(junk);
    expect(pushed.report.issues[0]?.code).toBe('unreadable-parquet');
    const noDate = parquetWriteBuffer({
      columnData: [
        { name: 'sku', data: ['a', 'b'], type: 'STRING' },
        { name: 'sales', data: [1, 2], type: 'DOUBLE' },
      ],
    });
    const t = await ingestParquet(new Uint8Array(noDate));
    expect(t.series).toEqual([]);
    expect(t.report.issues[0]?.severity).toBe('error');
    expect(t.report.issues[0]?.message).toBe(
      ingestText('sku,sales\na,1\nb,2\n').report.issues[0]?.message,
    );
  });
});

describe('the CLI with Parquet', () => {
  let dir = '';
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'skucast-parquet-'));
  });

  /** `skucast ARGS > out.parquet`, read back with hyparquet. */
  async function parquetOut(args: string[]): Promise<Record<string, unknown>[]> {
    const out = join(dir, 'out.parquet');
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" bin/skucast.mjs "$@" > "${out}"`, 'sh', ...args],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const bytes = readFileSync(out);
    return parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    });
  }

  const csvRowsOf = (text: string): Record<string, string>[] =>
    Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;

  /** A Parquet row as the CSV writes it: dates as YYYY-MM-DD. */
  const asCsv = (row: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        v instanceof Date ? v.toISOString().slice(0, 10) : String(v),
      ]),
    );

  it('forecast --format parquet reads back to the CSV rows and the same p50 sum', async () => {
    const csv = runSkucast(['forecast', SAMPLE_PATH, '--horizon', '6']);
    expect(csv.code, csv.err).toBe(0);
    const rows = await parquetOut([
      'forecast',
      SAMPLE_PATH,
      '--horizon',
      '6',
      '--format',
      'parquet',
    ]);
    const expected = csvRowsOf(csv.out);
    expect(rows.map(asCsv)).toEqual(
      expected.map((r) => ({
        ...r,
        p10: String(Number(r.p10)),
        p50: String(Number(r.p50)),
        p90: String(Number(r.p90)),
      })),
    );
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(rows.map((r) => r.p50 as number))).toBeCloseTo(
      sum(expected.map((r) => Number(r.p50))),
      6,
    );
    expect(rows[0]?.week_start).toBeInstanceOf(Date);
  });

  it('weekly --format parquet reads back to the CSV rows, typed', async () => {
    const csv = runSkucast(['weekly', SAMPLE_PATH]);
    const rows = await parquetOut(['weekly', SAMPLE_PATH, '--format', 'parquet']);
    const expected = csvRowsOf(csv.out);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const want = expected[i] as Record<string, string>;
      expect(Object.keys(row)).toEqual(Object.keys(want));
      for (const [k, v] of Object.entries(row)) {
        if (typeof v === 'number') expect(v).toBeCloseTo(Number(want[k]), 6);
        else expect(asCsv({ v }).v).toBe(want[k]);
      }
    });
  });

  it('reads a .parquet file and one on stdin as its CSV twin; --names renames Parquet columns too', async () => {
    const path = join(dir, 'sales.parquet');
    const bytes = sampleParquet({ rowGroupSize: 200 });
    writeFileSync(path, bytes);
    const csv = runSkucast(['weekly', SAMPLE_PATH]);
    const fromFile = runSkucast(['weekly', path]);
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(fromFile.out).toBe(csv.out);
    expect(fromFile.err).toMatch(/^mapping: date=Date sku=/m);
    const fromStdin = runSkucast(['weekly', '-'], { input: Buffer.from(bytes) });
    expect(fromStdin.out).toBe(csv.out);
    const renamed = await parquetOut([
      'weekly',
      path,
      '--format',
      'parquet',
      '--names',
      'statsforecast',
    ]);
    expect(Object.keys(renamed[0] ?? {}).slice(0, 3)).toEqual(['unique_id', 'seed_id', 'ds']);
  });

  it('a cut-short Parquet file exits 2 with the reason', () => {
    const path = join(dir, 'cut.parquet');
    const bytes = sampleParquet();
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    const r = runSkucast(['forecast', path]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /error \[unreadable-parquet\] The file starts like Parquet \(PAR1\) but cannot be read/,
    );
  });
});
