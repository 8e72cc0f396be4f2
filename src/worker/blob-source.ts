// A picked or dropped file as random access for the Parquet reader: only the
// footer and each row group's byte ranges are read (Blob.slice), never the
// whole file at once.
import type { ByteSource } from '../core/ingest/parquet-file';
import { sniffParquet } from '../core/ingest/parquet-file';

export function blobSource(file: Blob): ByteSource {
  return {
    byteLength: file.size,
    slice: (start, end) => file.slice(start, end).arrayBuffer(),
  };
}

/** True when `file` starts with Parquet's magic bytes (PAR1). */
export async function isParquetBlob(file: Blob): Promise<boolean> {
  return sniffParquet(new Uint8Array(await file.slice(0, 4).arrayBuffer())) === true;
}
