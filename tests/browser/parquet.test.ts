// A Parquet file dropped on the page, in real Chromium: the worker reads it
// (footer, then row groups, through Blob.slice) and forecasts it as Node
// forecasts the same rows as CSV; the file input offers .parquet.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDS } from '../../src/app/testids';
import { sampleParquet } from '../unit/parquet-build';
import {
  buildApp,
  chromiumAvailable,
  maxForecastDifference,
  modelAvailable,
  nodeForecast,
  openBrowser,
  runsSoFar,
  sampleCsv,
  serveDir,
  waitForOutcome,
  type BrowserSession,
  type StaticServer,
} from './harness';

const TOLERANCE = 1e-4;
const ready = chromiumAvailable() && modelAvailable();

describe.skipIf(!ready)('a Parquet file in the page (chromium)', () => {
  let distDir = '';
  let server: StaticServer;
  let session: BrowserSession;
  beforeAll(async () => {
    distDir = await buildApp();
    server = await serveDir(distDir);
    session = await openBrowser(server.appUrl, 'wasm');
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('forecasts a dropped .parquet of the sample as Node forecasts the CSV', async () => {
    const page = session.page;
    expect(await page.getByTestId(TEST_IDS.fileInput).getAttribute('accept')).toContain('.parquet');
    const bytes = Array.from(sampleParquet({ rowGroupSize: 128 }));
    const before = await runsSoFar(page);
    // Built in the page (the test's own types are Node's, without the DOM).
    const dataTransfer = await page.evaluateHandle((b: number[]) => {
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string) => unknown;
      };
      const dt = new dom.DataTransfer();
      dt.items.add(new dom.File([new Uint8Array(b)], 'sales.parquet'));
      return dt;
    }, bytes);
    await page.getByTestId(TEST_IDS.dropZone).dispatchEvent('drop', { dataTransfer });
    const outcome = await waitForOutcome(page, before);
    expect(outcome.status).toBe('done');
    const result = outcome.result!;
    expect(result.report.rowsRead).toBe(1000);
    expect(result.summary.skus).toBe(15);
    const node = await nodeForecast(sampleCsv);
    expect(maxForecastDifference(result.forecast!, node.forecast)).toBeLessThanOrEqual(TOLERANCE);
    expect(session.errors).toEqual([]);
  });
});
