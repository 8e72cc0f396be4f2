// skucast as an installed, offline app (scripts/pwa/plugin.ts, src/app/pwa.ts):
// the production build served from a deep sub-path by a plain static server,
// headless Chromium. After one visit the server is shut down and the page
// forecasts the sample and a user file with the numbers it gave online; every
// request stays on the page's origin, the CSP reports nothing (and blocks an
// injected inline script), Cache Storage holds build files only, the manifest
// makes the app installable. With COOP/COEP headers onnxruntime runs on
// several threads with the same forecasts; a second build is offered as an
// update and replaces the first one's files.

import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IDS_PWA } from '../../src/app/pwa-testids';
import { TEST_IDS } from '../../src/app/testids';
import type { RunResult } from '../../src/worker/protocol';
import {
  buildApp,
  chromiumAvailable,
  confirmMappingInPage,
  foreignRequests,
  forecastFileInPage,
  forecastSampleInPage,
  maxForecastDifference,
  modelAvailable,
  openBrowser,
  repoRoot,
  serveDir,
  type BrowserSession,
  type PageOutcome,
  type StaticServer,
} from './harness';

// The page's globals these checks touch inside page.evaluate (the tests are
// typed for Node, without the DOM library; declared here, in this module only).
interface PageCache {
  keys(): Promise<{ url: string }[]>;
  match(req: { url: string }): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | undefined>;
}
declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  head: { append(node: unknown): void };
  querySelector(selector: string): { href: string } | null;
  createElement(tag: 'script'): { textContent: string };
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (e: { violatedDirective: string; blockedURI: string }) => void,
  ): void;
};
declare const navigator: {
  hardwareConcurrency: number;
  serviceWorker: {
    controller: unknown;
    ready: Promise<{ scope: string }>;
    getRegistration(): Promise<{ update(): Promise<unknown> } | undefined>;
  };
};
declare const caches: { keys(): Promise<string[]>; open(name: string): Promise<PageCache> };
declare const indexedDB: { databases(): Promise<{ name?: string }[]> };
declare const crossOriginIsolated: boolean;

const ready = chromiumAvailable() && modelAvailable();
const skipReason = !chromiumAvailable()
  ? 'skipped: /usr/bin/chromium not found'
  : 'skipped: models/tcn.onnx not built';

const DEEP = '/some/deep/path/';
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};
/** A sku name that must never turn up in Cache Storage or IndexedDB. */
const SECRET = 'CONFIDENTIAL-SKU-7F3A';

/** Builds the app with `version` as its SKUCAST_VERSION. */
async function buildVersion(version: string): Promise<string> {
  const before = process.env['SKUCAST_VERSION'];
  process.env['SKUCAST_VERSION'] = version;
  try {
    return await buildApp();
  } finally {
    if (before === undefined) delete process.env['SKUCAST_VERSION'];
    else process.env['SKUCAST_VERSION'] = before;
  }
}

/** A small weekly file of the user's, with a recognisable sku name. */
function userFile(dir: string): string {
  const lines = ['SKU,Week,Sales'];
  const monday = Date.UTC(2023, 0, 2);
  for (const [s, sku] of [SECRET, 'PLAIN-SKU-2', 'PLAIN-SKU-3'].entries()) {
    for (let w = 0; w < 60; w++) {
      const week = new Date(monday + w * 7 * 86_400_000).toISOString().slice(0, 10);
      const sales = 100 + 30 * s + 20 * Math.sin((2 * Math.PI * w) / 13 + s) + (w % 5);
      lines.push(`${sku},${week},${sales.toFixed(2)}`);
    }
  }
  const file = path.join(dir, 'my-sales.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** As a user: picks the file and confirms the column roles the page proposes. */
async function forecastUserFile(page: Page, file: string): Promise<PageOutcome> {
  const outcome = await forecastFileInPage(page, file);
  return outcome.status === 'mapping' ? confirmMappingInPage(page) : outcome;
}

const axeSource = readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's violations inside `selector` (as tests/browser/app-ui.test.ts does for the page). */
async function axeViolations(page: Page, selector: string): Promise<string[]> {
  // Runtime.evaluate is not subject to the page's CSP (an injected <script> would be).
  await page.evaluate(axeSource);
  return page.evaluate(async (sel) => {
    type Axe = {
      run(
        ctx: unknown,
        opts: unknown,
      ): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
    };
    const axe = (globalThis as unknown as { axe: Axe }).axe;
    const r = await axe.run(sel, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

/** Resolves once a service worker is active for the page (its precache is complete). */
async function serviceWorkerReady(page: Page): Promise<string> {
  return page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
}

async function controlled(page: Page): Promise<boolean> {
  return page.evaluate(() => navigator.serviceWorker.controller !== null);
}

/** Every URL in Cache Storage, by cache name. */
async function cacheContents(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => r.url);
    }
    return out;
  });
}

/** CSP violations the page saw (listener installed before any page script). */
async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as { __csp?: string[] }).__csp ?? []);
}

