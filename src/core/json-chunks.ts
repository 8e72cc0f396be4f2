// Output in chunks, so a result larger than the longest string a JavaScript
// engine can hold (about 512 MB in V8) still writes: the one chunk size and
// gatherer behind every streamed export (forecast CSV and JSON, weekly table,
// backtest rows), and JSON.stringify(doc, null, indent) in chunks, byte for
// byte, for a document whose bulk is one array under a top-level key
// (forecast rows, backtest rows): the rest of the document is one
// JSON.stringify, the array's items are written one at a time.

/** Characters a chunk holds before it is handed out. */
export const CHUNK_CHARS = 64 * 1024;

/**
 * `pieces` (lines, rows) gathered into chunks of about `chunkChars`
 * characters. A piece longer than that goes out on its own rather than being
 * copied into a chunk.
 */
export function* chunked(pieces: Iterable<string>, chunkChars = CHUNK_CHARS): Generator<string> {
  let buf = '';
  for (const piece of pieces) {
    if (piece.length > chunkChars) {
      if (buf.length > 0) yield buf;
      yield piece;
      buf = '';
      continue;
    }
    buf += piece;
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/** Stands for the array in the document until its items are written out. */
const MARK = '\u0000streamed array\u0000';

/**
 * The text of JSON.stringify({...doc, [key]: [...items]}, null, indent) + '\n',
 * in chunks of about `chunkChars`; `key` is a top-level key of `doc` (its
 * value there is replaced, its place in the key order kept).
 */
export function jsonChunks(
  doc: Record<string, unknown>,
  key: string,
  items: Iterable<unknown>,
  indent: number,
  chunkChars = CHUNK_CHARS,
): Generator<string> {
  return chunked(jsonPieces(doc, key, items, indent), chunkChars);
}

function* jsonPieces(
  doc: Record<string, unknown>,
  key: string,
  items: Iterable<unknown>,
  indent: number,
): Generator<string> {
  const text = JSON.stringify({ ...doc, [key]: MARK }, null, indent) + '\n';
  const pad = ' '.repeat(indent);
  // The key at depth 1 starts a line, which no string value can (JSON escapes line breaks).
  const at = text.indexOf(`\n${pad}${JSON.stringify(key)}: ${JSON.stringify(MARK)}`);
  const start = text.indexOf(JSON.stringify(MARK), at);
  const end = start + JSON.stringify(MARK).length;
  const itemPad = pad + pad;
  yield text.slice(0, start);
  let first = true;
  for (const item of items) {
    yield (
      (first ? '[\n' : ',\n') +
      itemPad +
      JSON.stringify(item, null, indent).replace(/\n/g, '\n' + itemPad)
    );
    first = false;
  }
  yield (first ? '[]' : `\n${pad}]`) + text.slice(end);
}
