// The app as a user gets it: the production build served from a static
// server, headless Chromium, a file picked in the page. Once with a WebGPU
// adapter (SwiftShader) and once without (WASM fallback); both must give the
// forecast the same pipeline gives in Node, and nothing may leave the origin.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDS } from '../../src/app/testids';
import { forecastToCsv } from '../../src/core/exports';
import { buildXlsx, csvRows, seedSheetRows } from '../unit/xlsx-build';
import {
  buildApp,
  cancelInPage,
  chromiumAvailable,
  confirmMappingInPage,
  foreignRequests,
  forecastFileInPage,
  forecastSampleInPage,
  maxForecastDifference,
  modelAvailable,
  nodeForecast,
  openBrowser,
  sampleCsv,
  seedCsv,
  serveDir,
  sharedDir,
  type BrowserProvider,
  type BrowserSession,
  type StaticServer,
  pageState,
  runsSoFar,
  waitForOutcome,
} from './harness';

/** Browser (float32 on GPU or CPU) vs Node, relative to max(1, |value|). */
const TOLERANCE = 1e-4;

const ready = chromiumAvailable() && modelAvailable();
const skipReason = !chromiumAvailable()
  ? 'skipped: /usr/bin/chromium not found'
  : 'skipped: models/tcn.onnx not built';

let distDir = '';
let server: StaticServer;

