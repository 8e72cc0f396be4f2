// @vitest-environment jsdom
// The page's data summary (src/app/views/DataSummary.svelte) shows how a file
// that is not UTF-8 was read: the report of a real Windows-1252 export, through
// the Ingestor the worker runs, lists the encoding note among its issues.

import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ingestor } from '../../src/core/ingest';
import { TEST_IDS } from '../../src/app/testids';
import DataSummary from '../../src/app/views/DataSummary.svelte';
import type { RunResult } from '../../src/worker/protocol';
import { cp1252, germanExport } from './encoding-files';

// As in app-table.dom.test.ts: Svelte's browser build for mounting components.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

describe('the data summary of a Windows-1252 file', () => {
  it('says it was read as Windows-1252', () => {
    const ingestor = new Ingestor({ mapping: { sku: 'Artikelbezeichnung' } });
    ingestor.push(cp1252(germanExport(60)));
    const table = ingestor.finish();
    const result = {
      summary: {
        skus: table.series.length,
        weeks: 20,
        firstWeek: null,
        lastWeek: null,
        partialWeeks: 0,
      },
      report: table.report,
      forecast: null,
      provider: null,
    } as unknown as RunResult;
    render(DataSummary, { result });
    const issues = screen.getByTestId(TEST_IDS.issues);
    expect(issues.textContent).toContain(
      'Read as Windows-1252 (Western European) text: the file is not UTF-8',
    );
    expect(issues.querySelector('li.warning')?.textContent).toMatch(/^Read as Windows-1252/);
  });
});

describe('the data summary of a file read with a decision made for the planner', () => {
  it('counts its warnings in the summary line and opens them: a store keyed alone across its departments', () => {
    const lines = ['Store,Dept,Date,Weekly_Sales'];
    for (let w = 0; w < 8; w++) {
      const day = new Date(Date.UTC(2012, 0, 6 + 7 * w)).toISOString().slice(0, 10);
      for (const store of [1, 2])
        for (const dept of [1, 2]) lines.push(`${store},${dept},${day},100`);
    }
    const ingestor = new Ingestor();
    ingestor.push(new TextEncoder().encode(lines.join('\n') + '\n'));
    const table = ingestor.finish();
    const result = {
      summary: {
        skus: table.series.length,
        weeks: 8,
        firstWeek: null,
        lastWeek: null,
        partialWeeks: 0,
      },
      report: table.report,
      // A forecast was made: the summary stays closed, its line says what to read.
      forecast: {},
      provider: null,
    } as unknown as RunResult;
    render(DataSummary, { result });
    const summary = screen.getByTestId(TEST_IDS.summary);
    expect(summary.querySelector('summary')?.textContent).toMatch(
      /32 of 32 rows used; 1 warning to read/,
    );
    const issues = screen.getByTestId(TEST_IDS.issues);
    expect(issues.hasAttribute('open')).toBe(true);
    expect(issues.querySelector('li.warning')?.textContent).toContain(
      'choose "Dept" under "SKU: joined with another column" beside "Store" in the column form',
    );
  });
});

describe('the data summary of a wide sheet', () => {
  it("counts its values and the rows they came from: 3 items' rows are not 30 rows", () => {
    const weeks = Array.from({ length: 10 }, (_, i) => `KW ${String(i + 1).padStart(2, '0')}/2024`);
    const lines = [`Artikel;${weeks.join(';')}`];
    for (let s = 0; s < 3; s++) lines.push(`A${s};${weeks.map((_, w) => (w + s) % 4).join(';')}`);
    const ingestor = new Ingestor();
    ingestor.push(new TextEncoder().encode(lines.join('\n') + '\n'));
    const table = ingestor.finish();
    const result = {
      summary: { skus: 3, weeks: 10, firstWeek: null, lastWeek: null, partialWeeks: 0 },
      report: table.report,
      forecast: {},
      provider: null,
    } as unknown as RunResult;
    render(DataSummary, { result });
    const line = screen.getByTestId(TEST_IDS.summary).querySelector('summary')?.textContent ?? '';
    expect(line.replace(/\s+/g, ' ')).toMatch(/30 of 30 values used \(from 3 rows\)/);
  });
});
