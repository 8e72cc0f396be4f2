// Forecast exports (§4 of the data contract, ../shared/design/CONTRACT.md
// outside the repo), the one implementation behind the CLI's --format and the
// app's download buttons: CSV, JSON with run metadata, and the seed API's
// response shape for its product ids.

import type { Decision } from './decisions';
import type { ForecastResult, ForecastTimings, ForecastWeek, SelectionSummary } from './forecast';
import { CHUNK_CHARS, chunked, jsonChunks } from './json-chunks';
import type { IngestReport } from './types';

export const CSV_HEADER = [
  'sku',
  'category',
  'seed_id',
  'week_start',
  'horizon_week',
  'p10',
  'p50',
  'p90',
  'model',
] as const;

/** Seed product ids exist for these values only (category x price table of the seed). */
export const SEED_ID_MIN = 0;
export const SEED_ID_MAX = 14;

/** Decimals of money values in the exports (the unit of total_amount, cents for currencies). */
export const MONEY_DECIMALS = 2;

/** A bad export request (e.g. --products); the message is meant for the user. */
export class ExportError extends Error {
  constructor(
    readonly code: 'empty-products' | 'bad-product-id' | 'unknown-product-id',
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/**
 * Version of the JSON exports' shape (`schema_version`, docs/forecast.schema.json):
 * raised when a key changes meaning or goes away, so a pipeline can check it.
 */
export const SCHEMA_VERSION = 1;

/**
 * One CSV row per sku and horizon week, header first, LF line ends: every CSV
 * skucast writes ends its lines the same way (spreadsheets read LF as well).
 */
export function forecastToCsv(result: ForecastResult): string {
  return joined(forecastCsvChunks(result));
}

/** forecastToCsv in chunks of about `chunkChars` characters, for output of any size. */
export function forecastCsvChunks(
  result: ForecastResult,
  chunkChars = CHUNK_CHARS,
  cell: (value: string) => string = csvCell,
): Generator<string> {
  return chunked(forecastCsvLines(result, cell), chunkChars);
}

/**
 * The file has the seed's products (the prototype's file, or one in its shape:
 * no sku column, the seed's categories and unit prices): only then does a
 * seed_id mean anything, and the seed JSON have something to answer.
 */
export function hasSeedProducts(result: ForecastResult): boolean {
  return result.skus.some((s) => s.seed_id >= SEED_ID_MIN && s.seed_id <= SEED_ID_MAX);
}

function* forecastCsvLines(
  result: ForecastResult,
  cell: (value: string) => string,
): Generator<string> {
  const { parts, seeds, units } = forecastColumns(result);
  const columns = seeds ? CSV_HEADER : CSV_HEADER.filter((c) => c !== 'seed_id');
  const header = [columns[0], ...parts.map(cell), ...columns.slice(1)];
  yield [...header, ...(units ? ['measure'] : [])].join(',') + '\n';
  const end = units ? ',units\n' : '\n';
  for (const s of result.skus) {
    const partCells = parts.map((_, i) => cell(s.parts?.[i] ?? '') + ',').join('');
    const prefix = `${cell(s.sku)},${partCells}${cell(s.category)},${seeds ? `${s.seed_id},` : ''}`;
    for (const w of s.weeks) {
      yield (
        prefix +
        `${w.week_start},${w.horizon_week},${money(w.p10)},${money(w.p50)},${money(w.p90)},${w.model ?? s.model}${end}`
      );
    }
  }
}

/** Which of the forecast rows' optional columns a result has (the CSV's and Parquet's alike). */
export function forecastColumns(result: ForecastResult): {
  /** A sku made of several columns: one more column per part, after sku. */
  parts: string[];
  /** seed_id only for the seed's products: in any other file it is -1 on every row. */
  seeds: boolean;
  /** Units: a last column, `measure`, says so on every row (money keeps the columns it always had). */
  units: boolean;
} {
  return {
    parts: partColumns(result),
    seeds: hasSeedProducts(result),
    units: result.metadata.measure === 'units',
  };
}

/**
 * Names of the columns a sku made of several columns adds to the exports:
 * the file's own column names, `sku_` before one that an export column has.
 */
export function partColumns(result: ForecastResult): string[] {
  const names = result.metadata.skuColumns ?? [];
  if (names.length < 2) return [];
  const taken = new Set<string>([...CSV_HEADER]);
  return names.map((n) => (taken.has(n) ? `sku_${n}` : n));
}

function joined(chunks: Iterable<string>): string {
  let out = '';
  for (const c of chunks) out += c;
  return out;
}

/** A plain number (`-12`, `+3.5`, `1e3`): a spreadsheet reads it as that number, not a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A text cell, quoted when it holds a delimiter, quote or line break, and
 * neutralised with a leading apostrophe when a spreadsheet would read it as a
 * formula (= + - @, or a tab/CR that some spreadsheets strip before looking).
 * A text that is a plain number (a sku `-12`) stays as it is.
 */
export function csvCell(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v) && !PLAIN_NUMBER.test(v)) v = `'${v}`;
  return rawCsvCell(v);
}

