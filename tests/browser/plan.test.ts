// The page's planning (issue 26), the built app in Chromium: a plan started
// from the forecast on screen, a sku week and a category total overridden
// with reasons, a week locked and one undone, the plan exported and checked
// against docs/plan.schema.json; a plan the CLI made from the same file
// imported (another file's plan and a newer schema refused); the plan scored
// on a newer file, the page's FVA table holding what core computes in Node;
// plans kept on the device found after a reload and offline; with "Keep
// plans" off, no sku name in IndexedDB, localStorage or Cache Storage.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/core/exports';
import { ingestText } from '../../src/core/ingest';
import { measuredTable } from '../../src/core/ingest/weekly-table';
import { completeActuals, forecastValueAdded, fvaCsv } from '../../src/core/plan/fva';
import type { Plan } from '../../src/core/plan/plan';
import { validatePlan, validatePlans } from '../../src/core/plan/validate';
import { PLAN_IDS } from '../../src/app/plan/plan-testids';
import { TEST_IDS } from '../../src/app/testids';
import { docSchema, runSkucast } from '../unit/cli-helpers';
import {
  axeViolations,
  buildApp,
  chromiumAvailable,
  confirmMappingInPage,
  forecastFileInPage,
  modelAvailable,
  openBrowser,
  serveDir,
  type BrowserSession,
  type StaticServer,
} from './harness';

declare const navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

const ready = chromiumAvailable() && modelAvailable();
const skipReason = !chromiumAvailable()
  ? 'skipped: /usr/bin/chromium not found'
  : 'skipped: models/tcn.onnx not built';

/** A sku name that must never turn up in the browser's storage unless the planner keeps plans. */
const SECRET = 'CONFIDENTIAL-SKU-9B2C';

/** `weeks` Mondays from 2023-01-02 of four skus in two categories (the first is SECRET). */
function salesText(weeks: number): string {
  const lines = ['Date,SKU,Category,Amount'];
  for (let w = 0; w < weeks; w++) {
    const day = new Date(Date.UTC(2023, 0, 2 + 7 * w)).toISOString().slice(0, 10);
    lines.push(`${day},${SECRET},food,${40 + ((w * 7) % 11)}`);
    lines.push(`${day},B,food,${10 + ((w * 3) % 5)}`);
    lines.push(`${day},C,toys,${25 + ((w * 5) % 9)}`);
    lines.push(`${day},D,toys,${w % 4 === 0 ? 3 : 1}`);
  }
  return lines.join('\n') + '\n';
}

const schema = docSchema('plan.schema.json');

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync(await file.path(), 'utf8');
}

function checked(json: unknown): Plan {
  const plan = validatePlan(json);
  if (Array.isArray(plan)) throw new Error(plan.join('; '));
  return plan;
}

/** Every place the page could keep data, searched for `text` (IndexedDB read store by store). */
async function storageHits(page: Page, text: string): Promise<string[]> {
  return page.evaluate(async (needle) => {
    type Req<T> = { result: T; onsuccess: (() => void) | null; onerror: (() => void) | null };
    const g = globalThis as unknown as {
      indexedDB: {
        databases(): Promise<{ name?: string }[]>;
        open(name: string): Req<{
          objectStoreNames: ArrayLike<string>;
          transaction(s: string): { objectStore(s: string): { getAll(): Req<unknown[]> } };
          close(): void;
        }>;
      };
      localStorage: { length: number; key(i: number): string | null; getItem(k: string): string };
      caches: {
        keys(): Promise<string[]>;
        open(n: string): Promise<{
          keys(): Promise<{ url: string }[]>;
          match(r: { url: string }): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | undefined>;
        }>;
      };
    };
    const done = <T>(r: Req<T>): Promise<T> =>
      new Promise((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error('request failed'));
      });
    const hits: string[] = [];
    for (const { name } of await g.indexedDB.databases()) {
      if (!name) continue;
      const db = await done(g.indexedDB.open(name));
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await done(db.transaction(store).objectStore(store).getAll());
        if (JSON.stringify(all).includes(needle)) hits.push(`indexedDB ${name}/${store}`);
      }
      db.close();
    }
    for (let i = 0; i < g.localStorage.length; i++) {
      const key = g.localStorage.key(i) ?? '';
      if ((key + g.localStorage.getItem(key)).includes(needle)) hits.push(`localStorage ${key}`);
    }
    for (const name of await g.caches.keys()) {
      const cache = await g.caches.open(name);
      for (const req of await cache.keys()) {
        const body = await (await cache.match(req))!.arrayBuffer();
        if (new TextDecoder('latin1').decode(body).includes(needle)) hits.push(req.url);
      }
    }
    return hits;
  }, text);
}

