// Parquet files of the sample's rows, made with hyparquet-writer for the
// tests (unit and browser): typed columns, the date as DATE or TIMESTAMP,
// any codec (gzip and brotli by node:zlib, zstd by /usr/bin/zstd).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import Papa from 'papaparse';
import { repoRoot } from './forecast-helpers';

export const SAMPLE_PATH = join(repoRoot, 'public/sample/retail_sales_2023.csv');
export const SAMPLE_CSV = readFileSync(SAMPLE_PATH, 'utf8');
const sampleRows = Papa.parse<Record<string, string>>(SAMPLE_CSV.trim(), { header: true }).data;
const DAY_MS = 86_400_000;

type DateAs = 'DATE' | 'TIMESTAMP_MILLIS' | 'TIMESTAMP_MICROS';

/** The sample's rows as Parquet, typed: strings (dictionary-encoded where they repeat), numbers, and the date as asked. */
export function sampleParquet(
  opts: {
    dateAs?: DateAs;
    codec?: CompressionCodec;
    rowGroupSize?: number;
    dateName?: string;
    /** Target page size in bytes (hyparquet-writer's default: 1 MB). */
    pageSize?: number;
  } = {},
): Uint8Array {
  const dateAs = opts.dateAs ?? 'DATE';
  const ms = sampleRows.map((r) => Date.parse(`${r['Date']}T13:45:00Z`));
  const dates =
    dateAs === 'DATE'
      ? ms.map((t) => Math.floor(t / DAY_MS))
      : dateAs === 'TIMESTAMP_MILLIS'
        ? ms.map((t) => BigInt(t))
        : ms.map((t) => BigInt(t) * 1000n);
  const dateElement =
    dateAs === 'DATE'
      ? { type: 'INT32', converted_type: 'DATE' }
      : { type: 'INT64', converted_type: dateAs };
  const col = (
    name: string,
    type: 'STRING' | 'INT32' | 'DOUBLE',
  ): { name: string; data: unknown[]; type: string } => ({
    name,
    type,
    data: sampleRows.map((r) => (type === 'STRING' ? r[name] : Number(r[name]))),
  });
  const columnData = [
    col('Transaction ID', 'INT32'),
    { name: opts.dateName ?? 'Date', data: dates },
    col('Customer ID', 'STRING'),
    col('Gender', 'STRING'),
    col('Age', 'INT32'),
    col('Product Category', 'STRING'),
    col('Quantity', 'INT32'),
    col('Price per Unit', 'DOUBLE'),
    col('Total Amount', 'DOUBLE'),
  ];
  const schema = [
    { name: 'root', num_children: columnData.length },
    ...columnData.map((c) =>
      'type' in c
        ? {
            name: c.name,
            ...(c.type === 'STRING'
              ? { type: 'BYTE_ARRAY', converted_type: 'UTF8' }
              : { type: c.type }),
            repetition_type: 'OPTIONAL',
          }
        : { name: c.name, ...dateElement, repetition_type: 'OPTIONAL' },
    ),
  ];
  const zstd = (input: Uint8Array): Uint8Array =>
    new Uint8Array(spawnSync('zstd', ['-q', '-c'], { input }).stdout);
  const buffer = parquetWriteBuffer({
    columnData: columnData.map(({ name, data }) => ({ name, data })),
    schema: schema as never,
    codec: opts.codec ?? 'SNAPPY',
    compressors: {
      GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
      BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
      ZSTD: zstd,
    },
    rowGroupSize: opts.rowGroupSize ?? 100_000,
    ...(opts.pageSize !== undefined && { pageSize: opts.pageSize }),
  });
  return new Uint8Array(buffer);
}
