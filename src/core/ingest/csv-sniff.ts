// Delimiter and line-break detection from the start of the file.

export type Delimiter = ',' | ';' | '\t' | '|';
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

/** Splits the first lines of `sample` (quotes respected), at most `maxLines`. */
function firstLines(sample: string, maxLines: number): string[] {
  const lines: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < sample.length && lines.length < maxLines; i++) {
    const c = sample.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes && (c === 10 || c === 13)) {
      lines.push(sample.slice(start, i));
      if (c === 13 && sample.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (lines.length < maxLines && start < sample.length) lines.push(sample.slice(start));
  return lines.filter((l) => l.trim() !== '');
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let n = 0;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === delimiter) n++;
  }
  return n;
}

/** Lines of a title (report name, date range, blank) looked past for the header. */
const TITLE_LINES = 10;

/** The delimiter whose count is non-zero on line `h` and equal on the most lines after it, and its score. */
function bestFrom(
  lines: string[],
  h: number,
): { delimiter: Delimiter; consistent: number; score: number } {
  const header = lines[h] ?? '';
  let best = { delimiter: ',' as Delimiter, consistent: 0, score: -1 };
  for (const d of CANDIDATES) {
    const n = countOutsideQuotes(header, d);
    if (n === 0) continue;
    let consistent = 0;
    for (let i = h + 1; i < lines.length; i++) {
      if (countOutsideQuotes(lines[i] ?? '', d) === n) consistent++;
    }
    const score = consistent * 1000 + n;
    if (score > best.score) best = { delimiter: d, consistent, score };
  }
  return best;
}

/**
 * Picks the delimiter whose count is non-zero in the header and equal on the
 * most following lines; ties go to the larger header count, then to comma.
 * The header is the first line unless fewer than half the lines agree with it
 * (a title above the column names, with no delimiter or another count): then
 * the first lines are each tried as the header, the earliest winning ties.
 */
// Excel's separator line, written first by exports meant for Excel: `sep=;`.
const SEP_LINE = /^"?sep=([,;\t|])"?\s*(?:\r\n|\n|\r|$)/i;

/** The delimiter Excel's separator line names (`sep=;` as the first line), or null. */
export function separatorLine(sample: string): Delimiter | null {
  const m = SEP_LINE.exec(sample);
  return m ? (m[1] as Delimiter) : null;
}

export function detectDelimiter(sample: string): Delimiter {
  const named = separatorLine(sample);
  if (named !== null) return named;
  const lines = firstLines(sample, 20);
  let best = bestFrom(lines, 0);
  if (best.consistent * 2 >= lines.length - 1 && best.score >= 0) return best.delimiter;
  for (let h = 1; h < Math.min(lines.length, TITLE_LINES + 1); h++) {
    const next = bestFrom(lines, h);
    if (next.score > best.score) best = next;
  }
  return best.delimiter;
}

/** The line break of the first line: `\r\n`, `\n` or `\r`. */
export function detectNewline(sample: string): '\r\n' | '\n' | '\r' {
  let inQuotes = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes && c === 13) return sample.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
    else if (!inQuotes && c === 10) return '\n';
  }
  return '\n';
}
