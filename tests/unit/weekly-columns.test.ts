// The weekly table's typed columns (issue 12, item 7): rows are made from them
// only when read, the CSV and the backtest series read the columns directly,
// and both ways give the same values.
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import { seriesFromTable } from '../../src/core/backtest/series';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { releaseSideColumns } from '../../src/core/ingest/weekly-table';
import type { WeeklyTable } from '../../src/core/types';

function sample(): WeeklyTable {
  const lines = ['Date,SKU,Product Category,Gender,Age,Quantity,Price per Unit,Total Amount'];
  for (let d = 0; d < 120; d++) {
    const day = new Date(Date.UTC(2023, 0, 1 + d * 2)).toISOString().slice(0, 10);
    for (const sku of ['A', 'B', 'C']) {
      if ((d + sku.charCodeAt(0)) % 4 === 0) continue;
      const q = 1 + ((d * 7) % 3);
      lines.push(`${day},${sku},Cat,${d % 2 ? 'Male' : 'F'},${20 + (d % 30)},${q},2.5,${q * 2.5}`);
    }
  }
  return ingestText(lines.join('\n'));
}

describe('weekly table columns', () => {
  it('gives the same CSV and backtest series from the columns as from the rows', () => {
    const lazy = sample();
    expect(lazy.series.every((s) => s.columns !== undefined)).toBe(true);
    const csvFromColumns = weeklyTableToCsv(lazy);
    const seriesFromColumns = seriesFromTable(lazy);
    // Neither read a row: the columns are still there.
    expect(lazy.series.every((s) => s.columns !== undefined)).toBe(true);

    const eager = sample();
    for (const s of eager.series) expect(s.rows.length).toBe(eager.weeks.length);
    expect(eager.series.every((s) => s.columns === undefined)).toBe(true);
    expect(weeklyTableToCsv(eager)).toBe(csvFromColumns);
    const fromRows = seriesFromTable(eager);
    expect(fromRows.map((s) => [s.id, [...s.y], s.weeks, [...(s.rowIndex ?? [])]])).toEqual(
      seriesFromColumns.map((s) => [s.id, [...s.y], s.weeks, [...(s.rowIndex ?? [])]]),
    );
    // The rows a backtest series hands a model (the TCN) are the sku's rows.
    expect(seriesFromColumns[1]?.rows).toEqual(eager.series[1]?.rows);
  });

  it('follows edits once rows were read, and keeps columns out of copies', () => {
    const t = sample();
    expect(Object.keys(t.series[0] ?? {})).not.toContain('columns');
    expect(JSON.stringify(t.series[0])).toContain('"rows":[{');
    const edited = sample();
    for (const r of edited.series[0]?.rows ?? []) r.total_amount *= 2;
    expect(weeklyTableToCsv(edited)).not.toBe(weeklyTableToCsv(sample()));
    const y0 = seriesFromTable(edited)[0]?.y[0] as number;
    expect(y0).toBe(2 * (seriesFromTable(sample())[0]?.y[0] as number));
    // Assigning rows replaces them too.
    const replaced = sample();
    const s0 = replaced.series[0];
    if (s0) s0.rows = s0.rows.slice(0, 3);
    expect(replaced.series[0]?.rows).toHaveLength(3);
    expect(replaced.series[0]?.columns).toBeUndefined();
  });

  it('forecasts the same after releasing the columns only rows read, and makes no row', async () => {
    for (const model of ['auto', 'naive']) {
      const kept = await forecastWithLibrary(sample(), { model });
      const lean = sample();
      releaseSideColumns(lean);
      const released = await forecastWithLibrary(lean, { model });
      expect(released.skus).toEqual(kept.skus);
      expect(released.categories).toEqual(kept.categories);
      const choice = (r: typeof kept) => ({
        ...r.metadata.selection,
        candidates: r.metadata.selection?.candidates.map((c) => ({ ...c, millis: 0 })),
      });
      expect(choice(released)).toEqual(choice(kept));
      // No row was made (the forecast origin is read from the calendar too).
      expect(lean.series.every((s) => s.columns !== undefined)).toBe(true);
      // A row made now would lack its quantity, age, gender and price: it throws instead.
      expect(() => lean.series[0]?.rows).toThrow(/quantity column was released/);
    }
  });
});
