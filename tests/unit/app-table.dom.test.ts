// @vitest-environment jsdom
// The sku table component (src/app/views/SkuTable.svelte) rendered with
// @testing-library/svelte in jsdom: one row per sku, virtualised, search,
// numeric sort and filters through the state module, a click opens the detail.

import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ForecastResult, SkuForecast } from '../../src/core/forecast';
import { buildRows, queryRows } from '../../src/app/results';
import { app, chooseFile, configure } from '../../src/app/state.svelte';
import type { RunResult } from '../../src/worker/protocol';
import { TEST_IDS } from '../../src/app/testids';
import SkuTable from '../../src/app/views/SkuTable.svelte';

// vite.config.ts resolves Node's conditions for every test; a component needs
// Svelte's browser build (mount, effects), so this file swaps it in.
vi.mock('svelte', async () => {
  const client = '../../node_modules/svelte/src/index-client.js';
  return (await import(/* @vite-ignore */ client)) as object;
});

// jsdom has no layout: bind:clientHeight's observer is a no-op, the viewport keeps its default height.
const g = globalThis as { ResizeObserver?: unknown };
g.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

function sku(i: number): SkuForecast {
  const p50 = (i * 37) % 1000;
  return {
    sku: `P${String(i).padStart(5, '0')}`,
    category: `C${i % 3}`,
    seed_id: -1,
    model: i % 2 ? 'ets' : 'theta',
    historyWeeks: 20,
    ...(i % 10 === 0 ? { flags: ['intermittent' as const] } : { flags: [] }),
    weeks: [{ week_start: '2024-10-28', horizon_week: 1, p10: p50 / 2, p50, p90: p50 * 2 }],
  };
}

function result(n: number): ForecastResult {
  return {
    skus: Array.from({ length: n }, (_, i) => sku(i)),
    categories: [],
    metadata: { horizon: 1 } as ForecastResult['metadata'],
  };
}

/** The state holds a run of `n` skus (through a fake worker), and the table shows it. */
async function renderTable(n: number): Promise<{ forecast: ForecastResult; rerender: () => void }> {
  const forecast = result(n);
  const run = {
    summary: { skus: n, weeks: 20, firstWeek: null, lastWeek: null, partialWeeks: 0 },
    report: {},
    forecast,
    provider: 'wasm',
    timings: { read_parse_ms: 0, table_ms: 0, model_load_ms: 0, inference_ms: 0, total_ms: 0 },
  } as unknown as RunResult;
  const never = (): never => {
    throw new Error('not in this test');
  };
  configure({
    bridge: {
      run: () => Promise.resolve(run),
      reforecast: never,
      peekHeaders: () =>
        Promise.resolve({ headers: ['a', 'b'], detected: {}, unmatched: [], reference: true }),
      prepare() {},
      cancel() {},
      planSource: never,
      scorePlan: never,
    },
    loadSample: never,
  });
  await chooseFile(new Blob(['a,b\n']), 'f.csv');
  const rows = buildRows(forecast);
  const props = () => ({
    rows,
    order: queryRows(rows, app.query),
    forecast,
    history: undefined,
    categories: ['C0', 'C1', 'C2'],
  });
  const view = render(SkuTable, props());
  return { forecast, rerender: () => void view.rerender(props()) };
}

const bodyRows = () => [
  ...screen.getByTestId(TEST_IDS.skuTable).querySelectorAll('tbody tr[data-sku]'),
];

afterEach(cleanup);

