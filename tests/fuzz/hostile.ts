// Hostile inputs for the fuzz suite (issue 12, item 9): a seeded generator
// over the classes the issue names, and one run of an input through the same
// code the CLI runs (ingestFile from disk, the weekly CSV and report lines,
// forecastWithLibrary, the three forecast exports), checked for what must
// never happen: an exception other than a user-facing error, an exit other
// than 0 or 2 with a message, a non-finite number in any output, a formula
// cell left raw, good rows lost.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChunks, type CliIo } from '../../src/cli/command';
import { reportLines } from '../../src/cli/weekly-command';
import {
  ExportError,
  forecastCsvChunks,
  forecastJsonChunks,
  forecastToSeedJson,
} from '../../src/core/exports';
import { ForecastError, type ForecastResult } from '../../src/core/forecast';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { mulberry32 } from '../../src/core/random';
import type { WeeklyTable } from '../../src/core/types';
import { weeklyCsvChunks } from '../../src/core/weekly-csv';
import { generateCsv } from '../../src/cli/gen';
import { ingestFile } from '../../src/node/read-file';
import { cp1252 } from '../unit/encoding-files';

export const CLASSES = [
  'random-bytes',
  'mutated-export',
  'odd-encoding',
  'huge-cell',
  'extreme-numbers',
  'extreme-dates',
  'nul-bytes',
  'formula',
  'windows-1252',
  'utf-16',
] as const;
export type InputClass = (typeof CLASSES)[number];

export interface HostileInput {
  cls: InputClass;
  bytes: Uint8Array;
  /** Planted files: rows that must be used, the sum of their amounts and of their sizes. */
  good?: { rows: number; amount: number; abs: number };
}

type Rand = () => number;

const enc = new TextEncoder();

function int(rand: Rand, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function pick<T>(rand: Rand, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

/** Sources the mutations start from: the sample file and a generated export. */
export interface Sources {
  sample: string;
  generated: string;
}

export function loadSources(sampleCsv: string): Sources {
  let generated = '';
  for (const block of generateCsv({ rows: 3000, seed: 7, from: '2022-06-01', to: '2023-12-31' }))
    generated += block;
  // Without ../shared (a clone on its own) the generated export stands in for the sample.
  return { sample: existsSync(sampleCsv) ? readFileSync(sampleCsv, 'utf8') : generated, generated };
}

/** The header and first `n` data lines of a CSV text. */
function head(text: string, n: number): string {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    const next = text.indexOf('\n', at + 1);
    if (next === -1) return text;
    at = next;
  }
  return text.slice(0, at + 1);
}

const PLANT_HEADER = 'Date,SKU,Product Category,Quantity,Price per Unit,Total Amount,Note';
const FORMULAS = ['=1+1', '@SUM(A1:A9)', '+cmd|" /C calc"!A0', '-2+3', '=HYPERLINK("http://x")'];

function goodDate(rand: Rand): string {
  const m = int(rand, 1, 12);
  return `2023-${String(m).padStart(2, '0')}-${String(int(rand, 1, 28)).padStart(2, '0')}`;
}

/** A planted file: good rows (counted, amounts summed) mixed with rows `bad` makes. */
function planted(
  rand: Rand,
  cls: InputClass,
  bad: (rand: Rand) => string,
  goodLine?: (rand: Rand) => { line: string; amount: number },
): HostileInput {
  const lines = [PLANT_HEADER];
  let rows = 0;
  let amount = 0;
  let abs = 0;
  const n = int(rand, 5, 120);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.3) {
      // The Note column too: a bad row is bad for its cell, not for being short.
      lines.push(bad(rand) + ',n');
      continue;
    }
    const g = goodLine
      ? goodLine(rand)
      : (() => {
          const q = int(rand, 1, 5);
          const p = pick(rand, [25, 30, 50, 300, 500]);
          return {
            line: `${goodDate(rand)},S${int(rand, 1, 6)},Cat${int(rand, 1, 3)},${q},${p},${q * p},n`,
            amount: q * p,
          };
        })();
    lines.push(g.line);
    rows++;
    amount += g.amount;
    abs += Math.abs(g.amount);
  }
  return {
    cls,
    bytes: enc.encode(lines.join(rand() < 0.5 ? '\n' : '\r\n') + '\n'),
    good: { rows, amount, abs },
  };
}

