// The weekly table and the forecasts as Parquet (`--format parquet`): the
// CSV's columns under the CSV's names, typed (week_start a DATE, counts
// INT32, money and units DOUBLE, names STRING), written one row group at a
// time so a table of any size goes out in bounded memory. hyparquet-writer
// is pure JavaScript; only the CLI imports this module.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { dayNumberOf } from './calendar';
import { forecastColumns, roundOutput } from './exports';
import type { ForecastResult, ForecastWeek, SkuForecast } from './forecast';
import { renamedColumn, type NameStyle } from './output-names';
import type { WeeklyRow, WeeklyTable } from './types';
import { weeklyPartNames, weeklyRowsOf, weeklyValueColumns } from './weekly-csv';

type ColumnType = 'STRING' | 'DATE' | 'INT32' | 'DOUBLE';

interface OutputColumn<R> {
  name: string;
  type: ColumnType;
  value(row: R): string | number;
}

/** Rows per row group: a reader's unit of work, and what this writer holds at once. */
export const ROW_GROUP_ROWS = 100_000;

const SCHEMA: Record<ColumnType, Omit<SchemaElement, 'name'>> = {
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  DATE: { type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' },
  INT32: { type: 'INT32', repetition_type: 'REQUIRED' },
  DOUBLE: { type: 'DOUBLE', repetition_type: 'REQUIRED' },
};

type ColumnValues = string[] | Int32Array | Float64Array;

function emptyColumn(type: ColumnType, n: number): ColumnValues {
  if (type === 'STRING') return new Array<string>(n);
  return type === 'DOUBLE' ? new Float64Array(n) : new Int32Array(n);
}

/** The file's bytes, a piece per row group (the footer with the last). */
function* parquetChunks<R>(
  columns: readonly OutputColumn<R>[],
  rows: Iterable<R>,
  groupRows = ROW_GROUP_ROWS,
): Generator<Uint8Array> {
  const writer = new ByteWriter();
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, ...SCHEMA[c.type] })),
  ];
  const parquet = new ParquetWriter({ writer, schema, createdBy: 'skucast' });
  /** What the writer has made since the last piece: handed on, and its buffer reused. */
  const taken = (): Uint8Array => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  let group = columns.map((c) => emptyColumn(c.type, groupRows));
  let n = 0;
  const flush = (): void => {
    const columnData = columns.map((c, i) => ({
      name: c.name,
      data: (group[i] as ColumnValues).slice(0, n),
    }));
    void parquet.write({ columnData, rowGroupSize: n });
    n = 0;
  };
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      (group[i] as ColumnValues)[n] = (columns[i] as OutputColumn<R>).value(row) as never;
    }
    if (++n === groupRows) {
      flush();
      yield taken();
    }
  }
  if (n > 0) flush();
  group = [];
  void parquet.finish();
  yield taken();
}

/** Integer columns of the weekly table; the others (money, units, means, age) are DOUBLE. */
const WEEKLY_INT_COLUMNS = new Set<keyof WeeklyRow>([
  'seed_id',
  'iso_year',
  'iso_week',
  'month',
  'partial',
  'transactions',
  'male',
  'female',
  'promo_days',
]);

interface WeeklyOut {
  row: WeeklyRow;
  parts: readonly string[] | undefined;
}

/** The weekly table as Parquet: the columns of its CSV, in pieces (see parquetChunks). */
export function weeklyParquetChunks(
  table: WeeklyTable,
  names: NameStyle = 'skucast',
  groupRows = ROW_GROUP_ROWS,
): Generator<Uint8Array> {
  const columns: OutputColumn<WeeklyOut>[] = [
    { name: renamedColumn('sku', names), type: 'STRING', value: (r) => r.row.sku },
    ...weeklyPartNames(table).map((name, i): OutputColumn<WeeklyOut> => ({
      name,
      type: 'STRING',
      value: (r) => r.parts?.[i] ?? '',
    })),
    ...weeklyValueColumns(table).map((col): OutputColumn<WeeklyOut> =>
      col === 'week_start'
        ? { name: renamedColumn(col, names), type: 'DATE', value: (r) => dayNumberOf(r.row[col]) }
        : {
            name: col,
            type: WEEKLY_INT_COLUMNS.has(col) ? 'INT32' : 'DOUBLE',
            value: (r) => (r.row[col] ?? 0) as number,
          },
    ),
  ];
  function* rows(): Generator<WeeklyOut> {
    for (const series of table.series) {
      for (const row of weeklyRowsOf(series)) yield { row, parts: series.parts };
    }
  }
  return parquetChunks(columns, rows(), groupRows);
}

interface ForecastOut {
  sku: SkuForecast;
  week: ForecastWeek;
}

/**
 * The forecasts as Parquet: the CSV's rows and columns, p10/p50/p90 rounded
 * as the CSV writes them (so both sum alike), in pieces (see parquetChunks).
 */
export function forecastParquetChunks(
  result: ForecastResult,
  names: NameStyle = 'skucast',
  groupRows = ROW_GROUP_ROWS,
): Generator<Uint8Array> {
  const { parts, seeds, units } = forecastColumns(result);
  const band = (name: 'p10' | 'p50' | 'p90'): OutputColumn<ForecastOut> => ({
    name,
    type: 'DOUBLE',
    value: (r) => roundOutput(r.week[name]),
  });
  const seedColumn: OutputColumn<ForecastOut> = {
    name: 'seed_id',
    type: 'INT32',
    value: (r) => r.sku.seed_id,
  };
  const columns: OutputColumn<ForecastOut>[] = [
    { name: renamedColumn('sku', names), type: 'STRING', value: (r) => r.sku.sku },
    ...parts.map((name, i): OutputColumn<ForecastOut> => ({
      name,
      type: 'STRING',
      value: (r) => r.sku.parts?.[i] ?? '',
    })),
    { name: 'category', type: 'STRING', value: (r) => r.sku.category },
    ...(seeds ? [seedColumn] : []),
    {
      name: renamedColumn('week_start', names),
      type: 'DATE',
      value: (r) => dayNumberOf(r.week.week_start),
    },
    { name: 'horizon_week', type: 'INT32', value: (r) => r.week.horizon_week },
    band('p10'),
    band('p50'),
    band('p90'),
    { name: 'model', type: 'STRING', value: (r) => r.week.model ?? r.sku.model },
    ...(units ? [{ name: 'measure', type: 'STRING' as const, value: () => 'units' }] : []),
  ];
  function* rows(): Generator<ForecastOut> {
    for (const sku of result.skus) for (const week of sku.weeks) yield { sku, week };
  }
  return parquetChunks(columns, rows(), groupRows);
}
