// A gzip-compressed upload (`sales.csv.gz`, told by its first bytes, not its
// name) is read as the CSV inside, through the browser's DecompressionStream:
// core only recognises the magic bytes (ingest/gzip-magic.ts).
import { isGzip } from '../core/ingest/gzip-magic';

async function gzipped(file: Blob): Promise<boolean> {
  return isGzip(new Uint8Array(await file.slice(0, 2).arrayBuffer()));
}

/** The bytes of `file`, decompressed when it is gzip. */
export async function fileStream(file: Blob): Promise<ReadableStream<Uint8Array>> {
  const stream = file.stream();
  if (!(await gzipped(file))) return stream;
  return stream.pipeThrough(new DecompressionStream('gzip')) as ReadableStream<Uint8Array>;
}

/** The first `n` bytes of `file` (decompressed when it is gzip), for the header peek. */
export async function headOf(file: Blob, n: number): Promise<Uint8Array> {
  if (!(await gzipped(file))) return new Uint8Array(await file.slice(0, n).arrayBuffer());
  const reader = (await fileStream(file)).getReader();
  const parts: Uint8Array[] = [];
  let have = 0;
  try {
    while (have < n) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      have += value.byteLength;
    }
  } catch {
    // A broken gzip: what was decompressed so far is the head; the full read says what is wrong.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const head = new Uint8Array(Math.min(have, n));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.byteLength, head.length - at);
    head.set(p.subarray(0, take), at);
    at += take;
    if (at === head.length) break;
  }
  return head;
}