const BAD_NUMBERS = [
  '1e309',
  '9'.repeat(309),
  '-' + '9'.repeat(400),
  '1e308',
  '-1e308',
  '1e16',
  '0x19',
  '0b101',
  'NaN',
  'Infinity',
  '-Infinity',
  '"1,200"',
  '12abc',
];
const BAD_DATES = [
  '0001-01-01',
  '9999-12-31',
  '2101-01-01',
  '1899-12-31',
  '2023-02-30',
  '2023-11-24garbage',
  '2023-11-24 garbage',
  '2023-11-24Tjunk',
  '2023-13-01',
  '99999',
  '',
  '+2023-01-01',
  '2023-1-1-1',
];

function mutate(rand: Rand, bytes: Uint8Array): Uint8Array {
  let b = Array.from(bytes);
  const count = int(rand, 1, 12);
  for (let k = 0; k < count && b.length > 0; k++) {
    const at = int(rand, 0, b.length - 1);
    switch (int(rand, 0, 6)) {
      case 0:
        b[at] = int(rand, 0, 255);
        break;
      case 1:
        b.splice(at, 0, pick(rand, [0x22, 0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x00, 0x2d, 0x3d]));
        break;
      case 2:
        b.splice(at, int(rand, 1, 200));
        break;
      case 3: {
        const len = int(rand, 1, 500);
        b.splice(at, 0, ...b.slice(at, at + len));
        break;
      }
      case 4:
        b = b.slice(0, at);
        break;
      case 5:
        b.splice(at, 0, ...enc.encode(pick(rand, [...BAD_NUMBERS, ...BAD_DATES, ...FORMULAS])));
        break;
      default:
        b.splice(at, 0, ...enc.encode(pick(rand, ['é', '€', '\uFEFF', '\u2028', '𝄞', '\r'])));
    }
  }
  return Uint8Array.from(b);
}

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  let o = 0;
  const put = (c: number): void => {
    out[o++] = bigEndian ? c >> 8 : c & 0xff;
    out[o++] = bigEndian ? c & 0xff : c >> 8;
  };
  if (bom) put(0xfeff);
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i));
  return out;
}

/** Names a German or French export has, each with a Windows-1252 byte (0x80–0x9F too: € – „ “). */
const LEGACY_NAMES = [
  'Müsli – Nuss',
  'Weißbier',
  'Gutschein 10 €',
  'Käse „Gouda“',
  'Getränke',
  'ÖL',
  'Café',
];

/** A planted file whose good rows carry names with umlauts, ß, € and dashes. */
function plantedLegacy(rand: Rand, cls: InputClass): HostileInput {
  return planted(
    rand,
    cls,
    (r) => `${pick(r, BAD_DATES)},${pick(r, LEGACY_NAMES)},C,1,5,${pick(r, ['5', 'x', '1e309'])}`,
    (r) => {
      const q = int(r, 1, 5);
      const line = `${goodDate(r)},${pick(r, LEGACY_NAMES)} ${int(r, 1, 4)},${pick(r, LEGACY_NAMES)},${q},5,${q * 5},n`;
      return { line, amount: q * 5 };
    },
  );
}

/**
 * Windows-1252: a planted German file, all in 1252 or UTF-8 with some lines in
 * 1252 (pasted in), or with its first umlaut past the first 64 KB chunk; or a
 * mutated 1252 export.
 */
