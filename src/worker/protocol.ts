// What crosses the page <-> worker boundary. Plain data only (structured
// clone), so the page can import these types without pulling worker code.

import type { ForecastResult } from '../core/forecast';
import type { ColumnMapping, DateFormat, IngestReport, Measure, WeeklyTable } from '../core/types';
import type { Layout } from '../core/types';
import type { Decision } from '../core/decisions';
import type { PlanInputs } from '../core/plan/plan';
import type { FvaReport } from '../core/plan/fva';

export type ProviderName = 'webgpu' | 'wasm';

export type Stage = 'read' | 'parse' | 'table' | 'model' | 'forecast' | 'done';

export interface Progress {
  stage: Stage;
  bytesRead: number;
  /** Size of the file; 0 when unknown. */
  totalBytes: number;
  /** While forecasting: skus backtested so far (every candidate model), of all. */
  backtest?: { skus: number; total: number };
}

export interface RunOptions {
  /**
   * Weeks to forecast, 1 to MAX_HORIZON (52, in src/core/forecast.ts); default 4.
   * The TCN takes part up to its own horizon (tcn.json's output.horizon, 26).
   */
  horizon?: number;
  /** 'auto' (default: chosen by backtest on the file's own history) or one model's alias. */
  model?: string;
  /** Column roles confirmed by the user; auto-detected when absent. */
  mapping?: ColumnMapping;
  /** A workbook's sheet (name, or 1-based number); the first when absent. */
  sheet?: string | number;
  /** How day/month dates are read (DMY, MDY, YMD); detected when absent. The report counts the rows each accepts. */
  dateFormat?: DateFormat;
  /** Execution provider to try first; WebGPU when an adapter exists, else WASM. */
  preferred?: ProviderName;
  /** Forecast units or money; by default units when the file has a quantity column (report.measure says which). */
  measure?: Measure;
  /** Which way round the table is (long or wide); detected from the header row when absent. */
  layout?: Layout;
  /**
   * The forecast origin: YYYY-MM-DD (rows after its week's Sunday are
   * excluded) or 'latest' (every row); by default rows beyond the file's bulk
   * are excluded (report.excluded says which).
   */
  asOf?: string;
}

/** What may change when the last file's weekly table is forecast again (`reforecast`). */
export interface ReforecastOptions {
  /** Weeks to forecast. */
  horizon: number;
}

/**
 * Recent weekly sales per sku, for the page's charts and sparklines: the last
 * `weeks.length` calendar weeks of the weekly table (at most HISTORY_WEEKS),
 * `amounts[i * weeks.length + w]` = total_amount of sku i (table order, the
 * forecast's sku order) in week w.
 */
export interface SalesHistory {
  /** Monday of each week, YYYY-MM-DD, ascending. */
  weeks: string[];
  /** The file covers the week only in part (not model input). */
  partial: boolean[];
  amounts: Float32Array;
}

/** Weeks of history sent to the page (two years: the charts show seasonality). */
export const HISTORY_WEEKS = 104;

/** Shape of the weekly table, without its rows (those stay in the worker). */
export interface TableSummary {
  skus: number;
  weeks: number;
  /** Monday of the first and last calendar week, YYYY-MM-DD. */
  firstWeek: string | null;
  lastWeek: string | null;
  /** Weeks the file covers only in part (not model input). */
  partialWeeks: number;
}

export interface StageTimings {
  read_parse_ms: number;
  table_ms: number;
  /** Time the run waited for the model: 0 when the worker had it ready (earlier run or warm-up). */
  model_load_ms: number;
  /**
   * How long loading the model took (fetch, WASM start-up, session), whenever it
   * happened; absent when no model was needed.
   */
  model_session_ms?: number;
  /** Backtest, model choice, forecasts and category totals: the whole forecastWithLibrary call. */
  inference_ms: number;
  total_ms: number;
}

export interface HeaderPeek {
  headers: string[];
  /** Roles recognised from the header names. */
  detected: ColumnMapping;
  /** Headers that matched no role. */
  unmatched: string[];
  /**
   * The file has the reference schema's columns (§1.1 of the data contract,
   * ../shared/design/CONTRACT.md outside the repo): no mapping to confirm.
   */
  reference: boolean;
  /** Set when the file is no delimited text at all (binary, workbook, no header). */
  problem?: string;
  /** The first data rows (up to 5), cells as read, for the mapping form's preview. */
  preview?: string[][];
  /** Workbooks: the worksheets, and the one these headers are from (peekHeaders(file, sheet) reads another). */
  sheets?: string[];
  sheet?: string;
  /** Which way round the table is (detected from the headers), that in a line, and the columns a wide layout reads. */
  layout?: Layout;
  layoutDescription?: string;
  layoutColumns?: string;
  /**
   * A wide layout: what it reads each header's column as (core's `columnUses`:
   * "sku", "sales by week"; null for a column it leaves out, such as a trailing
   * Total), and that in a line for the preview. Absent for a long file, whose
   * columns are what the planner maps them to.
   */
  uses?: (string | null)[];
  usesNote?: string;
}

export interface RunResult {
  summary: TableSummary;
  report: IngestReport;
  /** null when the data allows no forecast; `problem` says why. */
  forecast: ForecastResult | null;
  /** Why there is no forecast (no usable rows, no complete week...), for the user. */
  problem?: string;
  /** null when the model was not needed (no forecast). */
  provider: ProviderName | null;
  /** Why WebGPU was not used, when it was preferred but the run fell back to WASM. */
  fallbackReason?: string;
  /**
   * WASM threads the model ran on: navigator.hardwareConcurrency when the page is
   * cross-origin isolated (COOP/COEP headers), else 1; absent without a model run.
   */
  threads?: number;
  timings: StageTimings;
  /** The model descriptor's name and version; absent when the model was not needed. */
  model?: { name: string; version: string };
  /** Recent weekly sales per sku (absent on results from before it existed). */
  history?: SalesHistory;
  /** Every decision made reading the file (core/decisions.ts), as the CLI prints them. */
  decisions?: Decision[];
}

/** What a plan of the last file needs from its weekly table (`planSource`): the table's hash and last-week sales, and the file's size. */
export interface PlanSourceInfo {
  inputs: PlanInputs;
  size: number;
}

/** A plan scored on a newer file (`scorePlan`), with notes for the planner; or why it could not be. */
export type PlanScore = { report: FvaReport; notes: string[] } | { problem: string };

export function summarizeTable(table: WeeklyTable): TableSummary {
  const first = table.series[0];
  let partialWeeks = 0;
  if (first) for (const row of first.rows) partialWeeks += row.partial;
  return {
    skus: table.series.length,
    weeks: table.weeks.length,
    firstWeek: table.weeks[0] ?? null,
    lastWeek: table.weeks[table.weeks.length - 1] ?? null,
    partialWeeks,
  };
}

/** The last `maxWeeks` weeks of every sku's sales, laid out as SalesHistory. */
export function salesHistory(table: WeeklyTable, maxWeeks = HISTORY_WEEKS): SalesHistory {
  const from = Math.max(0, table.weeks.length - maxWeeks);
  const weeks = table.weeks.slice(from);
  const n = weeks.length;
  const amounts = new Float32Array(table.series.length * n);
  const partial = weeks.map(() => false);
  table.series.forEach((s, i) => {
    for (let w = 0; w < n; w++) {
      const row = s.rows[from + w];
      if (!row) continue;
      amounts[i * n + w] = row.total_amount;
      if (row.partial) partial[w] = true;
    }
  });
  return { weeks, partial, amounts };
}