describe.skipIf(!ready)(`browser app (${ready ? 'chromium' : skipReason})`, () => {
  beforeAll(async () => {
    distDir = await buildApp();
    server = await serveDir(distDir);
  });
  afterAll(async () => {
    await server?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  describe.each<BrowserProvider>(['webgpu', 'wasm'])('%s', (provider) => {
    let session: BrowserSession;
    let firstSessionMs: number | undefined;
    beforeAll(async () => {
      session = await openBrowser(server.appUrl, provider);
    });
    afterAll(async () => {
      await session?.close();
    });

    it(`${provider === 'webgpu' ? 'offers' : 'offers no'} WebGPU adapter`, async () => {
      const adapter = await session.page.evaluate(async () => {
        type Gpu = { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> };
        const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
        const a = gpu ? await gpu.requestAdapter() : null;
        return a ? (a.info?.architecture ?? 'unknown') : null;
      });
      // --enable-unsafe-webgpu gives SwiftShader (CPU Vulkan, shipped with Debian's chromium).
      if (provider === 'webgpu')
        expect(adapter, 'no WebGPU adapter despite --enable-unsafe-webgpu').not.toBeNull();
      else expect(adapter).toBeNull();
    });

    it('forecasts the sample as Node does, on the expected provider', async () => {
      const outcome = await forecastSampleInPage(session.page);
      expect(outcome.error).toBeNull();
      expect(outcome.status).toBe('done');
      const result = outcome.result!;
      firstSessionMs = result.timings.model_session_ms;
      expect(result.provider).toBe(provider);
      if (provider === 'wasm') expect(result.fallbackReason).toMatch(/adapter|WebGPU/);
      else expect(result.fallbackReason).toBeUndefined();

      const node = await nodeForecast(sampleCsv);
      expect(result.summary.skus).toBe(node.table.series.length);
      expect(result.summary.weeks).toBe(node.table.weeks.length);
      expect(result.report.rowsUsed).toBe(node.table.report.rowsUsed);
      expect(maxForecastDifference(result.forecast!, node.forecast)).toBeLessThanOrEqual(TOLERANCE);

      // What the user sees: the provider, and one table row per sku.
      const shown = session.page.getByTestId(TEST_IDS.provider);
      expect(await shown.getAttribute('data-provider')).toBe(provider);
      await session.page.getByRole('tab', { name: /SKUs/ }).click();
      const rows = session.page.getByTestId(TEST_IDS.skuTable).locator('tbody tr[data-sku]');
      expect(await rows.count()).toBe(node.forecast.skus.length);

      // The CSV download is the exports module's CSV of this forecast (2-decimal money may differ by a cent).
      const [download] = await Promise.all([
        session.page.waitForEvent('download'),
        session.page.getByTestId(TEST_IDS.downloadCsv).click(),
      ]);
      const got = readFileSync(await download.path(), 'utf8').split('\r\n');
      const want = forecastToCsv(node.forecast).split('\r\n');
      expect(download.suggestedFilename()).toBe('retail_sales_2023-forecast.csv');
      expect(got.length).toBe(want.length);
      got.forEach((line, i) => {
        const a = line.split(',');
        const b = (want[i] as string).split(',');
        expect(a.length).toBe(b.length);
        a.forEach((cell, j) => {
          const x = Number(cell);
          const y = Number(b[j]);
          if (cell !== '' && Number.isFinite(x) && Number.isFinite(y) && /\./.test(cell)) {
            expect(Math.abs(x - y)).toBeLessThanOrEqual(0.0100001);
          } else {
            expect(cell).toBe(b[j]);
          }
        });
      });
    });

    it.skipIf(!existsSync(seedCsv))(
      `forecasts the seed file picked in the page${existsSync(sharedDir) ? '' : ' (skipped: ../shared not found)'}`,
      async () => {
        const outcome = await forecastFileInPage(session.page, seedCsv);
        expect(outcome.error).toBeNull();
        const result = outcome.result!;
        expect(result.provider).toBe(provider);
        const node = await nodeForecast(seedCsv);
        expect(maxForecastDifference(result.forecast!, node.forecast)).toBeLessThanOrEqual(
          TOLERANCE,
        );
        // A second run in the same worker reuses the loaded model.
        expect(result.timings.model_load_ms).toBe(0);
        expect(result.timings.model_session_ms).toBe(firstSessionMs);
      },
    );

    it('forecasts again, further ahead, when the user picks another horizon', async () => {
      expect((await forecastSampleInPage(session.page)).status).toBe('done');
      const before = await runsSoFar(session.page);
      await session.page.getByTestId(TEST_IDS.horizon).selectOption('8');
      const outcome = await waitForOutcome(session.page, before);
      expect(outcome.error).toBeNull();
      const result = outcome.result!;
      expect(result.forecast!.metadata.horizon).toBe(8);
      const node = await nodeForecast(sampleCsv, undefined, 8);
      expect(maxForecastDifference(result.forecast!, node.forecast)).toBeLessThanOrEqual(TOLERANCE);
      // Back to the default, so the checks below see a settled page.
      await session.page.getByTestId(TEST_IDS.horizon).selectOption('4');
      expect((await waitForOutcome(session.page, before + 1)).status).toBe('done');
    });

    it('made no request outside its own origin, and logged no error', () => {
      expect(foreignRequests(session.requests, server.origin)).toEqual([]);
      // The worker's fetches are observed too, so the check above covers them.
      // Only the binary of the ORT build in use: JSEP (WebGPU + WASM, 28 MB) with an
      // adapter, the plain WASM build (14 MB) without.
      const wasm = session.requests.filter((u) => u.endsWith('.wasm'));
      expect(wasm.length).toBeGreaterThan(0);
      const wrongBuild = wasm.filter(
        (u) => /\.jsep-[^/]*\.wasm$/.test(u) !== (provider === 'webgpu'),
      );
      expect(wrongBuild).toEqual([]);
      expect(session.requests.some((u) => u.endsWith('.onnx'))).toBe(true);
      expect(session.errors).toEqual([]);
    });
  });

  describe('user flows (WASM)', () => {
    let session: BrowserSession;
    let dir = '';
    beforeAll(async () => {
      session = await openBrowser(server.appUrl, 'wasm');
      dir = mkdtempSync(path.join(tmpdir(), 'skucast-bad-'));
    });
    afterAll(async () => {
      await session?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('forecasts an Excel workbook of the sample as it forecasts the CSV', async () => {
      const book = buildXlsx([
        { name: 'Sales', rows: seedSheetRows(csvRows(readFileSync(sampleCsv, 'utf8'))) },
      ]);
      const file = path.join(dir, 'sales.xlsx');
      writeFileSync(file, book);
      const outcome = await forecastFileInPage(session.page, file);
      expect(outcome.status).toBe('done');
      const node = await nodeForecast(sampleCsv);
      expect(outcome.result!.summary.skus).toBe(15);
      expect(maxForecastDifference(outcome.result!.forecast!, node.forecast)).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });

    it('lets the user pick a workbook sheet, a two-column sku and the date reading', async () => {
      const sales: (string | number)[][] = [['Datum', 'Filiale', 'Artikel', 'Umsatz']];
      for (let d = 0; d < 70; d++) {
        const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000);
        const dmy = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
        for (const store of [1, 2])
          for (const item of [7, 8]) sales.push([dmy, store, item, 10 + store + item + (d % 5)]);
      }
      const file = path.join(dir, 'two-sheets.xlsx');
      writeFileSync(
        file,
        buildXlsx([
          {
            name: 'Notes',
            rows: [
              ['Datum', 'Umsatz'],
              ['01/01/2024', 1],
            ],
          },
          { name: 'Sales', rows: sales },
        ]),
      );
      const asked = await forecastFileInPage(session.page, file);
      expect(asked.status).toBe('mapping');
      const form = session.page.getByTestId(TEST_IDS.mappingForm);
      await form.getByTestId(TEST_IDS.mappingSheet).selectOption('Sales');
      await expect
        .poll(() => form.getByTestId(TEST_IDS.mappingPreview).textContent())
        .toContain('Filiale');
      await form.getByLabel('SKU / product / store').selectOption('Filiale');
      await form.getByTestId(TEST_IDS.mappingSkuPart).selectOption('Artikel');
      await form.getByTestId(TEST_IDS.mappingDateFormat).selectOption('DMY');
      const done = await confirmMappingInPage(session.page);
      expect(done.status).toBe('done');
      const result = done.result!;
      expect(result.report.sheet).toBe('Sales');
      expect(result.report.dateFormat).toBe('DMY');
      // The summary counts the rows each date reading accepts.
      expect(await session.page.getByTestId(TEST_IDS.summary).textContent()).toMatch(
        /Rows each reading accepts:\s*day\/month\/year 280/,
      );
      expect(result.forecast!.skus.map((s) => s.sku)).toEqual(['1 · 7', '1 · 8', '2 · 7', '2 · 8']);
    });

    it('shows a message, not a stack trace, for a file that is not a CSV', async () => {
      const file = path.join(dir, 'photo.csv');
      writeFileSync(
        file,
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe]),
      );
      const outcome = await forecastFileInPage(session.page, file);
      const text = (await session.page.locator('main').innerText()).toLowerCase();
      expect(outcome.status).toBe('error');
      expect(outcome.error).toMatch(/looks like an image \(PNG\)/);
      expect(await session.page.getByTestId(TEST_IDS.error).innerText()).toBe(outcome.error);
      expect(text).not.toMatch(/ at \S+:\d+:\d+|stack|undefined|\[object/);
      expect(session.errors).toEqual([]);
    });

    it('explains, with the data summary, why a header-only file gets no forecast', async () => {
      const file = path.join(dir, 'header-only.csv');
      writeFileSync(file, readFileSync(sampleCsv, 'utf8').split(/\r?\n/)[0] + '\r\n');
      const outcome = await forecastFileInPage(session.page, file);
      expect(outcome.status).toBe('done');
      expect(outcome.result!.forecast).toBeNull();
      const shown = await session.page.getByTestId(TEST_IDS.problem).innerText();
      expect(shown).toContain(outcome.result!.problem!);
      expect(await session.page.getByTestId(TEST_IDS.skuTable).count()).toBe(0);
      expect(session.errors).toEqual([]);
    });

    it('lists skipped rows by row number and still forecasts the good ones', async () => {
      const good = (await import('node:fs'))
        .readFileSync(sampleCsv, 'utf8')
        .trimEnd()
        .split(/\r?\n/);
      const lines = [...good];
      lines.splice(3, 0, '9001,31/02/2023,CUST9001,Female,30,Beauty,1,50,50');
      const file = path.join(dir, 'with-bad-date.csv');
      writeFileSync(file, lines.join('\n') + '\n');
      const outcome = await forecastFileInPage(session.page, file);
      expect(outcome.status).toBe('done');
      const result = outcome.result!;
      expect(result.report.rowsSkipped).toBe(1);
      expect(result.forecast).not.toBeNull();
      const issues = await session.page.getByTestId(TEST_IDS.issues).innerText();
      expect(issues).toContain('4');
      expect(session.errors).toEqual([]);
    });
    it('proposes the recognised columns of another schema for the user to confirm', async () => {
      const lines = ['Store,Date,Weekly_Sales'];
      for (let w = 0; w < 20; w++) {
        const day = new Date(Date.UTC(2010, 1, 5) + w * 7 * 86_400_000).toISOString().slice(0, 10);
        lines.push(
          `1,${day},${(24000 + 900 * Math.sin(w)).toFixed(2)}`,
          `2,${day},${(41000 - 50 * w).toFixed(2)}`,
        );
      }
      const file = path.join(dir, 'walmart-like.csv');
      writeFileSync(file, lines.join('\n') + '\n');
      const asked = await forecastFileInPage(session.page, file);
      expect(asked.status).toBe('mapping');
      const form = session.page.getByTestId(TEST_IDS.mappingForm);
      expect(await form.getByLabel('Date (required)').inputValue()).toBe('Date');
      expect(await form.getByLabel('Amount (money per row)').inputValue()).toBe('Weekly_Sales');
      expect(await form.getByLabel('SKU / product / store').inputValue()).toBe('Store');
      const before = await runsSoFar(session.page);
      await session.page.getByTestId(TEST_IDS.mappingSubmit).click();
      const outcome = await waitForOutcome(session.page, before);
      expect(outcome.error).toBeNull();
      expect(outcome.result!.report.granularity).toBe('weekly');
      const node = await nodeForecast(file, { date: 'Date', amount: 'Weekly_Sales', sku: 'Store' });
      expect(maxForecastDifference(outcome.result!.forecast!, node.forecast)).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });

    it('asks for the columns it cannot recognise, then forecasts with the chosen ones', async () => {
      const lines = ['When;Takings;Thing'];
      const start = Date.UTC(2024, 0, 1);
      for (let d = 0; d < 7 * 30; d++) {
        const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
        lines.push(
          `${day};${(100 + (d % 7) * 10 + Math.round(20 * Math.sin(d / 9))).toFixed(2).replace('.', ',')};alpha`,
        );
        if (d % 2 === 0) lines.push(`${day};${(40 + (d % 5)).toFixed(2).replace('.', ',')};beta`);
      }
      const file = path.join(dir, 'own-columns.csv');
      writeFileSync(file, lines.join('\r\n') + '\r\n');
      const asked = await forecastFileInPage(session.page, file);
      expect(asked.status).toBe('mapping');
      const form = session.page.getByTestId(TEST_IDS.mappingForm);
      await form.getByLabel('Date (required)').selectOption('When');
      await form.getByLabel('Amount (money per row)').selectOption('Takings');
      await form.getByLabel('SKU / product / store').selectOption('Thing');
      const before = await runsSoFar(session.page);
      await session.page.getByTestId(TEST_IDS.mappingSubmit).click();
      const outcome = await waitForOutcome(session.page, before);
      expect(outcome.error).toBeNull();
      const result = outcome.result!;
      expect(result.report.mapping).toMatchObject({
        date: 'When',
        amount: 'Takings',
        sku: 'Thing',
      });
      const node = await nodeForecast(file, { date: 'When', amount: 'Takings', sku: 'Thing' });
      expect(result.summary.skus).toBe(2);
      expect(maxForecastDifference(result.forecast!, node.forecast)).toBeLessThanOrEqual(TOLERANCE);
    });

    it('cancels a long run, and the next run works with the model it already had', async () => {
      const body = readFileSync(sampleCsv, 'utf8').trimEnd().split(/\r?\n/);
      const header = body.shift()!;
      const chunk = body.join('\n') + '\n';
      const file = path.join(dir, 'long.csv');
      // About 40 MB: parsing takes seconds, far longer than finding the Cancel button.
      writeFileSync(file, header + '\n' + chunk.repeat(800));
      // The model is loaded first, so the run after the cancel shows whether it was kept.
      expect((await forecastSampleInPage(session.page)).status).toBe('done');
      await session.page.getByTestId(TEST_IDS.fileInput).setInputFiles(file);
      // Back at the start, told what stopped (not an error), focus on the file chooser.
      expect(await cancelInPage(session.page)).toEqual({
        status: 'idle',
        notice: 'Reading of long.csv cancelled. Choose a file or try the sample to start again.',
        error: null,
        focused: 'Choose a file…',
      });
      // Pressed at once: the worker may still be stopping, and this run must wait for it, not die with it.
      const again = await forecastSampleInPage(session.page);
      expect(again.status).toBe('done');
      expect(again.result!.forecast).not.toBeNull();
      // The parse stopped at its next chunk; the worker and its loaded model stayed.
      expect(again.result!.timings.model_load_ms).toBe(0);
      expect(session.errors).toEqual([]);
    });

    it('cancels at the mapping form and while backtesting, then forecasts another file with the model it had', async () => {
      // Needs its columns confirmed (own header names), and has enough skus
      // that the backtest runs for seconds after the file is read.
      const lines = ['When;Takings;Thing'];
      const start = Date.UTC(2023, 0, 2);
      for (let w = 0; w < 104; w++) {
        const day = new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10);
        for (let k = 0; k < 3000; k++) lines.push(`${day};${10 + ((k * 7 + w * 3) % 23)};T${k}`);
      }
      const file = path.join(dir, 'backtest-long.csv');
      writeFileSync(file, lines.join('\n') + '\n');
      expect((await forecastSampleInPage(session.page)).status).toBe('done');

      // At the mapping form: "Choose another file" leaves the page ready.
      const asked = await forecastFileInPage(session.page, file);
      expect(asked.status).toBe('mapping');
      await session.page.getByRole('button', { name: 'Choose another file' }).click();
      await expect.poll(async () => (await pageState(session.page)).status).toBe('idle');

      // While backtesting: confirmed, then cancelled once the backtest reports progress.
      expect((await forecastFileInPage(session.page, file)).status).toBe('mapping');
      const form = session.page.getByTestId(TEST_IDS.mappingForm);
      await form.getByLabel('Date (required)').selectOption('When');
      await form.getByLabel('Amount (money per row)').selectOption('Takings');
      await form.getByLabel('SKU / product / store').selectOption('Thing');
      await session.page.getByTestId(TEST_IDS.mappingSubmit).click();
      await session.page.getByText(/^Backtesting [\d,]+ of 3,000 skus/).waitFor();
      expect(await cancelInPage(session.page)).toEqual({
        status: 'idle',
        notice:
          'Forecast of backtest-long.csv cancelled. Choose a file or try the sample to start again.',
        error: null,
        focused: 'Choose a file…',
      });

      const again = await forecastSampleInPage(session.page);
      expect(again.status).toBe('done');
      // The backtest stopped at its next pause: the worker and its loaded model stayed.
      expect(again.result!.timings.model_load_ms).toBe(0);
      expect(session.errors).toEqual([]);
    });

    it('has a content security policy that blocks requests to any other origin', async () => {
      // Last in this block: the blocked fetch logs a console error on purpose.
      const outcome = await session.page.evaluate(async () => {
        // (This runs in the page; tsconfig.node.json has no DOM types, hence the cast.)
        type Doc = {
          addEventListener(type: string, f: (e: { violatedDirective: string }) => void): void;
        };
        let violated = '';
        (globalThis as unknown as { document: Doc }).document.addEventListener(
          'securitypolicyviolation',
          (e) => (violated = e.violatedDirective),
        );
        const fetched = await fetch('http://127.0.0.2:9/exfiltrate').then(
          () => 'sent',
          () => 'blocked',
        );
        await new Promise((r) => setTimeout(r, 50));
        return { fetched, violated };
      });
      expect(outcome).toEqual({ fetched: 'blocked', violated: 'connect-src' });
      expect(session.requests.filter((u) => u.includes('exfiltrate'))).toEqual([]);
    });
  });
});