function windows1252Input(rand: Rand, base: () => string): HostileInput {
  const k = int(rand, 0, 3);
  if (k === 3)
    return {
      cls: 'windows-1252',
      bytes: mutate(rand, cp1252(base().replace(/Beauty/g, 'Beauté'))),
    };
  const p = plantedLegacy(rand, 'windows-1252');
  const text = new TextDecoder().decode(p.bytes);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(nl);
  if (k === 0) return { ...p, bytes: cp1252(text) };
  if (k === 1) {
    const parts = lines.map((l, i) =>
      i > 0 && rand() < 0.3 ? cp1252(l + nl) : enc.encode(l + nl),
    );
    return { ...p, bytes: Uint8Array.from(parts.flatMap((b) => Array.from(b))) };
  }
  // About 70 KB of ASCII rows first (good ones, counted), then the 1252 rows.
  const ascii: string[] = [];
  let amount = 0;
  for (let size = 0; size < 70_000; size += (ascii.at(-1) as string).length + 1) {
    const q = int(rand, 1, 5);
    ascii.push(`${goodDate(rand)},S${int(rand, 1, 6)},Cat,${q},5,${q * 5},n`);
    amount += q * 5;
  }
  const [header, ...rows] = lines;
  const good = p.good as NonNullable<HostileInput['good']>;
  return {
    cls: 'windows-1252',
    bytes: cp1252([header, ...ascii, ...rows].join(nl)),
    good: { rows: good.rows + ascii.length, amount: good.amount + amount, abs: good.abs + amount },
  };
}

/** UTF-16 LE or BE, with or without a byte order mark: a planted German file, or a mutated one. */
function utf16Input(rand: Rand): HostileInput {
  const p = plantedLegacy(rand, 'utf-16');
  const text = new TextDecoder().decode(p.bytes);
  const bytes = utf16(text, rand() < 0.5, rand() < 0.7);
  return rand() < 0.2 ? { cls: 'utf-16', bytes: mutate(rand, bytes) } : { ...p, bytes };
}