/** A text cell as read, quoted only where CSV needs it (`--raw-cells`, for pipelines). */
export function rawCsvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function money(v: number): string {
  return v.toFixed(MONEY_DECIMALS);
}

/** Extra run information for the JSON export; everything optional. */
export interface ExportMeta {
  /** Source file name, as the user knows it. */
  source?: string;
  /** Execution provider that ran the model ('wasm', 'webgpu'), if not already in the result. */
  provider?: string;
  /** Why the runtime fell back from WebGPU, if it did. */
  fallbackReason?: string;
  /** Stage timings the caller measured, ms. */
  timings?: { ingestMs?: number; modelLoadMs?: number };
  report?: IngestReport;
  /** Every decision made reading the file (decisions.ts): the JSON's `decisions`. */
  decisions?: readonly Decision[];
  /** ISO timestamp of the run; left out when not given, so output stays reproducible. */
  createdAt?: string;
  /** Leaves out what is timed (run.timings_ms, the candidates' fit_ms): reruns write the same bytes. */
  leaveOutTimings?: boolean;
}

/** The CSV rows as objects, plus run metadata, data report summary and category totals. */
export function forecastToJson(result: ForecastResult, meta: ExportMeta = {}): string {
  return joined(forecastJsonChunks(result, meta));
}

/**
 * forecastToJson in chunks, byte for byte the same text: the document around
 * the forecast rows is one JSON.stringify, the rows (one per sku and week, the
 * bulk of a large export) are written one at a time.
 */
export function forecastJsonChunks(
  result: ForecastResult,
  meta: ExportMeta = {},
  chunkChars = CHUNK_CHARS,
): Generator<string> {
  return jsonChunks(jsonDocument(result, meta), 'forecasts', jsonRows(result), 2, chunkChars);
}

/** The forecast rows of the JSON export, one per sku and week. */
function* jsonRows(result: ForecastResult): Generator<Record<string, unknown>> {
  // A sku made of several columns: its values as sku_parts (keys stay snake_case;
  // the columns' names are skus.sku_columns).
  const hasParts = partColumns(result).length > 0;
  for (const s of result.skus) {
    const partValues = hasParts ? { sku_parts: s.parts ?? [] } : {};
    for (const w of s.weeks) {
      yield {
        sku: s.sku,
        ...partValues,
        category: s.category,
        seed_id: s.seed_id,
        ...weekJson(w),
        model: w.model ?? s.model,
      };
    }
  }
}

