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

function setup(saved: ColumnMapping | null = null) {
  const confirmed: ColumnMapping[] = [];
  let forgot = 0;
  render(MappingForm, {
    peek,
    fileName: 'kasse.csv',
    saved,
    onconfirm: (m: ColumnMapping) => confirmed.push(m),
    onforget: () => forgot++,
    oncancel: () => undefined,
  });
  return { confirmed, forgot: () => forgot };
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
    // The preview's dates, read as the ingestion reads them, stated in words.
    expect(screen.getByTestId(TEST_IDS.mappingDates).textContent).toMatch(
      /could be day\/month or month\/day/,
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
});
