// The column names of the CSV outputs in another tool's words: statsforecast
// (and the Nixtla libraries around it) call a series `unique_id` and its date
// `ds`, so a pipeline that feeds them reads skucast's CSV with no renaming.
// Only the header line changes; the JSON outputs keep their documented keys.

export const NAME_STYLES = ['skucast', 'statsforecast'] as const;
export type NameStyle = (typeof NAME_STYLES)[number];

/** skucast's column → statsforecast's. */
const STATSFORECAST: Readonly<Record<string, string>> = { sku: 'unique_id', week_start: 'ds' };

/** One column name in `style` (a Parquet output's column). */
export function renamedColumn(name: string, style: NameStyle): string {
  return style === 'skucast' ? name : (STATSFORECAST[name] ?? name);
}

/** A CSV header line (ending in \n) with its column names in `style`. */
export function renamedHeaderLine(line: string, style: NameStyle): string {
  if (style === 'skucast') return line;
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  // Cells split at commas outside quotes: a quoted cell (a sku part's name) is never one of ours.
  const cells: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if ((c === ',' && !quoted) || i === body.length) {
      cells.push(body.slice(start, i));
      start = i + 1;
    }
  }
  const renamed = cells.map((cell) => renamedColumn(cell, style));
  return renamed.join(',') + (line.endsWith('\n') ? '\n' : '');
}

/**
 * CSV chunks whose header line (at the start of the first chunk, as every
 * CSV writer here yields it) is renamed to `style`; the rows pass untouched.
 */
export function* withColumnNames(chunks: Iterable<string>, style: NameStyle): Generator<string> {
  let first = style !== 'skucast';
  let head = '';
  for (const chunk of chunks) {
    if (!first) {
      yield chunk;
      continue;
    }
    // The header may span chunks only when it alone is longer than a chunk.
    head += chunk;
    const end = headerEnd(head);
    if (end === -1) continue;
    first = false;
    yield renamedHeaderLine(head.slice(0, end + 1), style) + head.slice(end + 1);
    head = '';
  }
  if (head !== '') yield renamedHeaderLine(head, style);
}

/** The index of the newline that ends the header line (outside quotes), or -1. */
function headerEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) return i;
  }
  return -1;
}
