// @vitest-environment jsdom
// The mapping form on a file dated by a year and a week column: the pair is
// shown in two selects, sent back joined, and can be undone.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MappingForm from '../../src/app/components/MappingForm.svelte';
import { TEST_IDS } from '../../src/app/testids';
import type { ColumnMapping } from '../../src/core/types';
import { readHeaderLine } from '../../src/worker/headers';

// As in app-mapping.dom.test.ts: Svelte's browser build for mounting components.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

afterEach(cleanup);

const csv = 'Jahr;KW;Artikel;Menge\n2024;51;A;3\n2024;52;A;4\n2025;1;A;5\n';

describe('MappingForm with a year and a week column', () => {
  it('shows Jahr as the date and KW as its week, and confirms Jahr+KW', async () => {
    const peek = readHeaderLine(new TextEncoder().encode(csv), true);
    expect(peek.detected.date).toBe('Jahr+KW');
    const confirmed: ColumnMapping[] = [];
    render(MappingForm, {
      peek,
      fileName: 'export.csv',
      saved: null,
      onconfirm: (mapping: ColumnMapping) => confirmed.push(mapping),
      onforget: () => undefined,
      oncancel: () => undefined,
    });
    const date = screen.getByLabelText('Date (required)') as unknown as { value: string };
    const week = screen.getByTestId(TEST_IDS.mappingDatePart) as unknown as { value: string };
    expect(date.value).toBe('Jahr');
    expect(week.value).toBe('KW');
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(confirmed[0]).toMatchObject({ date: 'Jahr+KW', sku: 'Artikel', quantity: 'Menge' });
  });
});

describe('MappingForm with a year, a month and a day column', () => {
  it('offers Month + Day as the date part beside Year, and confirms Year+Month+Day', async () => {
    const text =
      'Year,Quarter,Month,Day,Product,Sales\n2024,Qtr 1,January,1,A,10\n2024,Qtr 1,January,2,A,10\n2024,Qtr 1,January,3,A,10\n';
    const peek = readHeaderLine(new TextEncoder().encode(text), true);
    expect(peek.detected.date).toBe('Year+Month+Day');
    const confirmed: ColumnMapping[] = [];
    render(MappingForm, {
      peek,
      fileName: 'bi-export.csv',
      saved: null,
      onconfirm: (mapping: ColumnMapping) => confirmed.push(mapping),
      onforget: () => undefined,
      oncancel: () => undefined,
    });
    const date = screen.getByLabelText('Date (required)') as unknown as { value: string };
    const part = screen.getByTestId(TEST_IDS.mappingDatePart) as unknown as { value: string };
    expect(date.value).toBe('Year');
    expect(part.value).toBe('Month+Day');
    await fireEvent.click(screen.getByTestId(TEST_IDS.mappingSubmit));
    expect(confirmed[0]).toMatchObject({ date: 'Year+Month+Day', sku: 'Product', amount: 'Sales' });
  });
});