async function watchCsp(session: BrowserSession): Promise<void> {
  await session.page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as { __csp?: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await session.page.reload();
}

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name), `${prefix}${e.name}/`) : [prefix + e.name],
  );
}

describe.skipIf(!ready)(`installed app (${ready ? 'chromium' : skipReason})`, () => {
  let distA = '';
  let tmp = '';
  beforeAll(async () => {
    distA = await buildVersion('pwa-a');
    tmp = mkdtempSync(path.join(tmpdir(), 'skucast-pwa-'));
  });
  afterAll(() => {
    if (distA) rmSync(distA, { recursive: true, force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe(`offline from ${DEEP}`, () => {
    let server: StaticServer;
    let session: BrowserSession;
    let online: { sample: RunResult; user: RunResult };
    let user = '';
    beforeAll(async () => {
      server = await serveDir(distA, DEEP);
      session = await openBrowser(server.appUrl, 'wasm');
      await watchCsp(session);
      user = userFile(tmp);
    });
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it('forecasts online on one thread, and its service worker is scoped to the path', async () => {
      const sample = await forecastSampleInPage(session.page);
      expect(sample.status).toBe('done');
      const mine = await forecastUserFile(session.page, user);
      expect(mine.status).toBe('done');
      online = { sample: sample.result!, user: mine.result! };
      // No COOP/COEP here: not isolated, one WASM thread, no error.
      expect(await session.page.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(online.sample.threads).toBe(1);
      expect(await serviceWorkerReady(session.page)).toBe(server.appUrl);
    });

    it('precaches the shell, workers, model and plain ORT build, not the WebGPU build', async () => {
      await serviceWorkerReady(session.page);
      const cached = Object.values(await cacheContents(session.page)).flat();
      const names = cached.map((u) => u.slice(server.appUrl.length).replace(/\?.*$/, ''));
      for (const want of [
        /^index\.html$/,
        /^assets\/index-.*\.js$/,
        /^assets\/forecast\.worker-.*\.js$/,
        /^assets\/backtest\.worker-.*\.js$/,
        /^assets\/tcn-.*\.onnx$/,
        /^assets\/tcn-.*\.json$/,
        /^assets\/ort-wasm-simd-threaded-.*\.wasm$/,
        /^sample\/retail_sales_2023\.csv$/,
        /^manifest\.webmanifest$/,
      ]) {
        expect(
          names.some((n) => want.test(n)),
          String(want),
        ).toBe(true);
      }
      expect(names.filter((n) => n.includes('.jsep'))).toEqual([]);
      expect(cached.every((u) => u.startsWith(server.appUrl))).toBe(true);
    });

    it('serves a repeat visit from Cache Storage: no response from the network', async () => {
      const fromNetwork: string[] = [];
      let fromCache = 0;
      const onResponse = (r: Response): void => {
        if (r.fromServiceWorker()) fromCache++;
        else if (!r.request().serviceWorker()) fromNetwork.push(r.url());
      };
      await serviceWorkerReady(session.page);
      session.context.on('response', onResponse);
      try {
        await session.page.reload();
        expect(await controlled(session.page)).toBe(true);
        expect((await forecastSampleInPage(session.page)).status).toBe('done');
      } finally {
        session.context.off('response', onResponse);
      }
      expect(fromNetwork).toEqual([]);
      // Page, workers, model, ORT and the sample: all answered by the service worker.
      expect(fromCache).toBeGreaterThanOrEqual(8);
    });

    it('works with no network: the server is gone, the page reloads and forecasts the same numbers', async () => {
      await server.close();
      await session.context.setOffline(true);
      await session.page.reload();
      expect(await controlled(session.page)).toBe(true);
      const sample = await forecastSampleInPage(session.page);
      expect(sample.error).toBeNull();
      expect(maxForecastDifference(sample.result!.forecast!, online.sample.forecast!)).toBe(0);
      const mine = await forecastUserFile(session.page, user);
      expect(mine.error).toBeNull();
      expect(maxForecastDifference(mine.result!.forecast!, online.user.forecast!)).toBe(0);
      // Exporting needs no network either.
      const [download] = await Promise.all([
        session.page.waitForEvent('download'),
        session.page.getByTestId(TEST_IDS.downloadCsv).click(),
      ]);
      expect(readFileSync(await download.path(), 'utf8')).toContain(SECRET);
    });

    it('answers the start URL offline (installable: manifest, icons)', async () => {
      const manifest = await session.page.evaluate(async () => {
        const link = document.querySelector('link[rel="manifest"]');
        if (!link) return null;
        const m = (await (await fetch(link.href)).json()) as {
          start_url: string;
          scope: string;
          icons: { src: string; sizes: string; purpose: string }[];
        } & Record<string, unknown>;
        const base = new URL(link.href);
        const start = await fetch(new URL(m.start_url, base));
        const icons = await Promise.all(
          m.icons.map(async (i) => {
            const bytes = new Uint8Array(await (await fetch(new URL(i.src, base))).arrayBuffer());
            const view = new DataView(bytes.buffer);
            // PNG signature, then IHDR's width and height.
            const png = bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
            return { ...i, png, w: view.getUint32(16), h: view.getUint32(20) };
          }),
        );
        return {
          m,
          startUrl: new URL(m.start_url, base).href,
          scope: new URL(m.scope, base).href,
          startStatus: start.status,
          startHtml: (await start.text()).includes('<div id="app">'),
          icons,
        };
      });
      expect(manifest).not.toBeNull();
      const { m, icons } = manifest!;
      expect(m['name']).toMatch(/skucast/);
      expect(m['short_name']).toBe('skucast');
      expect(m['display']).toBe('standalone');
      expect(m['theme_color']).toMatch(/^#[0-9a-f]{6}$/);
      expect(m['background_color']).toMatch(/^#[0-9a-f]{6}$/);
      expect(m.start_url).toBe('./');
      expect(manifest!.startUrl).toBe(server.appUrl);
      expect(manifest!.scope).toBe(server.appUrl);
      expect(manifest!.startStatus).toBe(200);
      expect(manifest!.startHtml).toBe(true);
      for (const px of [192, 512]) {
        for (const purpose of ['any', 'maskable']) {
          const icon = icons.find((i) => i.sizes === `${px}x${px}` && i.purpose === purpose);
          expect(icon, `${px} ${purpose}`).toMatchObject({ png: true, w: px, h: px });
        }
      }
      // Theme colours for light and dark pages.
      const themes = await session.page
        .locator('meta[name="theme-color"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('media')));
      expect(new Set(themes)).toEqual(
        new Set(['(prefers-color-scheme: dark)', '(prefers-color-scheme: light)']),
      );
      // Chromium's own verdict.
      const cdp = await session.context.newCDPSession(session.page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[];
      };
      await cdp.detach();
      expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
    });

    it('keeps no user data: Cache Storage holds build files only, IndexedDB nothing', async () => {
      const contents = await cacheContents(session.page);
      const built = new Set(files(distA));
      for (const url of Object.values(contents).flat()) {
        const file = url.slice(server.appUrl.length).replace(/\?.*$/, '');
        expect(built.has(file), url).toBe(true);
      }
      const leaked = await session.page.evaluate(async (secret) => {
        const hits: string[] = [];
        for (const name of await caches.keys()) {
          const cache = await caches.open(name);
          for (const req of await cache.keys()) {
            const body = await (await cache.match(req))!.arrayBuffer();
            // Decoded as Latin-1 so binary files cannot throw.
            if (new TextDecoder('latin1').decode(body).includes(secret)) hits.push(req.url);
          }
        }
        const dbs = (await indexedDB.databases()).map((d) => d.name ?? '');
        return { hits, dbs };
      }, SECRET);
      expect(leaked.hits).toEqual([]);
      expect(leaked.dbs).toEqual([]);
    });

    it('made every request to its own origin; the CSP saw no violation and blocks inline script', async () => {
      expect(session.swRequests.length).toBeGreaterThan(0);
      expect(foreignRequests(session.requests, server.origin)).toEqual([]);
      expect(foreignRequests(session.swRequests, server.origin)).toEqual([]);
      expect(await cspViolations(session.page)).toEqual([]);
      const ran = await session.page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'globalThis.__inlineRan = true';
        document.head.append(s);
        return (globalThis as { __inlineRan?: boolean }).__inlineRan === true;
      });
      expect(ran).toBe(false);
      await expect
        .poll(() => cspViolations(session.page))
        .toEqual([expect.stringMatching(/^script-src/)]);
      expect(session.errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
    });
  });

  describe('WebGPU (JSEP) build: offline before its first use', () => {
    let server: StaticServer;
    let session: BrowserSession;
    beforeAll(async () => {
      server = await serveDir(distA, '/gpu/');
      session = await openBrowser(server.appUrl, 'webgpu');
    });
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it('falls back to the precached WASM build offline before the WebGPU build was cached', async () => {
      await serviceWorkerReady(session.page);
      const jsepCached = async (): Promise<boolean> =>
        Object.values(await cacheContents(session.page))
          .flat()
          .some((u) => u.includes('.jsep-'));
      expect(await jsepCached()).toBe(false);
      // The first visit's page was not controlled yet, so nothing cached the WebGPU
      // build: offline, it cannot load, and the page uses the precached WASM build.
      await session.context.setOffline(true);
      await server.close();
      await session.page.reload();
      const offline = await forecastSampleInPage(session.page);
      expect(offline.error).toBeNull();
      expect(offline.result!.provider).toBe('wasm');
      expect(offline.result!.fallbackReason).toMatch(/WebGPU/);
    });
  });

  describe('WebGPU (JSEP) build: cached on first use', () => {
    let server: StaticServer;
    let session: BrowserSession;
    beforeAll(async () => {
      server = await serveDir(distA, '/gpu2/');
      session = await openBrowser(server.appUrl, 'webgpu');
    });
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it('caches the WebGPU build when a controlled page uses it, and runs on WebGPU offline', async () => {
      await serviceWorkerReady(session.page);
      await session.page.reload();
      expect(await controlled(session.page)).toBe(true);
      const online = await forecastSampleInPage(session.page);
      expect(online.result!.provider).toBe('webgpu');
      const contents = await cacheContents(session.page);
      expect(contents['skucast-ort-webgpu']?.map((u) => u.replace(/.*\//, ''))).toEqual([
        expect.stringMatching(/^ort-wasm-simd-threaded\.jsep-.*\.wasm$/),
      ]);
      await server.close();
      await session.context.setOffline(true);
      await session.page.reload();
      const offline = await forecastSampleInPage(session.page);
      expect(offline.error).toBeNull();
      expect(offline.result!.provider).toBe('webgpu');
      expect(maxForecastDifference(offline.result!.forecast!, online.result!.forecast!)).toBe(0);
    });
  });

  describe('threads with cross-origin isolation (COOP/COEP)', () => {
    let server: StaticServer;
    let session: BrowserSession;
    beforeAll(async () => {
      server = await serveDir(distA, '/isolated/', ISOLATION);
      session = await openBrowser(server.appUrl, 'wasm');
    });
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it('runs onnxruntime on every core with the forecasts of one thread', async () => {
      const cores = await session.page.evaluate(() => navigator.hardwareConcurrency);
      expect(await session.page.evaluate(() => crossOriginIsolated)).toBe(true);
      const isolated = await forecastSampleInPage(session.page);
      expect(isolated.error).toBeNull();
      expect(isolated.result!.threads).toBe(cores);
      // The details panel says so.
      expect(
        await session.page.locator('[data-threads]').first().getAttribute('data-threads'),
      ).toBe(String(cores));
      if (cores > 1) expect(isolated.result!.threads).toBeGreaterThan(1);

      // The same page without the headers: one thread, the same numbers.
      const plain = await serveDir(distA, '/plain/');
      const both = [server.origin, plain.origin];
      try {
        const page = await session.context.newPage();
        await page.goto(plain.appUrl);
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        const single = await forecastSampleInPage(page);
        expect(single.result!.threads).toBe(1);
        expect(maxForecastDifference(isolated.result!.forecast!, single.result!.forecast!)).toBe(0);
        await page.close();
      } finally {
        await plain.close();
      }
      const all = [...session.requests, ...session.swRequests];
      expect(all.filter((u) => !both.some((o) => u.startsWith(`${o}/`)))).toEqual([]);
      expect(session.errors).toEqual([]);
    });
  });

  describe('update', () => {
    let distB = '';
    let served = '';
    let server: StaticServer;
    let session: BrowserSession;
    beforeAll(async () => {
      distB = await buildVersion('pwa-b');
      served = path.join(tmp, 'served');
      cpSync(distA, served, { recursive: true });
      server = await serveDir(served, '/app/');
      session = await openBrowser(server.appUrl, 'wasm');
    });
    afterAll(async () => {
      await session?.close();
      await server?.close();
      if (distB) rmSync(distB, { recursive: true, force: true });
    });

    it('offers a new version, reloads into it on request, and drops the old files', async () => {
      const { page } = session;
      await serviceWorkerReady(page);
      await page.reload();
      expect(await controlled(page)).toBe(true);
      expect(await page.evaluate(() => document.documentElement.dataset['version'])).toBe('pwa-a');
      const oldFiles = new Set(files(distA));

      // The host now serves build B.
      rmSync(served, { recursive: true, force: true });
      cpSync(distB, served, { recursive: true });
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      const prompt = page.getByTestId(TEST_IDS_PWA.updatePrompt);
      await prompt.waitFor({ timeout: 60_000 });
      expect(await prompt.innerText()).toMatch(/New version/);
      // The prompt passes axe-core in both colour schemes (the page around it is app-ui.test.ts's).
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const sel = `[data-testid="${TEST_IDS_PWA.updatePrompt}"]`;
        expect(await axeViolations(page, sel), colorScheme).toEqual([]);
      }
      // Until accepted, the page stays on version A.
      expect(await page.evaluate(() => document.documentElement.dataset['version'])).toBe('pwa-a');

      await Promise.all([
        page.waitForEvent('load', { timeout: 60_000 }),
        page.getByTestId(TEST_IDS_PWA.updateReload).click(),
      ]);
      expect(await page.evaluate(() => document.documentElement.dataset['version'])).toBe('pwa-b');
      expect(await controlled(page)).toBe(true);
      const cached = Object.values(await cacheContents(page))
        .flat()
        .map((u) => u.slice(server.appUrl.length).replace(/\?.*$/, ''));
      const newFiles = new Set(files(distB));
      const stale = cached.filter((f) => oldFiles.has(f) && !newFiles.has(f));
      expect(stale).toEqual([]);
      // One index.html (B's revision): A's entry went when B's worker activated.
      expect(cached.filter((f) => f === 'index.html')).toHaveLength(1);
      expect(cached.some((f) => /^assets\/index-.*\.js$/.test(f))).toBe(true);
      expect(session.errors).toEqual([]);
    });
  });
});
