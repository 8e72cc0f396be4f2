// Delimiter and line-break detection from the start of the file.

export type Delimiter = ',' | ';' | '\t';
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t'];

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

/**
 * Picks the delimiter whose count is non-zero in the header and equal on the
 * most following lines; ties go to the larger header count, then to comma.
 */
export function detectDelimiter(sample: string): Delimiter {
  const lines = firstLines(sample, 20);
  const header = lines[0] ?? '';
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const n = countOutsideQuotes(header, d);
    if (n === 0) continue;
    let consistent = 0;
    for (let i = 1; i < lines.length; i++) {
      if (countOutsideQuotes(lines[i] ?? '', d) === n) consistent++;
    }
    const score = consistent * 1000 + n;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
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
