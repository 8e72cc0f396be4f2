// @vitest-environment jsdom
// The mapping form on a wide file: the peek of a real file's first bytes (the
// worker's readHeaderLine) says the layout, the form shows it in a line with
// the columns it reads instead of a select per column, its preview says what
// each column is for (week columns are sales, a trailing Total is not used),
// and the planner can override it.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MappingForm from '../../src/app/components/MappingForm.svelte';
import { TEST_IDS } from '../../src/app/testids';
import type { ColumnMapping } from '../../src/core/types';
import { readHeaderLine } from '../../src/worker/headers';
import type { HeaderPeek } from '../../src/worker/protocol';
import { periodsAcross } from './wide-fixtures';

// As in app-mapping.dom.test.ts: Svelte's browser build for mounting components.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

function setup(peek: HeaderPeek) {
  const confirmed: { mapping: ColumnMapping; reading: object }[] = [];
  render(MappingForm, {
    peek,
    fileName: 'plan.csv',
    saved: null,
    onconfirm: (mapping: ColumnMapping, reading: object) => confirmed.push({ mapping, reading }),
    onforget: () => undefined,
    oncancel: () => undefined,
  });
  return confirmed;
}

const wideBytes = new TextEncoder().encode(periodsAcross(45, 143).csv);

describe('MappingForm on a wide file', () => {
  it('shows the layout it read and the columns it uses, and forecasts with no column choices', async () => {
    // The whole file was peeked: its items are counted.
    const peek = readHeaderLine(wideBytes, true);
    expect(peek.layout).toBe('wide-periods-across');
    expect(readHeaderLine(wideBytes).layoutDescription).toBe(
      'one row per item, one column per week: 143 weeks',
    );
    const confirmed = setup(peek);
    expect(screen.getByTestId(TEST_IDS.mappingLayoutLine).textContent).toMatch(
      /one row per item, one column per week: 45 items × 143 weeks \(detected\)\. Items named by "Store"/,
    );
    expect((screen.getByTestId(TEST_IDS.mappingLayout) as unknown as { value: string }).value).toBe(
      'wide-periods-across',
    );
    // No select per column for 144 columns: the role selects are hidden.
    expect(screen.getByLabelText('Date (required)').closest('label')?.hidden).toBe(true);
    const submit = screen.getByTestId(TEST_IDS.mappingSubmit);
    expect(submit.hasAttribute('disabled')).toBe(false);
    await fireEvent.click(submit);
    expect(confirmed).toEqual([{ mapping: {}, reading: {} }]);
  });

  it('says what each column of a wide sheet is for: week columns are sales, a trailing Total is not used', () => {
    const csv = [
      'Store,Dept,02.01.2023,09.01.2023,16.01.2023,23.01.2023,Total',
      'S1,Fruit,3,4,5,6,18',
      'S2,Fruit,1,0,2,1,4',
      '',
    ].join('\n');
    const peek = readHeaderLine(new TextEncoder().encode(csv), true);
    expect(peek.layout).toBe('wide-periods-across');
    // The long reading takes "Total" for an amount: the preview must not say so.
    expect(peek.detected.amount).toBe('Total');
    setup(peek);
    expect(screen.getAllByTestId(TEST_IDS.mappingUses).map((c) => c.textContent?.trim())).toEqual([
      'sku',
      'category',
      ...Array<string>(4).fill('sales by week'),
      'not used',
    ]);
    expect(screen.getByTestId(TEST_IDS.mappingUsesNote).textContent).toBe(
      "Each dated column is one week's sales; skucast reads them as the weekly history.",
    );
    // The Total column's cells are shown dimmed, as every column left out is.
    const rows = screen.getByTestId(TEST_IDS.mappingPreview).querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    for (const row of rows)
      expect([...row.querySelectorAll('td.dim')].map((td) => td.cellIndex)).toEqual([6]);
  });

  it('says the same of ISO week headers, and of a sheet with a column per item', () => {
    setup(
      readHeaderLine(
        new TextEncoder().encode('SKU,2023-W01,2023-W02,2023-W03,2023-W04,Summe\nA,1,2,3,4,10\n'),
      ),
    );
    expect(screen.getAllByTestId(TEST_IDS.mappingUses).map((c) => c.textContent?.trim())).toEqual([
      'sku',
      ...Array<string>(4).fill('sales by week'),
      'not used',
    ]);
    cleanup();
    // One row per date: the date, each item's quantity; a promotion flag is left out.
    setup(
      readHeaderLine(new TextEncoder().encode('DATE,QTY_B1,QTY_B2,PROMO_B1\n2024-01-01,1,2,0\n')),
    );
    expect(screen.getAllByTestId(TEST_IDS.mappingUses).map((c) => c.textContent?.trim())).toEqual([
      'date',
      'quantity',
      'quantity',
      'not used',
    ]);
  });

  it('lets the planner override the layout, which reaches the run', async () => {
    const confirmed = setup(readHeaderLine(wideBytes));
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingLayout), {
      target: { value: 'long' },
    });
    expect(screen.getByTestId(TEST_IDS.mappingLayoutLine).textContent).toMatch(
      /a row per sale, or per item and date \(your choice\)/,
    );
    // Long again: the columns' roles are chosen one by one, and date and amount are required.
    expect(screen.getByLabelText('Date (required)').closest('label')?.hidden).toBe(false);
    expect(screen.getByTestId(TEST_IDS.mappingSubmit).hasAttribute('disabled')).toBe(true);
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingLayout), {
      target: { value: 'wide-periods-across' },
    });
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(confirmed).toEqual([{ mapping: {}, reading: {} }]);
  });

  it('a long file keeps its selects, its layout line says so; a wide choice reaches the run', async () => {
    const peek = readHeaderLine(new TextEncoder().encode('Date,Item,Sales\n2024-01-02,A,3\n'));
    expect(peek.layout).toBeUndefined();
    const confirmed = setup(peek);
    expect(screen.getByTestId(TEST_IDS.mappingLayoutLine).textContent).toMatch(
      /Read as a row per sale, or per item and date\./,
    );
    expect(screen.getByLabelText('Date (required)').closest('label')?.hidden).toBe(false);
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingLayout), {
      target: { value: 'wide-dates-down' },
    });
    // The headers were not read that way: the preview does not guess what each column is for.
    expect(screen.queryAllByTestId(TEST_IDS.mappingUses)).toEqual([]);
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(confirmed).toEqual([{ mapping: {}, reading: { layout: 'wide-dates-down' } }]);
  });
});