async function databaseNames(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (
      await (
        globalThis as unknown as { indexedDB: { databases(): Promise<{ name?: string }[]> } }
      ).indexedDB.databases()
    ).map((d) => d.name ?? ''),
  );
}

describe.skipIf(!ready)(`planning in the page (${ready ? 'chromium' : skipReason})`, () => {
  let server: StaticServer;
  let dist = '';
  let dir = '';
  let session: BrowserSession;
  let file = '';
  let newer = '';
  let weeks: string[] = [];
  let page: Page;
  const panel = (): ReturnType<Page['getByTestId']> => page.getByTestId(PLAN_IDS.panel);
  const id = (testId: string): ReturnType<Page['getByTestId']> => page.getByTestId(testId);
  const weekRow = (week: string): ReturnType<Page['locator']> =>
    id(PLAN_IDS.weeks).locator(`tr[data-week="${week}"]`);
  /** Opens the plan panel (its own chunk) and waits for it. */
  const openPanel = async (): Promise<void> => {
    await id(TEST_IDS.planToggle).click();
    await panel().waitFor();
  };
  const setSku = async (sku: string, week: string, p50: string, reason: string) => {
    await id(PLAN_IDS.sku).fill(sku);
    await id(PLAN_IDS.week).selectOption(week);
    await id(PLAN_IDS.p50).fill(p50);
    await id(PLAN_IDS.reason).selectOption(reason);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skucast-plan-'));
    file = path.join(dir, 'sales.csv');
    newer = path.join(dir, 'sales-newer.csv');
    writeFileSync(file, salesText(40));
    // The same weeks, then six more: the plan's weeks now have actuals.
    writeFileSync(newer, salesText(46));
    dist = await buildApp();
    server = await serveDir(dist);
    session = await openBrowser(server.appUrl, 'wasm');
    page = session.page;
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('overrides a sku week with a reason and a category total (its skus sum to it), locks, undoes, exports', async () => {
    const first = await forecastFileInPage(page, file);
    const outcome = first.status === 'mapping' ? await confirmMappingInPage(page) : first;
    expect(outcome.status).toBe('done');
    await openPanel();
    // Off by default: the switch is off and the page has opened no database.
    expect(await id(PLAN_IDS.keep).isChecked()).toBe(false);
    expect(await databaseNames(page)).not.toContain('skucast-plans');
    await id(PLAN_IDS.start).click();
    await id(PLAN_IDS.editor).waitFor();
    weeks = await id(PLAN_IDS.week)
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(weeks).toHaveLength(outcome.result!.forecast!.metadata.horizon);

    await setSku(SECRET, weeks[1]!, '500', 'Promotion');
    await id(PLAN_IDS.details).fill('flyer in week 2');
    await id(PLAN_IDS.applySku).click();
    await expect.poll(() => weekRow(weeks[1]!).getAttribute('data-final')).toBe('500');
    await expect.poll(() => weekRow(weeks[1]!).innerText()).toContain('Promotion: flyer in week 2');

    await id(PLAN_IDS.category).selectOption('food');
    await id(PLAN_IDS.categoryWeek).selectOption(weeks[0]!);
    await id(PLAN_IDS.total).fill('1234.5');
    await id(PLAN_IDS.categoryReason).selectOption('Known event');
    await id(PLAN_IDS.applyCategory).click();
    const foodCell = id(PLAN_IDS.totals).locator(
      `tr[data-category="food"] td[data-week="${weeks[0]}"]`,
    );
    await expect.poll(() => foodCell.getAttribute('data-final')).toBe('1234.5');

    await setSku(SECRET, weeks[2]!, '77', 'Other');
    await id(PLAN_IDS.lock).check();
    await id(PLAN_IDS.applySku).click();
    await expect.poll(() => weekRow(weeks[2]!).getAttribute('data-locked')).toBe('true');

    // A reason is required: the page says so and changes nothing.
    await setSku(SECRET, weeks[3]!, '9', '');
    await id(PLAN_IDS.applySku).click();
    await expect.poll(() => id(PLAN_IDS.problems).innerText()).toMatch(/Choose a reason/);

    // Undo: back to the statistical forecast, with an "undo" entry.
    await weekRow(weeks[1]!).getByRole('button', { name: /Undo/ }).click();
    const statistical = await weekRow(weeks[1]!).getAttribute('data-statistical');
    await expect.poll(() => weekRow(weeks[1]!).getAttribute('data-final')).toBe(statistical);

    const plan = checked(JSON.parse(await download(page, () => id(PLAN_IDS.exportPlan).click())));
    expect(schema.valid(plan), schema.errors()).toBe(true);
    expect(plan.source.file).toBe('sales.csv');
    const food = plan.skus.filter((s) => s.category === 'food').map((s) => s.sku);
    const w0 = plan.overrides.filter((o) => o.week_start === weeks[0]);
    expect(w0.map((o) => o.sku).sort()).toEqual([...food].sort());
    expect(w0.reduce((t, o) => t + Math.round(o.p50 * 100), 0)).toBe(123450);
    expect(plan.overrides.find((o) => o.week_start === weeks[1])).toBeUndefined();
    expect(plan.overrides.find((o) => o.week_start === weeks[2])).toMatchObject({
      sku: SECRET,
      p50: 77,
      locked: true,
      reason: 'Other',
    });
    expect(plan.audit.map((a) => a.reason)).toEqual([
      'Promotion: flyer in week 2',
      'Known event',
      'Other',
      'undo',
    ]);
    expect(plan.audit[3]!.what).toBe(`undo sku "${SECRET}" week ${weeks[1]}`);
    // The statistical forecast stays beside the final one.
    expect(plan.skus.find((s) => s.sku === SECRET)!.weeks[2]!.p50).not.toBe(77);
  });

  let cliPlan: Plan;
  it("imports a plan the CLI made from the same file; refuses another file's plan and a newer schema", async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const made = runSkucast(['forecast', file, '--format', 'plan'], { env });
    expect(made.code, made.err).toBe(0);
    const planPath = path.join(dir, 'cli-plan.json');
    writeFileSync(planPath, made.out);
    const week = checked(JSON.parse(made.out)).skus[0]!.weeks[3]!.week_start;
    const edited = runSkucast(
      [
        'override',
        planPath,
        '--sku',
        SECRET,
        '--week',
        week,
        '--p50',
        '321',
        '--reason',
        'from the CLI',
      ],
      { env },
    );
    expect(edited.code, edited.err).toBe(0);
    const editedPath = path.join(dir, 'cli-plan-1.json');
    writeFileSync(editedPath, edited.out);
    cliPlan = checked(JSON.parse(edited.out));

    await id(PLAN_IDS.importInput).setInputFiles(editedPath);
    await expect
      .poll(() => id(PLAN_IDS.message).innerText())
      .toMatch(/Opened the plan of sales\.csv/);
    await expect.poll(() => panel().getAttribute('data-overrides')).toBe('1');
    await id(PLAN_IDS.sku).fill(SECRET);
    await expect.poll(() => weekRow(week).getAttribute('data-final')).toBe('321');
    expect(await weekRow(week).innerText()).toContain('from the CLI');

    const other = runSkucast(['forecast', newer, '--format', 'plan'], { env });
    expect(other.code, other.err).toBe(0);
    const otherPath = path.join(dir, 'newer-plan.json');
    writeFileSync(otherPath, other.out);
    await id(PLAN_IDS.importInput).setInputFiles(otherPath);
    await expect
      .poll(() => id(PLAN_IDS.problems).innerText())
      .toMatch(/made from another file: "sales-newer\.csv".*the file loaded is "sales\.csv"/s);

    const future = path.join(dir, 'future-plan.json');
    writeFileSync(future, JSON.stringify({ ...cliPlan, schema: 'skucast-plan/2' }));
    await id(PLAN_IDS.importInput).setInputFiles(future);
    await expect
      .poll(() => id(PLAN_IDS.problems).innerText())
      .toMatch(/skucast-plan\/2, newer than this skucast reads/);
    // Refusals leave the open plan as it was.
    expect(await panel().getAttribute('data-overrides')).toBe('1');
  });

  it('scores the plan on a newer file: the FVA table holds what core computes, passes axe, fits 375 px', async () => {
    await id(PLAN_IDS.fvaInput).setInputFiles(newer);
    await id(PLAN_IDS.fva).waitFor({ timeout: 60_000 });
    const expected = forecastValueAdded(
      cliPlan,
      completeActuals(measuredTable(ingestText(readFileSync(newer, 'utf8')))),
    );
    const rows = id(PLAN_IDS.fva).locator('tbody tr');
    expect(await rows.count()).toBe(
      1 + expected.levels.category.items.length + expected.levels.sku.items.length,
    );
    const wape = async (level: string, name: string): Promise<number> =>
      Number(
        await rows
          .and(page.locator(`[data-level="${level}"][data-name="${name}"]`))
          .getAttribute('data-final-wape'),
      );
    expect(await wape('Total', 'All SKUs')).toBeCloseTo(expected.levels.total.final.wape!, 12);
    for (const c of expected.levels.category.items)
      expect(await wape('Category', c.name)).toBeCloseTo(c.final.wape!, 12);
    for (const s of expected.levels.sku.items)
      expect(await wape('SKU', s.name)).toBeCloseTo(s.final.wape!, 12);
    // The CLI's override shows with its reason among those that helped or hurt.
    expect(await id(PLAN_IDS.fva).innerText()).toContain('“from the CLI”');
    const csv = await download(page, () => id(PLAN_IDS.fvaCsv).click());
    expect(csv).toBe(fvaCsv(expected, csvCell));

    await id(PLAN_IDS.audit).locator('summary').click();
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 375, height: 812 },
    ]) {
      await page.setViewportSize(viewport);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(await axeViolations(page), `${viewport.width} ${scheme}`).toEqual([]);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${viewport.width} ${scheme}`).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps plans on the device once switched on: found after a reload and offline, exported all, deleted', async () => {
    await id(PLAN_IDS.keep).check();
    await expect.poll(() => panel().getAttribute('data-saves')).toBe('1');
    await expect.poll(() => id(PLAN_IDS.kept).locator('li').count()).toBe(1);

    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await openPanel();
    expect(await id(PLAN_IDS.keep).isChecked()).toBe(true);
    await id(PLAN_IDS.kept)
      .getByRole('button', { name: /^Open / })
      .click();
    await expect.poll(() => panel().getAttribute('data-overrides')).toBe('1');

    await session.context.setOffline(true);
    try {
      await page.reload();
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await openPanel();
      await id(PLAN_IDS.kept)
        .getByRole('button', { name: /^Open / })
        .click();
      await expect.poll(() => panel().getAttribute('data-overrides')).toBe('1');
      await id(PLAN_IDS.sku).fill(SECRET);
      await expect
        .poll(() => weekRow(cliPlan.overrides[0]!.week_start).getAttribute('data-final'))
        .toBe('321');
    } finally {
      await session.context.setOffline(false);
    }

    const all: unknown = JSON.parse(await download(page, () => id(PLAN_IDS.exportAll).click()));
    expect(Array.isArray(all)).toBe(true);
    expect(validatePlans(all)).toEqual({ plans: [cliPlan] });

    await id(PLAN_IDS.kept)
      .getByRole('button', { name: /^Delete / })
      .click();
    await expect.poll(() => id(PLAN_IDS.kept).count()).toBe(0);
    await id(PLAN_IDS.keep).uncheck();
    await expect.poll(() => databaseNames(page)).not.toContain('skucast-plans');
  });

  it('with "Keep plans" off nothing is stored: IndexedDB, localStorage and Cache Storage hold no sku name', async () => {
    const first = await forecastFileInPage(page, file);
    const outcome = first.status === 'mapping' ? await confirmMappingInPage(page) : first;
    expect(outcome.status).toBe('done');
    if ((await panel().count()) === 0) await openPanel();
    await id(PLAN_IDS.start).click();
    // The new plan comes from the worker and resets the form to its first sku:
    // typing before it lands would be overwritten (the earlier test's plan is still shown).
    await expect.poll(() => id(PLAN_IDS.message).innerText()).toContain('Plan started from');
    await setSku(SECRET, weeks[0]!, '42', 'Promotion');
    await id(PLAN_IDS.applySku).click();
    await expect.poll(() => weekRow(weeks[0]!).getAttribute('data-final')).toBe('42');
    expect(await id(PLAN_IDS.keep).isChecked()).toBe(false);
    expect(await databaseNames(page)).not.toContain('skucast-plans');
    expect(await storageHits(page, SECRET)).toEqual([]);
    // The search can find it: the sku name is on screen, and would be found where kept.
    expect(await page.locator('body').innerText()).toContain(SECRET);
  });
});
