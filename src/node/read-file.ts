// Streams a file from disk (or stdin for `-`) into the Ingestor in big chunks,
// gunzipping a gzip stream on the way, turning file system problems (missing,
// unreadable, too large, a broken gzip) into report issues. A Parquet file is
// read at the offsets its footer names instead (one row group at a time).
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isGzip } from '../core/ingest/gzip-magic';
import { Ingestor, type IngestOptions } from '../core/ingest';
import { PARQUET_MAGIC, sniffParquet, type ByteSource } from '../core/ingest/parquet-file';
import type { IngestIssue, WeeklyTable } from '../core/types';
import { collectGarbage } from './full-collection';

/** Larger files are refused: the CLI is for sales exports, not arbitrary dumps. */
export const MAX_FILE_BYTES = 4 * 1024 ** 3;
const CHUNK_BYTES = 64 * 1024;

function failed(code: string, message: string, opts?: IngestOptions): WeeklyTable {
  const table = new Ingestor(opts).finish();
  const issue: IngestIssue = { severity: 'error', code, message };
  // The empty-input note the Ingestor adds is replaced by the real reason.
  table.report.issues = [issue];
  table.report.issueCount = 1;
  return table;
}

export interface ReadOptions {
  maxBytes?: number;
  /** Called after each chunk read: bytes so far, and the file's size (0 for a pipe or device). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** The FILE argument that means standard input, as most Unix tools read it. */
export const STDIN_PATH = '-';

/**
 * The bytes of `source`, gunzipped when its first two bytes are gzip's magic
 * (1f 8b): a `.csv.gz`, or a gzip stream on stdin, reads as the CSV inside.
 */
async function* decompressed(source: Readable, onGzip: () => void): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // A pipe may hand over a single byte first: enough bytes to tell are gathered.
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const first = Buffer.concat(head);
  async function* whole(): AsyncGenerator<Buffer> {
    if (first.byteLength > 0) yield first;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  if (!isGzip(first)) {
    yield* whole();
    return;
  }
  onGzip();
  yield* Readable.from(whole()).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
}

export async function ingestFile(
  path: string,
  opts?: IngestOptions & ReadOptions,
): Promise<WeeklyTable> {
  const fromStdin = path === STDIN_PATH;
  let size = 0;
  if (!fromStdin) {
    const problem = fileProblem(path, opts);
    if (typeof problem !== 'number') return problem;
    size = problem;
    if (startsAsParquet(path)) return ingestParquetFile(path, size, opts);
  }
  const maxBytes = opts?.maxBytes ?? MAX_FILE_BYTES;
  const ingestor = new Ingestor(opts);
  // Devices, FIFOs and stdin have no size, and a gzip's bytes grow as they
  // are read: the bound is on the bytes read after decompression.
  let read = 0;
  const source = fromStdin ? process.stdin : createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const name = fromStdin ? 'stdin' : `File "${path}"`;
  // A gzip's own size says little of how far through its CSV the read is.
  let total = size;
  try {
    for await (const chunk of decompressed(source, () => (total = 0))) {
      read += chunk.byteLength;
      if (read > maxBytes) {
        return failed(
          'file-too-large',
          `${name} goes on past ${(maxBytes / 1024 ** 2).toFixed(0)} MB; expected at most ${(maxBytes / 1024 ** 2).toFixed(0)} MB`,
          opts,
        );
      }
      ingestor.push(chunk);
      opts?.onProgress?.(read, total);
      // The file was judged (binary, not UTF-8, no header, no date column):
      // the rest cannot change that, so it is not read (breaking out closes the stream).
      if (ingestor.stopped) break;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why = code.startsWith('Z_') ? 'is a broken gzip stream' : `could not be read (${code})`;
    return failed('unreadable', `${name} ${why}; expected a readable CSV file`, opts);
  } finally {
    if (!fromStdin) source.destroy();
  }
  return ingestor.finishAsync();
}

/** True when the regular file at `path` starts with Parquet's magic bytes. */
function startsAsParquet(path: string): boolean {
  const head = new Uint8Array(PARQUET_MAGIC.length);
  let fd: number | undefined;
  try {
    // A FIFO or device would block or never end: only regular files are read at offsets.
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    return readSync(fd, head, 0, head.length, 0) === head.length && sniffParquet(head) === true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A Parquet file read at the offsets hyparquet asks for: its footer, then each row group. */
async function ingestParquetFile(
  path: string,
  size: number,
  opts?: IngestOptions & ReadOptions,
): Promise<WeeklyTable> {
  const handle = await open(path, 'r');
  const source: ByteSource = {
    byteLength: size,
    async slice(start, end = size) {
      const bytes = new Uint8Array(Math.max(0, end - start));
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
      // Copied only when the file ended early (hyparquet then reports it cut short).
      return bytesRead === bytes.length ? bytes.buffer : bytes.buffer.slice(0, bytesRead);
    },
    async readInto(start, into) {
      return (await handle.read(into, 0, into.length, start)).bytesRead;
    },
  };
  try {
    return await new Ingestor(opts).readParquet(source, {
      onRowGroup: (done) => {
        collectGarbage();
        opts?.onProgress?.(done, size);
      },
    });
  } finally {
    await handle.close();
  }
}

/** The size of the file at `path`, or the table that says why it cannot be read. */
function fileProblem(path: string, opts?: IngestOptions & ReadOptions): number | WeeklyTable {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      return failed('unreadable', `"${path}" is a folder; expected a CSV file`, opts);
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    return failed('unreadable', `File "${path}" ${why}; expected a readable CSV file`, opts);
  }
  const maxBytes = opts?.maxBytes ?? MAX_FILE_BYTES;
  if (size > maxBytes) {
    return failed(
      'file-too-large',
      `File "${path}" is ${(size / 1024 ** 2).toFixed(0)} MB; expected at most ${(maxBytes / 1024 ** 2).toFixed(0)} MB`,
      opts,
    );
  }
  return size;
}
