// @vitest-environment jsdom
// The page's side of the origin (issue 24 A): the data summary says which rows
// were left out beyond the file's bulk and offers to use them anyway or to
// choose the origin; the choice reaches ingestion as RunOptions.asOf. The
// bridge stands in for the worker's transport only: it reads the file with
// the worker's own ingestOptions and the real core.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import DataSummary from '../../src/app/views/DataSummary.svelte';
import {
  chooseFile,
  chooseOrigin,
  configure,
  shown,
  type Bridge,
} from '../../src/app/state.svelte';
import { TEST_IDS } from '../../src/app/testids';
import { decisionsOf } from '../../src/core/decisions';
import { ingestText } from '../../src/core/ingest';
import { ingestOptions } from '../../src/worker/headers';
import {
  summarizeTable,
  type HeaderPeek,
  type RunOptions,
  type RunResult,
} from '../../src/worker/protocol';

vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

/** 12 weeks of two skus, a sale each day, and a row typed 2099. */
const CSV = (() => {
  const lines = ['Date,SKU,Sales'];
  for (let d = 0; d < 84; d++) {
    const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    lines.push(`${day},A,${10 + (d % 5)}`, `${day},B,${3 + (d % 3)}`);
  }
  lines.push('2099-03-01,A,7');
  return lines.join('\n') + '\n';
})();

class ReadingBridge implements Bridge {
  runs: RunOptions[] = [];
  async run(_file: Blob, opts: RunOptions): Promise<RunResult> {
    this.runs.push(opts);
    const table = ingestText(CSV, ingestOptions(opts));
    return {
      summary: summarizeTable(table),
      report: table.report,
      decisions: decisionsOf(table),
      forecast: null,
      problem: 'not forecast in this test',
      provider: null,
      timings: { read_parse_ms: 0, table_ms: 0, model_load_ms: 0, inference_ms: 0, total_ms: 0 },
    };
  }
  reforecast(): Promise<RunResult> {
    return Promise.reject(new Error('not used'));
  }
  async peekHeaders(): Promise<HeaderPeek> {
    return { headers: ['Date', 'SKU', 'Sales'], detected: {}, unmatched: [], reference: true };
  }
  prepare(): void {}
  cancel(): void {}
  planSource(): never {
    throw new Error('not used');
  }
  scorePlan(): never {
    throw new Error('not used');
  }
}

let bridge: ReadingBridge;
beforeEach(async () => {
  bridge = new ReadingBridge();
  configure({ bridge, loadSample: () => Promise.reject(new Error('no sample')) });
  await chooseFile(new Blob([CSV]), 'sales.csv');
});

const showSummary = (): void => {
  cleanup();
  render(DataSummary, { result: shown.result as RunResult });
};

describe('the data summary: where the forecast starts', () => {
  it('names the rows left out beyond the bulk, and "Use them anyway" reads them in', async () => {
    showSummary();
    const origin = screen.getByTestId(TEST_IDS.summaryOrigin);
    expect(origin.textContent).toMatch(/1 row dated 1 Mar 2099 left out/);
    expect(origin.textContent).toMatch(/forecast starts from the weeks\s+up to 24 Mar 2024/);
    expect(screen.getByTestId(TEST_IDS.summary).querySelector('summary')?.textContent).toMatch(
      /1 left out/,
    );
    // A form with named controls: reachable and labelled for a screen reader.
    expect(screen.getByRole('form', { name: 'Where the forecast starts' })).toBeTruthy();
    expect(screen.getByLabelText(/Forecast as of/)).toBe(screen.getByTestId(TEST_IDS.originDate));

    await fireEvent.click(screen.getByTestId(TEST_IDS.originUseAll));
    await vi.waitFor(() => expect(bridge.runs).toHaveLength(2));
    expect(bridge.runs[1]?.asOf).toBe('latest');
    await vi.waitFor(() => expect(shown.result?.report.asOf).toBe('latest'));
    expect(shown.result?.report.lastDate).toBe('2099-03-01');
    showSummary();
    expect(screen.getByTestId(TEST_IDS.summaryOrigin).textContent).toMatch(
      /Every row used, as you chose/,
    );
    // And back: the data decides again.
    await fireEvent.click(screen.getByTestId(TEST_IDS.originAuto));
    await vi.waitFor(() => expect(bridge.runs).toHaveLength(3));
    expect(bridge.runs[2]?.asOf).toBeUndefined();
  });

  it('a date typed in "Forecast as of" becomes the origin', async () => {
    showSummary();
    const input = screen.getByTestId(TEST_IDS.originDate);
    expect(input.getAttribute('min')).toBe('2024-01-01');
    await fireEvent.input(input, { target: { value: '2024-02-14' } });
    await fireEvent.click(screen.getByTestId(TEST_IDS.originApply));
    await vi.waitFor(() => expect(shown.result?.report.asOf).toBe('2024-02-14'));
    expect(bridge.runs.at(-1)?.asOf).toBe('2024-02-14');
    // The week of Wednesday 14 Feb runs to Sunday 18 Feb.
    expect(shown.result?.report.lastDate).toBe('2024-02-18');
    showSummary();
    expect(screen.getByTestId(TEST_IDS.summaryOrigin).textContent).toMatch(
      /As of 14 Feb 2024, as you chose: 71 rows dated 19 Feb 2024/,
    );
  });

  it('lists every decision made reading the file, as the CLI says them', async () => {
    await chooseOrigin(null);
    showSummary();
    const items = [...screen.getByTestId(TEST_IDS.decisions).querySelectorAll('li')].map(
      (li) => li.textContent,
    );
    expect(items).toContain('mapping: date=Date sku=SKU amount=Sales measure=money');
    expect(items.find((t) => t?.startsWith('origin: '))).toMatch(/excluded 1 row dated 2099-03-01/);
  });
});