/** The `index`-th input of the stream seeded by `seed`: reproducible one by one. */
export function hostileInput(seed: number, index: number, src: Sources): HostileInput {
  const rand = mulberry32((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const cls = CLASSES[index % CLASSES.length] as InputClass;
  const base = (): string =>
    head(rand() < 0.5 ? src.sample : src.generated, int(rand, 1, rand() < 0.9 ? 200 : 1000));
  switch (cls) {
    case 'random-bytes': {
      const n = rand() < 0.9 ? int(rand, 0, 4096) : int(rand, 4096, 300_000);
      const bytes = new Uint8Array(n);
      const printable = rand() < 0.5;
      // Half of them printable ASCII with line breaks, delimiters and quotes sprinkled in.
      for (let i = 0; i < n; i++) bytes[i] = printable ? int(rand, 32, 126) : int(rand, 0, 255);
      if (printable)
        for (let i = 0; i < n / 10; i++)
          bytes[int(rand, 0, n - 1)] = pick(rand, [10, 44, 34, 59, 9]);
      return { cls, bytes };
    }
    case 'mutated-export':
      return { cls, bytes: mutate(rand, enc.encode(base())) };
    case 'odd-encoding': {
      const text = base();
      const k = int(rand, 0, 6);
      if (k === 0) return { cls, bytes: utf16(text, false, rand() < 0.7) };
      if (k === 1) return { cls, bytes: utf16(text, true, rand() < 0.7) };
      if (k === 2) {
        // Latin-1: é as one byte.
        const t = text.replace(/Beauty/g, 'Beauté');
        return { cls, bytes: Uint8Array.from(t, (c) => c.charCodeAt(0) & 0xff) };
      }
      if (k === 3) return { cls, bytes: enc.encode('\uFEFF' + text.replace(/\n/g, '\r')) };
      if (k === 4)
        return { cls, bytes: enc.encode(text.replace(/,/g, ';').replace(/\n/g, '\r\n')) };
      if (k === 5) return { cls, bytes: enc.encode(text.replace(/,/g, '\t')) };
      return { cls, bytes: enc.encode('\uFEFF\uFEFF' + text) };
    }
    case 'huge-cell': {
      const size = int(rand, 100_000, rand() < 0.8 ? 400_000 : 3_000_000);
      const cell = pick(rand, ['x', '9', '"', ',', '=', ' ']).repeat(size);
      const k = int(rand, 0, 3);
      if (k === 0) {
        // A huge category or sku name: a good row all the same (names have no length limit).
        const name = cell.replace(/[",]/g, 'y');
        return planted(
          rand,
          cls,
          (r) => `${goodDate(r)},S1,C,1,5,${pick(r, BAD_NUMBERS)}`,
          (r) => {
            const q = int(r, 1, 5);
            const line =
              r() < 0.5
                ? `${goodDate(r)},S1,${name},${q},5,${q * 5},n`
                : `${goodDate(r)},HUGE${name},C,${q},5,${q * 5},n`;
            return { line, amount: q * 5 };
          },
        );
      }
      if (k === 1)
        return planted(rand, cls, () => `${goodDate(rand)},S1,C,1,5,${'9'.repeat(size)}`);
      if (k === 2) return { cls, bytes: enc.encode(base() + `2023-01-01,"${cell}`) };
      return { cls, bytes: enc.encode(cell + '\n' + base()) };
    }
    case 'extreme-numbers':
      return planted(
        rand,
        cls,
        (r) => `${goodDate(r)},S${int(r, 1, 6)},C,1,5,${pick(r, BAD_NUMBERS)}`,
        (r) => {
          const a = pick(r, [1e15, -1e15, 999999999999999, 1e-300, 0, -0.5, 123.45]);
          return { line: `${goodDate(r)},S${int(r, 1, 6)},C,1,5,${a},n`, amount: a };
        },
      );
    case 'extreme-dates':
      return planted(rand, cls, (r) => `${pick(r, BAD_DATES)},S${int(r, 1, 6)},C,1,5,5`);
    case 'nul-bytes':
      return planted(
        rand,
        cls,
        (r) => {
          const k = int(r, 0, 2);
          const d = goodDate(r);
          if (k === 0) return `${d},S\u0000${int(r, 1, 6)},C,1,5,5`;
          if (k === 1) return `${d},S1,C,1,5,5\u0000`;
          return `${d.slice(0, 5)}\u0000${d.slice(5)},S1,C,1,5,5`;
        },
        (r) => {
          // A NUL in the unused column: the row is good.
          const line = `${goodDate(r)},S${int(r, 1, 6)},C,1,5,5,${r() < 0.2 ? 'a\u0000b' : 'n'}`;
          return { line, amount: 5 };
        },
      );
    case 'windows-1252':
      return windows1252Input(rand, base);
    case 'utf-16':
      return utf16Input(rand);
    case 'formula':
      return planted(
        rand,
        cls,
        (r) => `${goodDate(r)},${pick(r, FORMULAS).replace(/"/g, '')},C,1,5,=1+1`,
        (r) => {
          const sku = pick(r, FORMULAS);
          const cell = /[",]/.test(sku) ? `"${sku.replace(/"/g, '""')}"` : sku;
          return {
            line: `${goodDate(r)},${cell},${pick(r, ['=A1', '@x', 'Cat'])},1,5,5,n`,
            amount: 5,
          };
        },
      );
  }
}

/** What one run found; `failures` empty when every check held. */
export interface RunOutcome {
  exitCode: 0 | 2;
  forecast: 'ok' | 'refused' | 'skipped';
  failures: string[];
  ms: number;
}

const STACK = /\n\s+at \S|internal[- ]error/i;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function recordingIo(): CliIo & { text: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    drained: () => Promise.resolve(),
    text: () => out.join(''),
    errText: () => err.join(''),
  };
}

function checkTable(table: WeeklyTable, failures: string[]): void {
  const r = table.report;
  // Rows dated past the file's bulk are set aside with a warning, counted apart (IngestReport.excluded).
  if (r.rowsRead !== r.rowsUsed + r.rowsSkipped + (r.excluded?.rows ?? 0))
    failures.push('rows read != used + skipped + excluded');
  for (const s of table.series)
    for (const row of s.rows)
      for (const [k, v] of Object.entries(row))
        if (typeof v === 'number' && !Number.isFinite(v)) {
          failures.push(`weekly ${k} = ${v} for sku ${s.sku.slice(0, 40)}`);
          return;
        }
}

/** Text cells of a CSV line must not start a formula (a plain number is fine). */
function checkFormulaCells(csv: string, failures: string[], what: string): void {
  for (const line of csv.split(/\r?\n/)) {
    const c = line.charAt(0);
    if ('=+@\t\r'.includes(c) && c !== '') {
      failures.push(`${what}: raw formula cell ${JSON.stringify(line.slice(0, 40))}`);
      return;
    }
    if (c === '-' && !PLAIN_NUMBER.test(line.slice(0, line.indexOf(',')))) {
      failures.push(`${what}: raw formula cell ${JSON.stringify(line.slice(0, 40))}`);
      return;
    }
  }
}

function checkForecast(result: ForecastResult, failures: string[]): void {
  const finite = (vs: number[], what: string): void => {
    if (!vs.every(Number.isFinite)) failures.push(`non-finite ${what}`);
  };
  for (const s of result.skus)
    for (const w of s.weeks) finite([w.p10, w.p50, w.p90], `forecast of ${s.sku.slice(0, 40)}`);
  for (const c of result.categories)
    for (const w of c.weeks) finite([w.p10, w.p50, w.p90], `category ${c.category.slice(0, 40)}`);
}

/**
 * One input through the CLI's code: written to `dir`, read by ingestFile,
 * printed as `skucast weekly` prints it, forecast with `model`, exported.
 */
export async function runOne(input: HostileInput, dir: string, model: string): Promise<RunOutcome> {
  const t0 = performance.now();
  const failures: string[] = [];
  const file = join(dir, 'input.csv');
  writeFileSync(file, input.bytes);
  let exitCode: 0 | 2 = 2;
  let forecast: RunOutcome['forecast'] = 'skipped';
  try {
    const table = await ingestFile(file);
    checkTable(table, failures);
    // skucast weekly: the table on stdout when there is one (exit 0), else exit 2; report on stderr.
    const io = recordingIo();
    if (table.series.length > 0) await writeChunks(io, weeklyCsvChunks(table));
    io.err(reportLines(table).join('\n') + '\n');
    exitCode = table.series.length > 0 ? 0 : 2;
    const out = io.text();
    if (/,(nan|-?inf)(?=[,\n])/.test(out)) failures.push('weekly CSV prints nan/inf');
    checkFormulaCells(out, failures, 'weekly CSV');
    if (STACK.test(io.errText())) failures.push('stack trace or internal error on stderr');
    if (exitCode === 2 && !/^error \[/m.test(io.errText()))
      failures.push('exit 2 without an error message');
    if (input.good) {
      const used = table.report.rowsUsed;
      if (used !== input.good.rows)
        failures.push(`good rows: ${input.good.rows} planted, ${used} used`);
      let sum = 0;
      for (const s of table.series) for (const row of s.rows) sum += row.total_amount;
      // Sums in another order: off by at most a few ulps of the largest partial sums.
      const tol =
        1e-9 * Math.max(1, Math.abs(input.good.amount)) +
        2 ** -50 * input.good.rows * input.good.abs;
      if (Math.abs(sum - input.good.amount) > tol)
        failures.push(`amounts: ${input.good.amount} planted, ${sum} in the table`);
    }
    if (table.series.length > 0) {
      try {
        const result = await forecastWithLibrary(table, { model, horizon: 4, categoryDraws: 50 });
        forecast = 'ok';
        checkForecast(result, failures);
        // Every value the CSV prints was checked finite above (names may well read "NaN").
        const csv = [...forecastCsvChunks(result)].join('');
        checkFormulaCells(csv, failures, 'forecast CSV');
        const json = JSON.parse(
          [...forecastJsonChunks(result, { report: table.report })].join(''),
        ) as {
          forecasts: { p10: unknown; p50: unknown; p90: unknown }[];
        };
        for (const f of json.forecasts)
          if (![f.p10, f.p50, f.p90].every((v) => typeof v === 'number' && Number.isFinite(v)))
            failures.push('forecast JSON holds a non-number');
        try {
          const seed = forecastToSeedJson(result);
          if (/NaN|Infinity/.test(seed)) failures.push('seed JSON prints NaN/Infinity');
        } catch (e) {
          if (!(e instanceof ExportError)) throw e;
        }
      } catch (e) {
        // The CLI ends a ForecastError with exit 2 and its message (cli/user-errors.ts).
        if (!(e instanceof ForecastError) || e.message === '') throw e;
        forecast = 'refused';
      }
    }
  } catch (e) {
    failures.push(`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  return { exitCode, forecast, failures, ms: performance.now() - t0 };
}
