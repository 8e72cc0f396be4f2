// `npm run bench -- table`: the sku table at 50,000 skus in headless Chromium,
// production build: a weekly file of 50,000 skus × 10 weeks forecast in the
// page, then sort and filter response (input to painted frame); then three
// scrolls of 40,000 px at 400 px a frame as a wheel sends them, through
// Chromium's input pipeline, with the frames Chromium itself counts janky or
// dropped (bench/wheel-scroll.ts); then three of 120 frames set by script
// each frame (a frame over 25 ms is late: at least one vsync missed), each
// over rows not drawn before. Numbers, not a test. With
// SKUCAST_BENCH_TRACE=DIR each fling is traced (bench/trace.ts) into DIR.

import { rmSync, writeFileSync } from 'node:fs';
import { TEST_IDS } from '../src/app/testids';
import path from 'node:path';
import { loadavg } from 'node:os';
import {
  buildApp,
  chromiumAvailable,
  confirmMappingInPage,
  forecastFileInPage,
  measureTableResponse,
  measureTableScroll,
  modelAvailable,
  openBrowser,
  repoRoot,
  serveDir,
} from '../tests/browser/harness';
import type { Page } from 'playwright-core';
import { traced } from './trace';
import { measureWheelScroll } from './wheel-scroll';

const SKUS = 50_000;
const WEEKS = 10;

/** Puts row `row` at the top of the table and lets the page settle. */
async function scrollTableTo(page: Page, row: number): Promise<void> {
  await page.evaluate((top) => {
    const box = (
      globalThis as unknown as {
        document: { querySelector(s: string): { scrollTop: number } | null };
      }
    ).document.querySelector('.viewport');
    if (box) box.scrollTop = top;
  }, row * 52);
  await page.waitForTimeout(300);
}

export async function benchTable(): Promise<void> {
  if (!chromiumAvailable() || !modelAvailable()) {
    console.log('table: skipped (needs /usr/bin/chromium and models/tcn.onnx)');
    return;
  }
  const file = path.join(repoRoot, '.cache', `table-${SKUS}.csv`);
  const lines = ['Date,SKU,Category,Amount'];
  for (let w = 0; w < WEEKS; w++) {
    const day = new Date(Date.UTC(2024, 0, 1) + w * 7 * 86_400_000).toISOString().slice(0, 10);
    for (let s = 0; s < SKUS; s++)
      lines.push(`${day},P${String(s).padStart(5, '0')},C${s % 7},${(s % 13) + w + 1}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const dist = await buildApp();
  const server = await serveDir(dist);
  const session = await openBrowser(server.appUrl, 'wasm');
  try {
    const page = session.page;
    let outcome = await forecastFileInPage(page, file, 20 * 60_000);
    if (outcome.status === 'mapping') outcome = await confirmMappingInPage(page, 20 * 60_000);
    if (outcome.status !== 'done')
      throw new Error(`no forecast: ${outcome.error ?? outcome.status}`);
    await page.getByRole('tab', { name: /SKUs/ }).click();
    const rows = await page.getByTestId(TEST_IDS.skuTable).getAttribute('data-rows');
    const response = await measureTableResponse(page);
    // First, as a planner scrolls: a wheel at 400 px a frame through Chromium's
    // input pipeline, three times over rows not drawn before (their sparklines
    // are made as they scroll in), the first right after the forecast.
    const wheels = [];
    for (const startRow of [0, 10_000, 30_000]) {
      await scrollTableTo(page, startRow);
      wheels.push(await measureWheelScroll(page, '.viewport', 40_000, 24_000));
    }
    // Three flings set by script each frame, over rows the wheel did not draw.
    const scrolls = [];
    for (const startRow of [5_000, 20_000, 40_000]) {
      await scrollTableTo(page, startRow);
      const trace = process.env['SKUCAST_BENCH_TRACE'];
      scrolls.push(
        trace
          ? await traced(page, path.join(trace, `table-scroll-${startRow}.json`), () =>
              measureTableScroll(page),
            )
          : await measureTableScroll(page),
      );
    }
    console.log(
      `table: ${rows} skus in the page (load average ${loadavg()[0]!.toFixed(1)}), ms from input to painted frame`,
    );
    for (const [k, v] of Object.entries(response)) console.log(`  ${k.padEnd(18)} ${v.toFixed(1)}`);
    for (const scroll of scrolls)
      console.log(
        `  scripted scroll: ${scroll.frames} frames, median ${scroll.medianMs.toFixed(1)} ms, p95 ${scroll.p95Ms.toFixed(1)} ms, ${scroll.over25Ms} late (over 25 ms), ${scroll.over33Ms} over 33 ms`,
      );
    for (const w of wheels)
      console.log(
        `  wheel scroll: ${w.frames} frames, ${w.pixels} px (median ${w.medianPixels} a frame), ${w.janky} janky (Chromium's scroll-jank metric), ${w.dropped} dropped${w.dropped ? ` (${w.dropReasons.join(', ')})` : ''} (and ${w.droppedIdle} while nothing moved), ${w.partial} presented without the main thread's update, ${w.missingContent} with content missing, most vsyncs between frames ${w.maxVsyncs}`,
      );
  } finally {
    await session.close();
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
}