/** The JSON export without its rows: `forecasts` holds their place (jsonChunks writes them). */
function jsonDocument(result: ForecastResult, meta: ExportMeta): Record<string, unknown> {
  const md = result.metadata;
  const doc = {
    schema_version: SCHEMA_VERSION,
    model: { name: md.modelName, version: md.modelVersion, window: md.window },
    run: {
      ...(meta.createdAt === undefined ? {} : { created_at: meta.createdAt }),
      ...(meta.source === undefined ? {} : { source: meta.source }),
      provider: meta.provider ?? md.provider ?? null,
      ...(meta.fallbackReason === undefined ? {} : { fallback_reason: meta.fallbackReason }),
      ...(!meta.leaveOutTimings && { timings_ms: timingsJson(md.timings, meta.timings) }),
    },
    horizon: md.horizon,
    measure: md.measure ?? 'amount',
    last_complete_week: md.lastCompleteWeek,
    first_forecast_week: md.firstForecastWeek,
    data: meta.report ? reportSummary(meta.report) : null,
    ...(meta.decisions && {
      decisions: meta.decisions.map((d) => ({ kind: d.kind, text: d.text })),
    }),
    skus: {
      ...(md.skuColumns !== undefined && { sku_columns: md.skuColumns }),
      model: md.skusModel,
      fallback: md.skusFallback,
      fallback_method: md.fallbackMethod,
      fallback_skus: result.skus
        .filter((s) => s.model === 'baseline' || s.flags?.includes('fallback'))
        .map((s) => ({
          sku: s.sku,
          model: s.model,
          reason: s.reason ?? null,
          history_weeks: s.historyWeeks,
          note: s.note ?? null,
        })),
    },
    ...(md.selection ? { selection: selectionJson(md.selection, !meta.leaveOutTimings) } : {}),
    ...(result.skus.some((s) => s.accuracy || s.scores)
      ? {
          sku_accuracy: result.skus.map((s) => ({
            sku: s.sku,
            model: s.model,
            flags: s.flags ?? [],
            wape: finiteOrNull(s.accuracy?.wape),
            coverage_p10_p90: finiteOrNull(s.accuracy?.coverage),
            windows: s.accuracy?.windows ?? 0,
            validation_scores: Object.fromEntries(
              Object.entries(s.scores ?? {}).map(([a, v]) => [a, finiteOrNull(v)]),
            ),
          })),
        }
      : {}),
    forecasts: [],
    category_totals: {
      method: md.categoryMethod,
      categories: result.categories.map((c) => ({
        category: c.category,
        skus: c.skus,
        weeks: c.weeks.map(weekJson),
        ...(c.overHorizon && { over_horizon: bandJson(c.overHorizon) }),
      })),
      ...(result.total && {
        total: {
          skus: result.total.skus,
          weeks: result.total.weeks.map(weekJson),
          ...(result.total.overHorizon && { over_horizon: bandJson(result.total.overHorizon) }),
        },
      }),
    },
  };
  return doc;
}

/** How the run chose its model, with every candidate's validation score (lower is better). */
export function selectionJson(sel: SelectionSummary, timed: boolean): Record<string, unknown> {
  return {
    requested: sel.requested,
    rule: sel.rule,
    chosen: sel.chosen,
    candidates: sel.candidates.map((c) => ({
      model: c.alias,
      rank: c.rank,
      score: finiteOrNull(c.score),
      wape: finiteOrNull(c.wape),
      ...(timed && { fit_ms: roundOutput(c.millis) }),
    })),
    excluded: sel.excluded.map((x) => ({ model: x.alias, reason: x.reason })),
    validation: {
      windows: sel.accuracy.windows,
      wape: finiteOrNull(sel.accuracy.wape),
      coverage_p10_p90: finiteOrNull(sel.accuracy.coverage),
      // These windows also chose the model and calibrated the band.
      in_sample: true,
    },
    interval_method: sel.intervalMethod,
    ...(sel.blocks && {
      horizon_blocks: sel.blocks.map((b) => ({
        weeks: [b.from, b.to],
        chosen: b.chosen,
        excluded: b.excluded.map((x) => ({ model: x.alias, reason: x.reason })),
        validation: {
          windows: b.accuracy.windows,
          wape: finiteOrNull(b.accuracy.wape),
          coverage_p10_p90: finiteOrNull(b.accuracy.coverage),
        },
      })),
    }),
  };
}

/** JSON has no NaN: a score that does not exist (a sku that sold nothing) is null. */
function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
}

/** One forecast week of a sku or a category, money rounded to cents. */
function bandJson(b: { p10: number; p50: number; p90: number }): Record<string, number> {
  return { p10: roundOutput(b.p10), p50: roundOutput(b.p50), p90: roundOutput(b.p90) };
}

function weekJson(w: ForecastWeek): Record<string, string | number> {
  return {
    week_start: w.week_start,
    horizon_week: w.horizon_week,
    p10: roundOutput(w.p10),
    p50: roundOutput(w.p50),
    p90: roundOutput(w.p90),
  };
}

/** Stage timings under snake_case keys like every other key of the export, in stage order. */
function timingsJson(
  stages: ForecastTimings | undefined,
  extra: ExportMeta['timings'],
): Record<string, number> {
  const named: [string, number | undefined][] = [
    ['prepare', stages?.prepareMs],
    ['inference', stages?.inferenceMs],
    ['finish', stages?.finishMs],
    ['ingest', extra?.ingestMs],
    ['model_load', extra?.modelLoadMs],
  ];
  return Object.fromEntries(named.filter((e): e is [string, number] => e[1] !== undefined));
}