describe('SkuTable', () => {
  it('draws a window of rows, not 50,000, and says how many there are', async () => {
    await renderTable(50_000);
    const table = screen.getByTestId(TEST_IDS.skuTable);
    expect(table.getAttribute('data-rows')).toBe('50000');
    expect(bodyRows().length).toBeGreaterThan(0);
    expect(bodyRows().length).toBeLessThan(60);
    expect(screen.getByTestId(TEST_IDS.skuCount).textContent).toMatch(/50,000 SKUs/);
  });

  it('searches, sorts numbers as numbers and filters through the state module', async () => {
    const { rerender } = await renderTable(200);
    // Default: largest total first.
    const firstTotal = (): number =>
      Number(bodyRows()[0]!.querySelector('.p50')!.textContent!.replace(/,/g, ''));
    expect(firstTotal()).toBe(999);

    await fireEvent.input(screen.getByTestId(TEST_IDS.skuSearch), { target: { value: 'p0012' } });
    flushSync();
    rerender();
    expect(screen.getByTestId(TEST_IDS.skuTable).getAttribute('data-rows')).toBe('10');
    // Largest total first; jsdom has no layout, so only the overscan's rows are drawn.
    const want = Array.from({ length: 10 }, (_, i) => `P0012${i}`).sort(
      (a, b) => ((Number(b.slice(1)) * 37) % 1000) - ((Number(a.slice(1)) * 37) % 1000),
    );
    const shown = bodyRows().map((r) => r.getAttribute('data-sku'));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(want.slice(0, shown.length));

    await fireEvent.input(screen.getByTestId(TEST_IDS.skuSearch), { target: { value: '' } });
    await fireEvent.click(screen.getByRole('button', { name: /Next 1 weeks/ }));
    flushSync();
    rerender();
    expect(app.query).toMatchObject({ sort: 'total', descending: false });
    expect(firstTotal()).toBe(0);

    await fireEvent.change(screen.getByTestId(TEST_IDS.flagFilter), {
      target: { value: 'intermittent' },
    });
    flushSync();
    rerender();
    expect(screen.getByTestId(TEST_IDS.skuTable).getAttribute('data-rows')).toBe('20');
    expect(bodyRows().every((r) => r.textContent!.includes('intermittent'))).toBe(true);
  });

  it('opens a sku from its name', async () => {
    await renderTable(5);
    await fireEvent.click(screen.getByRole('button', { name: 'P00003' }));
    expect(app.selectedSku).toBe(3);
    expect(app.view).toBe('skus');
  });
});

describe('SkuTable scrolling', () => {
  /** Scrolls the table's viewport to `top` px (jsdom has no layout: the scroll event carries it). */
  async function scrollTo(top: number): Promise<void> {
    const viewport = screen.getByTestId(TEST_IDS.skuTable).closest('.viewport')!;
    Object.defineProperty(viewport, 'scrollTop', { value: top, configurable: true });
    await fireEvent.scroll(viewport);
    flushSync();
  }
  /** The skus in the default order (largest total first, ties in table order). */
  const byTotal = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => ((b * 37) % 1000) - ((a * 37) % 1000) || a - b)
      .map((i) => `P${String(i).padStart(5, '0')}`);

  it('shows the rows scrolled to in their elements, making none new', async () => {
    await renderTable(2_000);
    const want = byTotal(2_000);
    const before = new Set(bodyRows());
    for (const top of [52 * 100, 52 * 105, 52 * 1_200, 52 * 1_999]) {
      await scrollTo(top);
      const shown = bodyRows();
      const firstAt = Number(shown[0]!.getAttribute('aria-rowindex')) - 2;
      expect(shown.map((r) => r.getAttribute('data-sku'))).toEqual(
        want.slice(firstAt, firstAt + shown.length),
      );
      expect(shown.map((r) => Number(r.getAttribute('aria-rowindex')) - 2)).toEqual(
        shown.map((_, k) => firstAt + k),
      );
      // The window is around what is in view, and the last row can be reached.
      expect(firstAt).toBeLessThanOrEqual(top / 52);
      expect(firstAt + shown.length).toBeGreaterThan(Math.min(top / 52 + 5, 2_000 - 1));
      expect(shown.every((r) => before.has(r))).toBe(true);
    }
    expect(bodyRows().at(-1)!.getAttribute('data-sku')).toBe(want.at(-1));
  });

  it('does not leave focus on a row whose element now shows another sku', async () => {
    await renderTable(2_000);
    const button = bodyRows()[3]!.querySelector('button')!;
    const sku = button.textContent!.trim();
    button.focus();
    await scrollTo(52 * 2);
    // Still in the window: focus stays on the same sku.
    expect(button.ownerDocument.activeElement).toBe(button);
    expect(button.textContent!.trim()).toBe(sku);
    await scrollTo(52 * 500);
    // Scrolled out: the viewport has focus, not a button that would open another sku.
    expect(button.ownerDocument.activeElement).toBe(
      screen.getByTestId(TEST_IDS.skuTable).closest('.viewport'),
    );
  });
});
