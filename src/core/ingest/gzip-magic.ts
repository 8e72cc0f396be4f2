// A gzip stream starts with the bytes 1f 8b, whatever the file is called
// (`sales.csv.gz`, `export` from a pipe). Core only recognises them: the
// caller decompresses (node:zlib in the CLI, DecompressionStream in the page),
// so ingestion itself stays free of platform APIs.

/** True when `head` (the first bytes of a file, at least 2) is gzip-compressed. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
