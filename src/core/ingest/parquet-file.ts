// Parquet beside CSV and workbooks: told by its first bytes (PAR1), read
// through random access, since its footer (the schema, where each row group
// lies) is at the end. The reader (parquet/, with hyparquet and its
// decompressors) is imported dynamically: the page and the CLI load its code
// only when a Parquet file comes.
import type { IssueLog } from './issues';
import type { PreReadSink } from './table-builder';

/** "PAR1": the first and the last four bytes of every Parquet file. */
export const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31] as const;

/** A Parquet file or stream starts with PAR1: true, false, or '?' while fewer than four bytes agree. */
export function sniffParquet(first: Uint8Array): boolean | '?' {
  const n = Math.min(first.length, PARQUET_MAGIC.length);
  for (let i = 0; i < n; i++) if (first[i] !== PARQUET_MAGIC[i]) return false;
  return n < PARQUET_MAGIC.length ? '?' : true;
}

/**
 * Random access to a file's bytes, as hyparquet reads them (its AsyncBuffer):
 * a file handle in the CLI, a Blob in the page, bytes held in memory for stdin.
 */
export interface ByteSource {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
  /**
   * Bytes [start, start + into.length) into `into`, when the source can fill
   * a buffer it is given (a file handle): the reader then reuses one buffer
   * per column instead of a new one per page. Resolves to the bytes read.
   */
  readInto?(start: number, into: Uint8Array): Promise<number>;
}

/** Bytes already in memory as a ByteSource. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end = bytes.byteLength) =>
      bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
  };
}

/**
 * A Parquet stream with no file behind it (stdin) is held whole to be read
 * from its end; larger ones are refused with their size.
 */
export const MAX_HELD_PARQUET_BYTES = 1024 ** 3;

export function heldTooLargeMessage(bytes: number): string {
  const mb = (n: number): string => `${Math.round(n / 1024 ** 2)} MB`;
  return `This Parquet stream is ${mb(bytes)}: Parquet read from standard input is held in memory (its footer is at the end), up to ${mb(MAX_HELD_PARQUET_BYTES)}; give the file's path instead, which is read one row group at a time`;
}

/** Between row groups: how far the read is (bytes up to the group's end), and whether to stop. */
export interface ParquetReadHooks {
  onRowGroup?(bytesDone: number): void;
  /** True stops the read before the next row group (the page's Cancel). */
  stop?(): boolean;
}

/**
 * Reads a Parquet file's rows into `sink`, one row group at a time; every
 * problem (a file cut short, not Parquet after all, a codec not read) is a
 * file error in `log`.
 */
export async function readParquet(
  source: ByteSource,
  sink: PreReadSink,
  log: IssueLog,
  hooks: ParquetReadHooks = {},
): Promise<void> {
  const { readParquetRows } = await import('./parquet');
  await readParquetRows(source, sink, log, hooks);
}

/** The column names and first rows of a Parquet file, as text, for the page's mapping form. */
export async function peekParquet(
  source: ByteSource,
  rows = 5,
): Promise<{ headers: string[]; preview: string[][] } | { problem: string }> {
  const { peekParquetRows } = await import('./parquet');
  return peekParquetRows(source, rows);
}
