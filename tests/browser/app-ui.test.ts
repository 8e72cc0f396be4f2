// The result views as a user meets them, in real Chromium: the sample through
// the file input (overview, category totals, a drawn chart, a new horizon
// without reading the file again, the PNG download), a 20,000-sku file whose
// every sku the search finds, axe-core in every state, light and dark, desktop
// and 375 px, and screenshots kept under tests/browser/artifacts/.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDS } from '../../src/app/testids';
import { buildXlsx } from '../unit/xlsx-build';
import {
  axeViolations,
  BASE_FLAGS,
  buildApp,
  cancelInPage,
  CHROMIUM,
  chromiumAvailable,
  confirmMappingInPage,
  FIRST_LOAD_JS_BUDGET,
  firstLoadJs,
  forecastFileInPage,
  modelAvailable,
  openBrowser,
  pageState,
  repoRoot,
  runsSoFar,
  sampleCsv,
  serveDir,
  waitForOutcome,
  measureTableResponse,
  measureTableScroll,
  type BrowserSession,
  type StaticServer,
} from './harness';

const ready = chromiumAvailable() && modelAvailable();
const artifacts = path.join(repoRoot, 'tests/browser/artifacts');

type Scheme = 'light' | 'dark';
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, mobile: { width: 375, height: 812 } };

/** axe and a screenshot in both schemes at both sizes; returns violations by variant. */
async function checkEverywhere(page: Page, state: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as Scheme[]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(150);
      const v = await axeViolations(page);
      if (v.length > 0) found[`${state}/${size}/${scheme}`] = v;
      await page.screenshot({
        path: path.join(artifacts, `${state}-${size}-${scheme}.png`),
        fullPage: true,
      });
      // No horizontal page scroll at any size.
      const overflow = await page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      if (overflow > 0)
        found[`${state}/${size}/${scheme}/overflow`] = [`page scrolls sideways by ${overflow}px`];
    }
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** Share of the canvas's pixels that are not transparent. */
async function inkedShare(page: Page): Promise<number> {
  return page
    .getByTestId(TEST_IDS.chart)
    .first()
    .evaluate((el) => {
      const c = el as unknown as {
        width: number;
        height: number;
        getContext(t: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) inked++;
      return inked / (data.length / 4);
    });
}

/** The first chart's pixels as a data URL: what the planner sees drawn. */
async function chartPixels(page: Page): Promise<string> {
  return page
    .getByTestId(TEST_IDS.chart)
    .first()
    .evaluate((el) => (el as unknown as { toDataURL(): string }).toDataURL());
}

/** Opens every fold on the page (the numbers by week, the data summary, "How this was computed"). */
async function openFolds(page: Page): Promise<number> {
  return page.evaluate(() => {
    type Doc = {
      querySelectorAll(s: string): ArrayLike<{ open: boolean }> & Iterable<{ open: boolean }>;
    };
    const all = (globalThis as unknown as { document: Doc }).document.querySelectorAll('details');
    for (const d of all) d.open = true;
    return all.length;
  });
}

/** The text of a file the page offers for download by the button `id`. */
async function downloaded(page: Page, id: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(id).click(),
  ]);
  return readFileSync(await download.path(), 'utf8');
}

