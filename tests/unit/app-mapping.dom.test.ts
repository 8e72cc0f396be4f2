// @vitest-environment jsdom
// The column mapping form (src/app/components/MappingForm.svelte) with
// @testing-library/svelte: detected roles pre-filled, the preview labels each
// column with its role, Forecast waits for the required roles, a remembered
// mapping can be forgotten.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MappingForm from '../../src/app/components/MappingForm.svelte';
import { TEST_IDS } from '../../src/app/testids';
import type { ColumnMapping } from '../../src/core/types';
import type { HeaderPeek } from '../../src/worker/protocol';

// As in app-table.dom.test.ts: Svelte's browser build for mounting components.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

const peek: HeaderPeek = {
  headers: ['Belegdatum', 'Artikel', 'Umsatz', 'Menge'],
  detected: { sku: 'Artikel' },
  unmatched: ['Belegdatum', 'Umsatz', 'Menge'],
  reference: false,
  preview: [
    ['01.02.24', 'A-1', '3,50', '1'],
    ['02.02.24', 'A-2', '4,00', '2'],
  ],
};

function setup(saved: ColumnMapping | null = null, shown: HeaderPeek = peek) {
  const confirmed: ColumnMapping[] = [];
  const readings: { dateFormat?: string }[] = [];
  const sheets: string[] = [];
  let forgot = 0;
  render(MappingForm, {
    peek: shown,
    fileName: 'kasse.csv',
    saved,
    onconfirm: (m: ColumnMapping, reading: { dateFormat?: string }) => {
      confirmed.push(m);
      readings.push(reading);
    },
    onforget: () => forgot++,
    oncancel: () => undefined,
    onsheet: (sheet: string) => sheets.push(sheet),
  });
  return { confirmed, readings, sheets, forgot: () => forgot };
}

describe('MappingForm', () => {
  it('pre-fills detected roles, previews rows with roles, waits for date and amount', async () => {
    const { confirmed } = setup();
    const preview = screen.getByTestId(TEST_IDS.mappingPreview);
    expect(preview.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(preview.textContent).toContain('01.02.24');
    expect(preview.querySelector('thead')!.textContent).toMatch(/Artikel\s*sku/);
    const submit = screen.getByTestId(TEST_IDS.mappingSubmit);
    expect(submit.hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('alert').textContent).toMatch(/date column/);

    await fireEvent.change(screen.getByLabelText('Date (required)'), {
      target: { value: 'Belegdatum' },
    });
    expect(screen.getByRole('alert').textContent).toMatch(/amount/);
    // The preview's dates, read as the ingestion reads them, stated in words:
    // dotted ones the values leave open are day-first.
    expect(screen.getByTestId(TEST_IDS.mappingDates).textContent).toMatch(
      /read as day\.month\.year, as dotted dates are written/,
    );
    await fireEvent.change(screen.getByLabelText('Amount (money per row)'), {
      target: { value: 'Umsatz' },
    });
    expect(submit.hasAttribute('disabled')).toBe(false);
    expect(preview.querySelector('thead')!.textContent).toMatch(/Umsatz\s*amount/);
    await fireEvent.click(submit);
    expect(confirmed).toEqual([{ sku: 'Artikel', date: 'Belegdatum', amount: 'Umsatz' }]);
  });

  it('starts from a remembered mapping, and forgets it on request', async () => {
    const { forgot } = setup({ date: 'Belegdatum', amount: 'Umsatz', sku: 'Artikel' });
    expect(screen.getByTestId(TEST_IDS.mappingSubmit).hasAttribute('disabled')).toBe(false);
    await fireEvent.click(screen.getByTestId(TEST_IDS.forgetMapping));
    expect(forgot()).toBe(1);
    // Back to what the headers said: no date chosen.
    expect(screen.getByTestId(TEST_IDS.mappingSubmit).hasAttribute('disabled')).toBe(true);
  });

  it('joins a second column into the sku (store + item) and passes a chosen date reading', async () => {
    const { confirmed, readings } = setup({ date: 'Belegdatum', amount: 'Umsatz', sku: 'Artikel' });
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingSkuPart), {
      target: { value: 'Menge' },
    });
    const head = screen.getByTestId(TEST_IDS.mappingPreview).querySelector('thead')!.textContent;
    expect(head).toMatch(/Artikel\s*sku/);
    expect(head).toMatch(/Menge\s*sku/);
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingDateFormat), {
      target: { value: 'DMY' },
    });
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(confirmed).toEqual([{ date: 'Belegdatum', amount: 'Umsatz', sku: 'Artikel+Menge' }]);
    expect(readings).toEqual([{ dateFormat: 'DMY' }]);
  });

  it('restores a remembered two-column sku into its two selects', () => {
    setup({ date: 'Belegdatum', amount: 'Umsatz', sku: 'Artikel+Menge' });
    expect(
      (screen.getByLabelText('SKU / product / store') as unknown as { value: string }).value,
    ).toBe('Artikel');
    expect(
      (screen.getByTestId(TEST_IDS.mappingSkuPart) as unknown as { value: string }).value,
    ).toBe('Menge');
  });

  it('offers the sheets of a workbook, and asks for another one when picked', async () => {
    const { sheets } = setup(null, { ...peek, sheets: ['Notes', 'Sales'], sheet: 'Notes' });
    const select = screen.getByTestId(TEST_IDS.mappingSheet) as unknown as {
      value: string;
      options: ArrayLike<{ value: string }>;
    };
    expect(Array.from(select.options, (o) => o.value)).toEqual(['Notes', 'Sales']);
    expect(select.value).toBe('Notes');
    await fireEvent.change(select, { target: { value: 'Sales' } });
    expect(sheets).toEqual(['Sales']);
  });

  it('shows no sheet choice for a CSV or a one-sheet workbook', () => {
    setup(null, { ...peek, sheets: ['Only'], sheet: 'Only' });
    expect(screen.queryByTestId(TEST_IDS.mappingSheet)).toBeNull();
  });
});
