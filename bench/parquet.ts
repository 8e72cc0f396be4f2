// `npm run bench -- parquet`: `skucast weekly` on a generated sales file as
// CSV and as its Parquet twin (the same rows: DATE dates, dictionary-encoded
// strings, INT32/DOUBLE numbers, snappy, row groups of 1M rows), wall time
// and peak RSS of each process. 20M rows by default (.cache/twin-20000000.*,
// about 1.1 GB of CSV, written once); SKUCAST_PARQUET_ROWS=N for another size.
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { generateCsv } from '../src/cli/gen';
import { dayNumberOf } from '../src/core/calendar';
import { buildCli, runSkucast } from './measure';

const ROWS = Number(process.env['SKUCAST_PARQUET_ROWS'] ?? 20_000_000);
const GROUP_ROWS = 1_000_000;

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 9 },
  { name: 'Transaction ID', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'Date', type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' },
  { name: 'Customer ID', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'Gender', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'Age', type: 'INT32', repetition_type: 'REQUIRED' },
  {
    name: 'Product Category',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    repetition_type: 'REQUIRED',
  },
  { name: 'Quantity', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'Price per Unit', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'Total Amount', type: 'DOUBLE', repetition_type: 'REQUIRED' },
];

/** Writes the CSV and, from the same generated rows, its Parquet twin. */
async function writeTwins(csvPath: string, parquetPath: string): Promise<void> {
  const csv = createWriteStream(csvPath);
  const fd = openSync(parquetPath, 'w');
  const writer = new ByteWriter();
  const flush = (): void => {
    writeSync(fd, writer.getBytes());
    writer.index = 0;
  };
  // After each row group (ParquetWriter calls it): bytes to disk, the buffer reused.
  (writer as { flush?: () => void }).flush = flush;
  const parquet = new ParquetWriter({ writer, schema: SCHEMA });
  let cols: unknown[][] = SCHEMA.slice(1).map(() => []);
  const writeGroup = (): void => {
    const columnData = SCHEMA.slice(1).map((e, i) => ({ name: e.name, data: cols[i] as never }));
    void parquet.write({ columnData, rowGroupSize: GROUP_ROWS });
    cols = SCHEMA.slice(1).map(() => []);
  };
  let header = true;
  for (const block of generateCsv({ rows: ROWS, seed: 1 })) {
    if (!csv.write(block)) await once(csv, 'drain');
    for (const line of block.split('\n')) {
      if (header) {
        header = false;
        continue;
      }
      if (line === '') continue;
      const f = line.split(',');
      cols[0]!.push(Number(f[0]));
      cols[1]!.push(dayNumberOf(f[1]!));
      cols[2]!.push(f[2]);
      cols[3]!.push(f[3]);
      cols[4]!.push(Number(f[4]));
      cols[5]!.push(f[5]);
      cols[6]!.push(Number(f[6]));
      cols[7]!.push(Number(f[7]));
      cols[8]!.push(Number(f[8]));
      if (cols[0]!.length === GROUP_ROWS) writeGroup();
    }
  }
  if (cols[0]!.length > 0) writeGroup();
  void parquet.finish();
  flush();
  closeSync(fd);
  csv.end();
  await once(csv, 'finish');
}

export async function benchParquet(): Promise<void> {
  mkdirSync(resolve('.cache'), { recursive: true });
  const csvPath = resolve(`.cache/twin-${ROWS}.csv`);
  const parquetPath = resolve(`.cache/twin-${ROWS}.parquet`);
  if (!existsSync(csvPath) || !existsSync(parquetPath)) {
    console.log(`  generating ${csvPath} and its Parquet twin (${ROWS} rows, seed 1)…`);
    await writeTwins(csvPath, parquetPath);
  }
  buildCli();
  console.log(
    `parquet: skucast weekly, ${ROWS.toLocaleString('en')} rows (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  for (const [label, file] of [
    ['CSV', csvPath],
    ['Parquet', parquetPath],
  ] as const) {
    const r = runSkucast(['weekly', file]);
    console.log(
      `  ${label.padEnd(8)} peak RSS ${r.rssMB.toFixed(0).padStart(5)} MB  ${r.wallS.toFixed(1).padStart(6)} s wall`,
    );
  }
}