describe.skipIf(!ready)('result views (chromium)', () => {
  let server: StaticServer;
  let distDir = '';
  let session: BrowserSession;
  let dir = '';
  const a11y: Record<string, string[]> = {};

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'skucast-ui-'));
    distDir = await buildApp();
    server = await serveDir(distDir);
    session = await openBrowser(server.appUrl, 'wasm');
    await session.page.setViewportSize(VIEWPORTS.desktop);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('empty page: no accessibility violation, and the file input is no tab stop', async () => {
    Object.assign(a11y, await checkEverywhere(session.page, 'empty'));
    expect(await session.page.getByTestId(TEST_IDS.fileInput).getAttribute('tabindex')).toBe('-1');
    await session.page.keyboard.press('Tab');
    const first = await session.page.evaluate(
      () =>
        (
          globalThis as unknown as {
            document: { activeElement: { tagName: string; type?: string } | null };
          }
        ).document.activeElement?.type ?? '',
    );
    expect(first).not.toBe('file');
  });

  it('forecasts the sample: 15 skus, overview and category totals, a chart drawn', async () => {
    const outcome = await forecastFileInPage(session.page, sampleCsv);
    expect(outcome.status).toBe('done');
    const page = session.page;
    // Focus moves to the results.
    const focused = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
          .activeElement?.id ?? '',
    );
    expect(focused).toBe('results-title');
    await expect.poll(() => page.getByTestId(TEST_IDS.overview).count()).toBe(1);
    const headline = await page.getByTestId(TEST_IDS.headline).innerText();
    expect(headline).toMatch(/15/);
    const cats = page.getByTestId(TEST_IDS.categoryTotals).locator('tbody tr');
    expect(await cats.count()).toBe(3);
    const catText = await page.getByTestId(TEST_IDS.categoryTotals).innerText();
    expect(catText).toMatch(/Beauty/);
    expect(catText).toMatch(/\d,\d{3}/); // thousands separators
    await expect.poll(() => inkedShare(page)).toBeGreaterThan(0.01);
    // The chart is drawn again in the dark scheme's colours, and back.
    const light = await chartPixels(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => chartPixels(page)).not.toBe(light);
    expect(await inkedShare(page)).toBeGreaterThan(0.01);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => chartPixels(page)).toBe(light);
    Object.assign(a11y, await checkEverywhere(page, 'results-overview'));
    // The forecast CSV of the seed's file keeps its product ids.
    expect((await downloaded(page, TEST_IDS.downloadCsv)).split('\n')[0]).toBe(
      'sku,category,seed_id,week_start,horizon_week,p10,p50,p90,model',
    );

    await page.getByRole('tab', { name: /SKUs/ }).click();
    expect(await page.getByTestId(TEST_IDS.skuTable).locator('tbody tr[data-sku]').count()).toBe(
      15,
    );
    await page.getByTestId(TEST_IDS.skuTable).locator('tbody tr[data-sku] button').first().click();
    await expect.poll(() => page.getByTestId(TEST_IDS.skuDetail).count()).toBe(1);
    await expect.poll(() => inkedShare(page)).toBeGreaterThan(0.01);
    const firstSku = await page.getByTestId(TEST_IDS.skuDetail).getAttribute('data-sku');
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => page.getByTestId(TEST_IDS.skuDetail).getAttribute('data-sku'))
      .not.toBe(firstSku);
    // A click anywhere on a row (here its forecast figure) opens that sku, as its hover promises.
    const shown = await page.getByTestId(TEST_IDS.skuDetail).getAttribute('data-sku');
    const other = page
      .getByTestId(TEST_IDS.skuTable)
      .locator(`tbody tr[data-sku]:not([data-sku="${shown}"])`)
      .nth(1);
    const otherSku = await other.getAttribute('data-sku');
    await other.locator('td.num').first().click();
    await expect
      .poll(() => page.getByTestId(TEST_IDS.skuDetail).getAttribute('data-sku'))
      .toBe(otherSku);
    Object.assign(a11y, await checkEverywhere(page, 'results-sku'));
    // Every fold open: the numbers by week, the data summary, "How this was computed".
    expect(await openFolds(page)).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId(TEST_IDS.details).getAttribute('open')).not.toBeNull();
    Object.assign(a11y, await checkEverywhere(page, 'results-details'));

    await page.getByRole('tab', { name: /Categories/ }).click();
    await expect.poll(() => page.getByTestId(TEST_IDS.categoryView).count()).toBe(1);
    await expect.poll(() => inkedShare(page)).toBeGreaterThan(0.01);
    Object.assign(a11y, await checkEverywhere(page, 'results-categories'));
  });

  it('a new horizon updates table and chart without reading the file again', async () => {
    const page = session.page;
    await page.getByRole('tab', { name: /SKUs/ }).click();
    const reads = (await pageState(page)).fileReads;
    const before = await runsSoFar(page);
    const cellBefore = await page
      .getByTestId(TEST_IDS.skuTable)
      .locator('tbody tr[data-sku]')
      .first()
      .innerText();
    await page.getByTestId(TEST_IDS.horizon).selectOption('8');
    const outcome = await waitForOutcome(page, before);
    expect(outcome.status).toBe('done');
    expect(outcome.result!.forecast!.metadata.horizon).toBe(8);
    expect(outcome.result!.timings.read_parse_ms).toBe(0);
    expect((await pageState(page)).fileReads).toBe(reads);
    await expect
      .poll(() => page.getByTestId(TEST_IDS.chart).first().getAttribute('data-forecast-weeks'))
      .toBe('8');
    const cellAfter = await page
      .getByTestId(TEST_IDS.skuTable)
      .locator('tbody tr[data-sku]')
      .first()
      .innerText();
    expect(cellAfter).not.toBe(cellBefore);
    expect(await page.getByTestId(TEST_IDS.skuCount).innerText()).toMatch(/8 weeks/);
  });

  it('downloads the current chart as a valid PNG at twice the size', async () => {
    const [download] = await Promise.all([
      session.page.waitForEvent('download'),
      session.page.getByTestId(TEST_IDS.downloadPng).click(),
    ]);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(bytes.readUInt32BE(16)).toBe(1920);
    expect(bytes.readUInt32BE(20)).toBe(960);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
  });

  it('downloads JSON, the seed shape and the issues', async () => {
    for (const id of [TEST_IDS.downloadJson, TEST_IDS.downloadSeedJson] as const) {
      const [download] = await Promise.all([
        session.page.waitForEvent('download'),
        session.page.getByTestId(id).click(),
      ]);
      const text = readFileSync(await download.path(), 'utf8');
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it('puts focus on the next step: the sku row after Esc, the file chooser after Start over', async () => {
    const page = session.page;
    await page.getByRole('tab', { name: /SKUs/ }).click();
    const first = page.getByTestId(TEST_IDS.skuTable).locator('tbody tr[data-sku]').first();
    const name = await first.getAttribute('data-sku');
    await first.locator('button.sku').click();
    await page.getByTestId(TEST_IDS.skuDetail).waitFor();
    await page.keyboard.press('Escape');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              globalThis as unknown as {
                document: {
                  activeElement: {
                    closest(s: string): { dataset: { sku?: string } } | null;
                  } | null;
                };
              }
            ).document.activeElement?.closest('tr[data-sku]')?.dataset.sku ?? null,
        ),
      )
      .toBe(name);
    await page.getByTestId(TEST_IDS.startOver).click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              globalThis as unknown as {
                document: { activeElement: { textContent: string } | null };
              }
            ).document.activeElement?.textContent?.trim() ?? '',
        ),
      )
      .toBe('Choose a file…');
  });

  it('mapping, progress and error states have no accessibility violation', async () => {
    const page = session.page;
    const lines = ['Belegdatum;Artikel;Warengruppe;Umsatz;Menge'];
    for (let d = 0; d < 120; d++) {
      const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000);
      const dd = String(day.getUTCDate()).padStart(2, '0');
      const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
      const yy = String(day.getUTCFullYear()).slice(2);
      lines.push(
        `${dd}.${mm}.${yy};A-${d % 3};Obst;${(10 + (d % 7)).toFixed(2).replace('.', ',')};1`,
      );
    }
    const file = path.join(dir, 'kasse.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const asked = await forecastFileInPage(page, file);
    expect(asked.status).toBe('mapping');
    const form = page.getByTestId(TEST_IDS.mappingForm);
    // German headers are recognised: every role is proposed, none picked by hand.
    expect(await form.getByLabel('Date (required)').inputValue()).toBe('Belegdatum');
    expect(await form.getByLabel('SKU / product / store').inputValue()).toBe('Artikel');
    expect(await form.getByLabel('Category').inputValue()).toBe('Warengruppe');
    expect(await form.getByLabel('Amount (money per row)').inputValue()).toBe('Umsatz');
    // The preview's dates are described in words.
    expect(await form.textContent()).toMatch(/dates (read as|such as)/i);
    Object.assign(a11y, await checkEverywhere(page, 'mapping'));
    const done = await confirmMappingInPage(page);
    expect(done.status).toBe('done');

    // Progress: a large file, checked while it is read, then cancelled.
    const body = readFileSync(sampleCsv, 'utf8').trimEnd().split(/\r?\n/);
    const header = body.shift()!;
    const big = path.join(dir, 'long.csv');
    writeFileSync(big, header + '\n' + (body.join('\n') + '\n').repeat(3000));
    await page.getByTestId(TEST_IDS.fileInput).setInputFiles(big);
    await page.getByTestId(TEST_IDS.progress).waitFor();
    // Both schemes and sizes while the file is read (a run that ends meanwhile is told apart below).
    const progress = await checkEverywhere(page, 'progress');
    const stillRunning = (await page.getByTestId(TEST_IDS.progress).count()) > 0;
    Object.assign(a11y, progress);
    expect(stillRunning, 'the progress view lasted through the checks').toBe(true);
    // Cancelled: back at the start with a polite notice naming the file, never an error.
    const cancelled = await cancelInPage(page);
    expect(cancelled).toMatchObject({ status: 'idle', error: null, focused: 'Choose a file…' });
    expect(cancelled.notice).toMatch(
      /^(Reading|Forecast) of long\.csv cancelled\. Choose a file or try the sample to start again\.$/,
    );
    expect(await page.getByTestId(TEST_IDS.notice).getAttribute('role')).toBe('status');
    Object.assign(a11y, await checkEverywhere(page, 'cancelled'));

    const bad = path.join(dir, 'photo.csv');
    writeFileSync(
      bad,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    );
    const failed = await forecastFileInPage(page, bad);
    expect(failed.status).toBe('error');
    // Named for what it is, not "not UTF-8 text".
    expect(failed.error).toMatch(/This looks like an image \(PNG\), not CSV text/);
    expect(failed.error).not.toMatch(/UTF-8|Windows-1252/);
    Object.assign(a11y, await checkEverywhere(page, 'error'));

    // A file that reads but cannot be forecast: the reason and what to do, never an empty page.
    const headerOnly = path.join(dir, 'header-only.csv');
    writeFileSync(headerOnly, header + '\n');
    const none = await forecastFileInPage(page, headerOnly);
    expect(none.status).toBe('done');
    expect(await page.getByTestId(TEST_IDS.problem).innerText()).toMatch(/Choose another file/);
    Object.assign(a11y, await checkEverywhere(page, 'no-forecast'));
  });

  it('on a touch screen: no "drop" wording, every control at least 32 px tall, nothing scrolls sideways', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_FLAGS });
    try {
      const context = await browser.newContext({
        viewport: VIEWPORTS.mobile,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      await page.goto(server.appUrl);
      const zone = await page.getByTestId(TEST_IDS.dropZone).innerText();
      expect(zone).not.toMatch(/drop/i);
      const tooSmall = (): Promise<string[]> =>
        page.evaluate(() => {
          type El = { getBoundingClientRect(): { height: number }; outerHTML: string };
          const doc = (
            globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }
          ).document;
          return [...doc.querySelectorAll('button, select, input:not([type=file]), summary')]
            .filter((e) => {
              const h = e.getBoundingClientRect().height;
              return h > 0 && h < 31.5;
            })
            .map((e) => e.outerHTML.slice(0, 80));
        });
      expect(await tooSmall()).toEqual([]);
      // Every fold open, as a planner tapping each would have it.
      const openFolds = (): Promise<void> =>
        page.evaluate(() => {
          type Doc = { querySelectorAll(s: string): Iterable<{ open: boolean }> };
          for (const d of (globalThis as unknown as { document: Doc }).document.querySelectorAll(
            'details',
          ))
            d.open = true;
        });
      // Pixels the page scrolls sideways (0: it fits the phone).
      const sideways = (): Promise<number> =>
        page.evaluate(() => {
          const d = (
            globalThis as unknown as {
              document: { documentElement: { scrollWidth: number; clientWidth: number } };
            }
          ).document.documentElement;
          return d.scrollWidth - d.clientWidth;
        });
      await page.getByTestId(TEST_IDS.fileInput).setInputFiles(sampleCsv);
      await page.getByTestId(TEST_IDS.overview).waitFor({ timeout: 120_000 });
      expect(await tooSmall()).toEqual([]);
      expect(await sideways()).toBe(0);
      // Every fold open: the numbers by week, the data summary and how it was computed.
      await openFolds();
      expect(await sideways()).toBe(0);
      await page.getByRole('tab', { name: /SKUs/ }).click();
      await page
        .getByTestId(TEST_IDS.skuTable)
        .locator('tbody tr[data-sku] button')
        .first()
        .click();
      expect(await tooSmall()).toEqual([]);
      await openFolds();
      expect(await sideways()).toBe(0);
      await page.getByRole('tab', { name: /Categories/ }).click();
      expect(await tooSmall()).toEqual([]);
      expect(await sideways()).toBe(0);
      await page.screenshot({ path: path.join(artifacts, 'touch-categories-mobile-light.png') });
    } finally {
      await browser.close();
    }
  });

  it("speaks of the page's controls, not CLI flags: a workbook's sheets in the issue list and the Issues CSV; no seed_id for another file", async () => {
    const page = session.page;
    const rows: (string | number)[][] = [['Date', 'SKU', 'Amount']];
    for (let d = 0; d < 70; d++)
      for (const sku of ['A', 'B'])
        rows.push([
          new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10),
          sku,
          5 + (d % 4),
        ]);
    const file = path.join(dir, 'two-sheets.xlsx');
    writeFileSync(
      file,
      buildXlsx([
        { name: 'Sales', rows },
        { name: 'Notes', rows: [['note'], ['checked']] },
      ]),
    );
    let outcome = await forecastFileInPage(page, file);
    if (outcome.status === 'mapping') outcome = await confirmMappingInPage(page);
    expect(outcome.status).toBe('done');
    // The note as core writes it for the CLI …
    const note = outcome.result!.report.issues.find((i) => /sheets/.test(i.message))!.message;
    expect(note).toMatch(/skucast --sheet NAME/);
    // … and as the page shows and saves it.
    await openFolds(page);
    const list = await page.getByTestId(TEST_IDS.issues).innerText();
    expect(list).toMatch(/another can be chosen in the Sheet list of the column form/);
    const issuesCsv = await downloaded(page, TEST_IDS.downloadIssues);
    expect(issuesCsv).toMatch(/Sheet list of the column form/);
    for (const text of [list, issuesCsv, await page.locator('main').innerText()])
      expect(text).not.toMatch(/--sheet|--map|skucast /);
    // A file with its own skus: seed_id would be -1 on every row, so it is left out.
    expect((await downloaded(page, TEST_IDS.downloadCsv)).split('\n')[0]).toBe(
      'sku,category,week_start,horizon_week,p10,p50,p90,model',
    );
  });

  it(`loads at most ${FIRST_LOAD_JS_BUDGET / 1024} KB of JS (gzip) before any dynamic import`, () => {
    const { files, gzip } = firstLoadJs(distDir);
    // The entry is there and counted: a measure of nothing would pass any budget.
    expect(files.some((f) => /^assets\/index-.*\.js$/.test(f.file))).toBe(true);
    expect(gzip).toBeGreaterThan(10 * 1024);
    expect(gzip).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET);
  });

  it('reports no axe-core violation in any state, scheme or size', () => {
    expect(a11y).toEqual({});
  });

  it('finds every one of 20,000 skus by search', async () => {
    const page = session.page;
    const skus = 20_000;
    const weeks = 10;
    const lines = ['Date,SKU,Category,Amount'];
    for (let w = 0; w < weeks; w++) {
      const day = new Date(Date.UTC(2024, 0, 1) + w * 7 * 86_400_000).toISOString().slice(0, 10);
      for (let s = 0; s < skus; s++)
        lines.push(`${day},P${String(s).padStart(5, '0')},C${s % 7},${(s % 13) + w + 1}`);
    }
    const file = path.join(dir, 'many.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    let outcome = await forecastFileInPage(page, file);
    if (outcome.status === 'mapping') outcome = await confirmMappingInPage(page);
    expect(outcome.status).toBe('done');
    await page.getByRole('tab', { name: /SKUs/ }).click();
    const table = page.getByTestId(TEST_IDS.skuTable);
    expect(await table.getAttribute('data-rows')).toBe(String(skus));
    // Far fewer rows drawn than skus: the table is virtualised.
    expect(await table.locator('tbody tr[data-sku]').count()).toBeLessThan(100);
    const search = page.getByTestId(TEST_IDS.skuSearch);
    // Reachable by search: a search finds exactly the sku asked for (200 spread over all).
    for (let s = 0; s < skus; s += 100) {
      const name = `P${String(s).padStart(5, '0')}`;
      await search.fill(name);
      await expect.poll(() => table.getAttribute('data-rows')).toBe('1');
      expect(await table.locator('tbody tr[data-sku]').first().getAttribute('data-sku')).toBe(name);
    }
    // The searches split the whole list: P0… and P1… together are every sku.
    await search.fill('P0');
    await expect.poll(() => table.getAttribute('data-rows')).toBe('10000');
    await search.fill('P1');
    await expect.poll(() => table.getAttribute('data-rows')).toBe('10000');
    await search.fill('');
    // Sort and filter response and scroll frames at 20,000 skus, measured in the page,
    // kept as an artefact rather than asserted: the machine is shared.
    const timings = {
      ...(await measureTableResponse(page)),
      scroll: await measureTableScroll(page),
    };
    writeFileSync(
      path.join(artifacts, 'table-20k-timings.json'),
      JSON.stringify(timings, null, 2) + '\n',
    );
    console.log('20,000-sku table, ms from input to painted frame:', timings);
    // Scrolling to the end shows the last sku in the current order.
    await page.getByRole('button', { name: /^SKU/ }).click();
    await page.locator('.viewport').evaluate((el) => {
      (el as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (
        el as unknown as { scrollHeight: number }
      ).scrollHeight;
    });
    await expect
      .poll(() => table.locator('tbody tr[data-sku]').last().getAttribute('data-sku'))
      .toBe('P19999');
    await page.screenshot({ path: path.join(artifacts, 'many-skus-desktop-light.png') });
    // On a phone, scrolled into the middle (spacer rows above and below), the sku
    // column keeps its room: the hidden wide columns take none of it.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator('.viewport').evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 10_000 * 52;
    });
    await expect.poll(() => table.locator('tbody tr[data-sku]').count()).toBeGreaterThan(0);
    const widths = await table.evaluate((t) => {
      const box = (q: string): number =>
        (
          t as unknown as {
            querySelector(s: string): { getBoundingClientRect(): { width: number } };
          }
        )
          .querySelector(q)
          .getBoundingClientRect().width;
      return {
        table: box('thead'),
        sku: box('tbody tr[data-sku] th'),
        total: box('tbody tr[data-sku] td.num'),
      };
    });
    expect(widths.sku, JSON.stringify(widths)).toBeGreaterThan(widths.total);
    expect(widths.sku + widths.total, JSON.stringify(widths)).toBeGreaterThan(widths.table * 0.6);
    await page.screenshot({ path: path.join(artifacts, 'many-skus-phone-light.png') });
    if (viewport) await page.setViewportSize(viewport);
    // A hang guard, not a time bar: forecasting 20,000 skus and 200 searches take
    // 60-100 s on a 2-core machine, close to the file's 120 s default.
  }, 300_000);
});
