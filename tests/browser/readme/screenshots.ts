// `npm run screenshots [-- --dist DIR --prefix NAME]`: the README's screenshots
// (tests/browser/readme/: a SKU with its forecast, light, desktop; the overview
// on a phone, dark) and the before/after views of issue 25
// (docs/screenshots/before-after/NAME-*.png: the SKU chart, the accuracy card,
// a SKU and "How this was computed" on a phone), taken in headless Chromium
// from the sample, as a planner sees them.
//
// With no --dist it builds this checkout and writes both sets (prefix "after").
// "Before" images come from an older build: `git worktree add /work/base-25
// aeb99b4`, `npx vite build` there, then `--dist /work/base-25/dist --prefix
// before` (only the before/after set is written then).

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PLAN_IDS } from '../../../src/app/plan/plan-testids';
import { TEST_IDS } from '../../../src/app/testids';
import { BASE_FLAGS, buildApp, CHROMIUM, repoRoot, sampleCsv, serveDir } from '../harness';

const README_DIR = path.join(repoRoot, 'tests/browser/readme');
const PAIRS_DIR = path.join(repoRoot, 'docs/screenshots/before-after');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** A fresh page in `scheme` at `viewport` with the sample forecast on screen. */
async function sampleOpen(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  scheme: 'light' | 'dark',
): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    colorScheme: scheme,
    deviceScaleFactor: 1,
    ...(viewport.width < 500 && { isMobile: true, hasTouch: true }),
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId(TEST_IDS.fileInput).setInputFiles(sampleCsv);
  await page.getByTestId(TEST_IDS.overview).waitFor({ timeout: 240_000 });
  await page.getByTestId(TEST_IDS.chart).first().waitFor();
  // The results take focus (for keyboard users); a picture shows no focus ring.
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } }
    ).document.activeElement?.blur?.(),
  );
  return page;
}

/**
 * The plan panel as a planner leaves it: a plan of the sample, its first
 * SKU's second week raised for a promotion (and locked), a category's first
 * week total set for a known event.
 */
async function planShown(page: Page): Promise<void> {
  await page.getByTestId(TEST_IDS.planToggle).click();
  await page.getByTestId(PLAN_IDS.start).click();
  await page.getByTestId(PLAN_IDS.editor).waitFor();
  const weeks = await page
    .getByTestId(PLAN_IDS.week)
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
  await page.getByTestId(PLAN_IDS.week).selectOption(weeks[1] as string);
  const now = Number(await page.getByTestId(PLAN_IDS.p50).getAttribute('placeholder'));
  await page.getByTestId(PLAN_IDS.p50).fill(String(Math.round(now * 1.6)));
  await page.getByTestId(PLAN_IDS.reason).selectOption('Promotion');
  await page.getByTestId(PLAN_IDS.details).fill('end-cap display');
  await page.getByTestId(PLAN_IDS.lock).check();
  await page.getByTestId(PLAN_IDS.applySku).click();
  const total = Number(await page.getByTestId(PLAN_IDS.total).getAttribute('placeholder'));
  await page.getByTestId(PLAN_IDS.total).fill(String(Math.round(total * 0.8)));
  await page.getByTestId(PLAN_IDS.categoryReason).selectOption('Supply or stock limit');
  await page.getByTestId(PLAN_IDS.applyCategory).click();
  await page.waitForTimeout(300);
}

/** Opens the first SKU's detail and waits for its chart to be drawn. */
async function openSku(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /SKUs/ }).click();
  await page.getByTestId(TEST_IDS.skuTable).locator('tbody tr[data-sku] button').first().click();
  await page.getByTestId(TEST_IDS.skuDetail).waitFor();
  await page.getByTestId(TEST_IDS.skuDetail).getByTestId(TEST_IDS.chart).first().waitFor();
  // Chart.js draws on the next frames.
  await page.waitForTimeout(600);
}

async function main(): Promise<void> {
  const given = option('dist');
  const prefix = option('prefix') ?? 'after';
  const dist = given ? path.resolve(given) : await buildApp();
  const server = await serveDir(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_FLAGS });
  mkdirSync(PAIRS_DIR, { recursive: true });
  const out = (name: string): string => path.join(PAIRS_DIR, `${prefix}-${name}.png`);
  const written: string[] = [];
  try {
    // Desktop, light: the accuracy card, then a SKU's chart and the page around it.
    const desk = await sampleOpen(browser, server.appUrl, DESKTOP, 'light');
    await desk.waitForTimeout(600);
    await desk.getByTestId(TEST_IDS.accuracy).screenshot({ path: out('accuracy-card') });
    written.push(out('accuracy-card'));
    await openSku(desk);
    await desk.getByTestId(TEST_IDS.skuDetail).screenshot({ path: out('sku-chart') });
    written.push(out('sku-chart'));
    if (!given) {
      const file = path.join(README_DIR, 'sku-detail-light.png');
      await desk.screenshot({ path: file });
      written.push(file);
    }
    if (!given) {
      await desk.reload();
      await desk.getByTestId(TEST_IDS.fileInput).setInputFiles(sampleCsv);
      await desk.getByTestId(TEST_IDS.overview).waitFor({ timeout: 240_000 });
      await planShown(desk);
      const file = path.join(README_DIR, 'plan-light.png');
      await desk.getByTestId(PLAN_IDS.editor).screenshot({ path: file });
      written.push(file);
    }
    await desk.context().close();

    // Phone, dark: the overview (README), a SKU, and "How this was computed" opened.
    const phone = await sampleOpen(browser, server.appUrl, PHONE, 'dark');
    await phone.waitForTimeout(600);
    if (!given) {
      const file = path.join(README_DIR, 'overview-mobile-dark.png');
      await phone.screenshot({ path: file });
      written.push(file);
    }
    await openSku(phone);
    await phone.screenshot({ path: out('sku-phone-dark'), fullPage: true });
    written.push(out('sku-phone-dark'));
    const details = phone.getByTestId(TEST_IDS.details);
    await details.locator('summary').click();
    await details.scrollIntoViewIfNeeded();
    await details.screenshot({ path: out('details-phone-dark') });
    written.push(out('details-phone-dark'));
    await phone.context().close();
  } finally {
    await browser.close();
    await server.close();
    if (!given) rmSync(dist, { recursive: true, force: true });
  }
  for (const f of written) console.log(path.relative(repoRoot, f));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