function reportSummary(r: IngestReport): Record<string, unknown> {
  return {
    rows_read: r.rowsRead,
    rows_used: r.rowsUsed,
    rows_skipped: r.rowsSkipped,
    ...(r.fileRows !== undefined && { file_rows: r.fileRows }),
    skipped_by_reason: r.skippedByReason,
    issue_count: r.issueCount,
    delimiter: r.delimiter,
    mapping: r.mapping,
    date_order: r.dateOrder,
    date_order_ambiguous: r.dateOrderAmbiguous,
    ...(r.dateFormat !== undefined && { date_format: r.dateFormat }),
    ...(r.dateFormats !== undefined && {
      date_formats: { dmy: r.dateFormats.DMY, mdy: r.dateFormats.MDY, ymd: r.dateFormats.YMD },
    }),
    granularity: r.granularity,
    first_date: r.firstDate,
    last_date: r.lastDate,
    ...(r.skuColumns !== undefined && { sku_columns: r.skuColumns }),
    ...(r.sheet !== undefined && { sheet: r.sheet, sheets: r.sheets ?? [r.sheet] }),
    ...(r.measureReason !== undefined && { measure_reason: r.measureReason }),
    ...(r.asOf !== undefined && { as_of: r.asOf }),
    ...(r.excluded !== undefined && {
      excluded: {
        reason: r.excluded.reason,
        rows: r.excluded.rows,
        date_count: r.excluded.dateCount,
        dates: r.excluded.dates,
        last_date: r.excluded.lastDate,
        kept_until: r.excluded.keptUntil,
        gap_weeks: r.excluded.gapWeeks,
      },
    }),
  };
}

/** A number as every output writes it (bands, plans, timings): to MONEY_DECIMALS places. */
export function roundOutput(v: number): number {
  return Number(v.toFixed(MONEY_DECIMALS));
}

/**
 * Parses a product id list as the seed's metadata.product_id, from the CLI's
 * `--products 0,2,5` text. Throws ExportError for an empty list or a value that
 * is not a whole number 0-14.
 */
export function parseProductIds(text: string): number[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) {
    throw new ExportError(
      'empty-products',
      'the product id list is empty; give seed product ids 0-14, e.g. 0,2,5',
    );
  }
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < SEED_ID_MIN || Number(p) > SEED_ID_MAX) {
      throw new ExportError(
        'bad-product-id',
        `"${p}" is not a seed product id; ids are whole numbers 0-14`,
      );
    }
    return Number(p);
  });
}

/**
 * The seed API's response: `{"2": {"week_0": "61.45", ...}}`, p50 per horizon
 * week (week_0 = horizon week 1) as strings with 2 decimals, for the requested
 * seed product ids (all seed ids in the result when `productIds` is omitted).
 * Ids are checked as the seed's metadata.product_id: an empty list, an id
 * outside 0-14 or an id the file has no data for is an ExportError.
 */
export function forecastToSeedJson(result: ForecastResult, productIds?: readonly number[]): string {
  const bySeedId = new Map<number, ForecastResult['skus'][number]>();
  for (const s of result.skus)
    if (s.seed_id >= SEED_ID_MIN && s.seed_id <= SEED_ID_MAX) bySeedId.set(s.seed_id, s);
  let ids: number[];
  if (productIds === undefined) {
    ids = [...bySeedId.keys()].sort((a, b) => a - b);
  } else {
    if (productIds.length === 0) {
      throw new ExportError(
        'empty-products',
        'the product id list is empty; give seed product ids 0-14, e.g. 0,2,5',
      );
    }
    for (const id of productIds) {
      if (!Number.isInteger(id) || id < SEED_ID_MIN || id > SEED_ID_MAX) {
        throw new ExportError(
          'bad-product-id',
          `${id} is not a seed product id; ids are whole numbers 0-14`,
        );
      }
    }
    const missing = productIds.filter((id) => !bySeedId.has(id));
    if (missing.length > 0) {
      const have = [...bySeedId.keys()].sort((a, b) => a - b);
      throw new ExportError(
        'unknown-product-id',
        `no data for product id${missing.length === 1 ? '' : 's'} ${missing.join(', ')} in this file` +
          (have.length > 0
            ? ` (it has ${have.join(', ')})`
            : ' (it has no seed products: category and unit price of the seed table)'),
      );
    }
    ids = [...new Set(productIds)];
  }
  const out: Record<string, Record<string, string>> = {};
  for (const id of ids) {
    const s = bySeedId.get(id);
    if (!s) continue;
    const weeks: Record<string, string> = {};
    for (const w of s.weeks) weeks[`week_${w.horizon_week - 1}`] = money(w.p50);
    out[String(id)] = weeks;
  }
  return JSON.stringify(out, null, 2) + '\n';
}
