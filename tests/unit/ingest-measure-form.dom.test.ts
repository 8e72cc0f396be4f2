// @vitest-environment jsdom
// The mapping form's measure and its customer columns (issue 23): units or
// money asked only when the file has both, units by default with the reason
// said; gender and age offered only when the file has them.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MappingForm from '../../src/app/components/MappingForm.svelte';
import { TEST_IDS } from '../../src/app/testids';
import type { ColumnMapping } from '../../src/core/types';
import type { HeaderPeek } from '../../src/worker/protocol';

// As in app-mapping.dom.test.ts: Svelte's browser build for mounting components.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

function peekOf(headers: string[], detected: ColumnMapping, reference = false): HeaderPeek {
  return { headers, detected, unmatched: [], reference, preview: [] };
}

function setup(peek: HeaderPeek) {
  const readings: { measure?: string }[] = [];
  render(MappingForm, {
    peek,
    fileName: 'export.csv',
    saved: null,
    onconfirm: (_m: ColumnMapping, reading: { measure?: string }) => void readings.push(reading),
    onforget: () => undefined,
    oncancel: () => undefined,
  });
  return readings;
}

describe('MappingForm: the measure', () => {
  it('a file with quantity and sales forecasts units by default, says why, and can choose money', async () => {
    const readings = setup(
      peekOf(['Date', 'Item', 'Quantity', 'Sales'], {
        date: 'Date',
        sku: 'Item',
        quantity: 'Quantity',
        amount: 'Sales',
      }),
    );
    expect(screen.getByTestId(TEST_IDS.mappingMeasureWhy).textContent).toMatch(
      /By default units: the file has a quantity column/,
    );
    const submit = screen.getByTestId(TEST_IDS.mappingSubmit);
    await fireEvent.click(submit);
    await fireEvent.change(screen.getByTestId(TEST_IDS.mappingMeasure), {
      target: { value: 'amount' },
    });
    await fireEvent.click(submit);
    expect(readings).toEqual([{ measure: 'units' }, { measure: 'amount' }]);
  });

  it('a units-only file needs no amount, and is not asked', async () => {
    const readings = setup(
      peekOf(['Date', 'Item', 'Brand', 'Quantity'], {
        date: 'Date',
        sku: 'Item',
        category: 'Brand',
        quantity: 'Quantity',
      }),
    );
    expect(screen.queryByTestId(TEST_IDS.mappingMeasure)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(readings).toEqual([{}]);
  });

  it('the reference schema keeps money by default', () => {
    setup(
      peekOf(
        ['Date', 'Product Category', 'Quantity', 'Price per Unit', 'Total Amount'],
        { date: 'Date', quantity: 'Quantity', price: 'Price per Unit', amount: 'Total Amount' },
        true,
      ),
    );
    expect(screen.getByTestId(TEST_IDS.mappingMeasureWhy).textContent).toMatch(
      /By default money: the reference schema/,
    );
  });
});

describe('MappingForm: gender and age', () => {
  it('are offered only when the file has them', () => {
    setup(
      peekOf(['Date', 'Item', 'Quantity'], { date: 'Date', sku: 'Item', quantity: 'Quantity' }),
    );
    expect(screen.queryByLabelText('Gender')).toBeNull();
    expect(screen.queryByLabelText('Age')).toBeNull();
    cleanup();
    setup(
      peekOf(['Date', 'Gender', 'Age', 'Total Amount'], {
        date: 'Date',
        gender: 'Gender',
        age: 'Age',
        amount: 'Total Amount',
      }),
    );
    expect(screen.getByLabelText('Gender')).toBeTruthy();
    expect(screen.getByLabelText('Age')).toBeTruthy();
  });
});
