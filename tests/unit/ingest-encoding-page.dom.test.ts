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
