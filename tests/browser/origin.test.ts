// Where the forecast starts, in real Chromium (issue 24 A): the sample with a
// stray 2099 row forecasts from the sample's own last week, the data summary
// says what was left out and lets the user choose the origin, with no
// accessibility violation and nothing scrolling sideways on a phone.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDS } from '../../src/app/testids';
import {
  axeViolations,
  buildApp,
  chromiumAvailable,
  forecastFileInPage,
  modelAvailable,
  openBrowser,
  runsSoFar,
  sampleCsv,
  serveDir,
  waitForOutcome,
  type BrowserSession,
  type StaticServer,
} from './harness';

const ready = chromiumAvailable() && modelAvailable();

describe.skipIf(!ready)('the forecast origin in the page (chromium)', () => {
  let server: StaticServer;
  let distDir = '';
  let session: BrowserSession;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skucast-origin-'));
    distDir = await buildApp();
    server = await serveDir(distDir);
    session = await openBrowser(server.appUrl, 'wasm');
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a stray 2099 row out, says so, and forecasts as of a date the user picks', async () => {
    const page = session.page;
    const sample = readFileSync(sampleCsv, 'utf8');
    const clean = await forecastFileInPage(page, sampleCsv);
    const file = path.join(dir, 'sample-2099.csv');
    const lines = sample.trimEnd().split(/\r?\n/);
    writeFileSync(
      file,
      [...lines, '9999,2099-01-01,CUST9999,Male,40,Beauty,2,50,100'].join('\n') + '\n',
    );
    const stray = await forecastFileInPage(page, file);
    expect(stray.status).toBe('done');
    expect(stray.result!.report.excluded).toMatchObject({ rows: 1, dates: ['2099-01-01'] });
    // The same forecasts as without the row.
    expect(stray.result!.forecast!.skus).toEqual(clean.result!.forecast!.skus);
    expect(stray.result!.forecast!.metadata.lastCompleteWeek).toBe('2023-12-25');

    const origin = page.getByTestId(TEST_IDS.summaryOrigin);
    expect(await origin.innerText()).toMatch(/1 row dated 1 Jan 2099 left out/);
    await page.getByTestId(TEST_IDS.decisions).locator('summary').click();
    expect(await page.getByTestId(TEST_IDS.decisions).innerText()).toMatch(
      /origin: 2023-12-25, the last complete week/,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 812 });
    // Once the page has laid itself out at phone width: nothing scrolls sideways.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const d = (
            globalThis as unknown as {
              document: { documentElement: { scrollWidth: number; clientWidth: number } };
            }
          ).document.documentElement;
          return d.scrollWidth - d.clientWidth;
        }),
      )
      .toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    const before = await runsSoFar(page);
    await page.getByLabel('Forecast as of').fill('2023-06-30');
    await page.getByTestId(TEST_IDS.originApply).click();
    const asOf = await waitForOutcome(page, before);
    expect(asOf.status).toBe('done');
    expect(asOf.result!.report.asOf).toBe('2023-06-30');
    expect(asOf.result!.forecast!.metadata.lastCompleteWeek).toBe('2023-06-26');
    expect(await page.getByTestId(TEST_IDS.summaryOrigin).innerText()).toMatch(
      /As of 30 Jun 2023, as you chose/,
    );
    expect(session.errors).toEqual([]);
  });
});
