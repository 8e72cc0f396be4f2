// Streams a file from disk into the Ingestor in big chunks, turning file
// system problems (missing, unreadable, too large) into report issues.
import { createReadStream, statSync } from 'node:fs';
import { Ingestor, type IngestOptions } from '../core/ingest';
import type { IngestIssue, WeeklyTable } from '../core/types';

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

export async function ingestFile(
  path: string,
  opts?: IngestOptions & ReadOptions,
): Promise<WeeklyTable> {
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
  const ingestor = new Ingestor(opts);
  // Devices and FIFOs (/dev/zero, a pipe) have no size: the bound is on bytes read.
  let read = 0;
  try {
    const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    for await (const chunk of stream) {
      read += (chunk as Buffer).byteLength;
      if (read > maxBytes) {
        stream.destroy();
        return failed(
          'file-too-large',
          `File "${path}" goes on past ${(maxBytes / 1024 ** 2).toFixed(0)} MB; expected at most ${(maxBytes / 1024 ** 2).toFixed(0)} MB`,
          opts,
        );
      }
      ingestor.push(chunk as Buffer);
      opts?.onProgress?.(read, size);
      // The file was judged (binary, not UTF-8, no header, no date column):
      // the rest cannot change that, so it is not read (breaking out closes the stream).
      if (ingestor.stopped) break;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return failed(
      'unreadable',
      `File "${path}" could not be read (${code}); expected a readable CSV file`,
      opts,
    );
  }
  return ingestor.finishAsync();
}
