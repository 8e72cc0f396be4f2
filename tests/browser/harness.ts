// Real-browser plumbing for tests/browser and bench/browser.ts: build the app
// with Vite into a temp dir, serve it from 127.0.0.1 on an ephemeral port,
// drive Debian's Chromium with playwright-core, and compute the same forecast
// in Node (onnxruntime-web's WASM backend) as the reference.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { DEFAULT_HORIZON, type ForecastResult } from '../../src/core/forecast';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { tcnModel } from '../../src/core/models/tcn';
import { tcnTunedModel } from '../../src/core/models/tcn-tuned';
import type { GlobalModel } from '../../src/core/models/types';
import { ingestText } from '../../src/core/ingest';
import { parseModelDescriptor, type ModelDescriptor } from '../../src/core/model-descriptor';
import type { ColumnMapping, WeeklyTable } from '../../src/core/types';
import { createModelRunner } from '../../src/runtime/model-runner';
import { TEST_IDS } from '../../src/app/testids';
import type { RunResult } from '../../src/worker/protocol';

/** The directory with vite.config.ts above this file (also when bundled into .cache/ by scripts/run-ts.mjs). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'vite.config.ts'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
export const sharedDir = path.resolve(repoRoot, '../shared');
export const seedCsv = path.join(sharedDir, 'data/retail_sales_2023.csv');
/** The committed copy of the seed data behind the "try the sample" button. */
export const sampleCsv = path.join(repoRoot, 'public/sample/retail_sales_2023.csv');
/** Same resolution as vite.config.ts. */
export const modelDir = path.resolve(repoRoot, process.env.SKUCAST_MODEL_DIR ?? 'models');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type BrowserProvider = 'webgpu' | 'wasm';

/** Flags for a quiet, isolated headless Chromium that makes no requests of its own. */
export const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  '--mute-audio',
];
/**
 * With this flag headless Chromium on Linux offers a SwiftShader (CPU Vulkan)
 * WebGPU adapter; without it requestAdapter() returns null and the app falls
 * back to WASM.
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function modelAvailable(): boolean {
  return existsSync(path.join(modelDir, 'tcn.onnx')) && existsSync(path.join(modelDir, 'tcn.json'));
}

/** Builds the app (production build, as `npm run build`) into a fresh temp dir. */
export async function buildApp(): Promise<string> {
  // The test build keeps the last result on globalThis.__skucastResult (state.svelte.ts);
  // production builds have no such hook.
  process.env['VITE_SKUCAST_TEST_HOOK'] = '1';
  const outDir = mkdtempSync(path.join(tmpdir(), 'skucast-dist-'));
  await build({
    root: repoRoot,
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  // application/wasm lets the browser compile while downloading.
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServer {
  origin: string;
  /** Where the app is: origin + mount path, ending in '/'. */
  appUrl: string;
  close(): Promise<void>;
}

/**
 * A plain static file server for `dir` on 127.0.0.1 (ephemeral port), as any
 * static host. The app is mounted under `mount`, a sub-path by default, which
 * proves the build's relative URLs (base './').
 */
export async function serveDir(
  dir: string,
  mount = '/skucast/',
  /** Extra response headers, e.g. COOP/COEP for cross-origin isolation (tests/browser/pwa.test.ts). */
  headers: Record<string, string> = {},
): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (!url.pathname.startsWith(mount)) throw new Error('outside the mount');
        let file = path.resolve(
          root,
          '.' + decodeURIComponent(url.pathname.slice(mount.length - 1)),
        );
        if (!file.startsWith(root)) throw new Error('outside root');
        if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-store',
          ...headers,
        });
        res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    appUrl: `http://127.0.0.1:${port}${mount}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every URL the browser requested (page and workers), in order. */
  requests: string[];
  /** URLs the service worker fetched itself (its precache, on install), in order. */
  swRequests: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/** One Chromium with a fresh profile, showing the app at `appUrl`. */
export async function openBrowser(
  appUrl: string,
  provider: BrowserProvider,
): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(tmpdir(), 'skucast-chromium-'));
  const args = [...BASE_FLAGS, ...(provider === 'webgpu' ? WEBGPU_FLAGS : [])];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
  });
  const requests: string[] = [];
  const swRequests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => (r.serviceWorker() ? swRequests : requests).push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(appUrl);
  return {
    context,
    page,
    requests,
    swRequests,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageOutcome {
  status: string;
  result: RunResult | null;
  error: string | null;
}

/** The page root's data-* attributes (src/app/App.svelte): what the state module says. */
interface RootState {
  status: string;
  runs: number;
  fileReads: number;
  updating: boolean;
}

const ROOT = `[data-testid="${TEST_IDS.app}"]`;

/** The page's state as its root element's data-* attributes tell it. */
export async function pageState(page: Page): Promise<RootState> {
  return page.evaluate((sel) => {
    const el = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): { dataset: Record<string, string | undefined> } | null;
        };
      }
    ).document.querySelector(sel);
    const d = el?.dataset ?? {};
    return {
      status: d['status'] ?? 'missing',
      runs: Number(d['runs'] ?? 0),
      fileReads: Number(d['fileReads'] ?? 0),
      updating: d['updating'] === 'true',
    };
  }, ROOT);
}

/** Runs started so far (files given, mappings confirmed, horizons changed). */
export async function runsSoFar(page: Page): Promise<number> {
  return (await pageState(page)).runs;
}

/**
 * Waits until the run after `runsBefore` has a result, an error or asks for a
 * column mapping (read from data-* attributes). The result itself comes from
 * the test build's hook (VITE_SKUCAST_TEST_HOOK, see buildApp): the numbers
 * are compared with Node's.
 */
export async function waitForOutcome(
  page: Page,
  runsBefore: number,
  timeoutMs = 240_000,
): Promise<PageOutcome> {
  await page.waitForFunction(
    ({ sel, before }) => {
      const el = (
        globalThis as unknown as {
          document: {
            querySelector(s: string): { dataset: Record<string, string | undefined> } | null;
          };
        }
      ).document.querySelector(sel);
      const d = el?.dataset;
      if (!d || Number(d['runs'] ?? 0) <= before || d['updating'] === 'true') return false;
      return d['status'] === 'done' || d['status'] === 'error' || d['status'] === 'mapping';
    },
    { sel: ROOT, before: runsBefore },
    { timeout: timeoutMs, polling: 100 },
  );
  const { status } = await pageState(page);
  const result = await page.evaluate(
    () => (globalThis as { __skucastResult?: RunResult | null }).__skucastResult ?? null,
  );
  const errorBox = page.getByTestId(TEST_IDS.error);
  const error =
    status === 'error' && (await errorBox.count()) > 0
      ? (await errorBox.first().innerText()).trim()
      : null;
  return { status, result: status === 'done' ? result : null, error };
}

/** As a user: picks `file` in the page's file input and waits for the outcome. */
export async function forecastFileInPage(
  page: Page,
  file: string,
  timeoutMs?: number,
): Promise<PageOutcome> {
  const before = await runsSoFar(page);
  await page.getByTestId(TEST_IDS.fileInput).setInputFiles(file);
  return waitForOutcome(page, before, timeoutMs);
}

/** As a user: clicks "try the sample" and waits for the outcome. */
export async function forecastSampleInPage(page: Page): Promise<PageOutcome> {
  const before = await runsSoFar(page);
  // With results on screen the sample sits behind "Start over", as for a user.
  if ((await page.getByTestId(TEST_IDS.sampleButton).count()) === 0)
    await page.getByTestId(TEST_IDS.startOver).click();
  await page.getByTestId(TEST_IDS.sampleButton).click();
  return waitForOutcome(page, before);
}

/** Where Cancel left the page: its status, the notice, any error shown, and the focused control's text. */
export interface CancelOutcome {
  status: string;
  notice: string | null;
  error: string | null;
  focused: string;
}

/**
 * As a user: presses Cancel on the run in progress and waits until the page is
 * back at its start with its notice, and focus has moved (App.svelte's toStart
 * moves it once the drop zone is drawn).
 */
export async function cancelInPage(page: Page): Promise<CancelOutcome> {
  await page.getByTestId(TEST_IDS.cancelButton).click();
  await page.getByTestId(TEST_IDS.dropZone).waitFor();
  const notice = page.getByTestId(TEST_IDS.notice);
  await notice.waitFor();
  // The focused control's text; '' while focus is on the page's body (the Cancel button is gone).
  const focusedText = (): string => {
    type El = { textContent: string | null };
    const doc = (globalThis as unknown as { document: { activeElement: El | null; body: El } })
      .document;
    const el = doc.activeElement;
    return el === null || el === doc.body ? '' : (el.textContent?.trim() ?? '');
  };
  // A page whose focus never moves is told by the returned text, not by a timeout here.
  await page
    .waitForFunction(focusedText, undefined, { timeout: 5000, polling: 100 })
    .catch(() => undefined);
  const errorBox = page.getByTestId(TEST_IDS.error);
  return {
    status: (await pageState(page)).status,
    notice: (await notice.innerText()).trim(),
    error: (await errorBox.count()) > 0 ? (await errorBox.first().innerText()).trim() : null,
    focused: await page.evaluate(focusedText),
  };
}

/** As a user: confirms the column roles the page proposes and waits for the outcome. */
export async function confirmMappingInPage(page: Page, timeoutMs?: number): Promise<PageOutcome> {
  const before = await runsSoFar(page);
  await page.getByTestId(TEST_IDS.mappingSubmit).click();
  return waitForOutcome(page, before, timeoutMs);
}

export interface NodeReference {
  table: WeeklyTable;
  forecast: ForecastResult;
}

let nodeRunner: Promise<{
  desc: ModelDescriptor;
  run: (x: Float32Array, b: number) => Promise<Float32Array>;
  tuned: () => GlobalModel;
}> | null = null;

/** The same pipeline in Node: ingest, weekly table, model in onnxruntime-web's WASM backend. */
export async function nodeForecast(
  csvPath: string,
  mapping?: ColumnMapping,
  horizon?: number,
): Promise<NodeReference> {
  nodeRunner ??= (async () => {
    const desc = parseModelDescriptor(
      JSON.parse(readFileSync(path.join(modelDir, 'tcn.json'), 'utf8')),
    );
    const bytes = new Uint8Array(readFileSync(path.join(modelDir, 'tcn.onnx')));
    const runner = await createModelRunner(bytes, desc, { preferred: 'wasm' });
    return {
      desc,
      run: (x: Float32Array, b: number) => runner.run(x, b),
      // auto's tcn_tuned candidate, as the page's worker makes it.
      tuned: () => tcnTunedModel(desc, (x, b) => runner.runHidden(x, b), runner.hiddenWidth),
    };
  })();
  const { desc, run, tuned } = await nodeRunner;
  const table = ingestText(readFileSync(csvPath, 'utf8'), mapping ? { mapping } : {});
  const h = horizon ?? DEFAULT_HORIZON;
  const presence = {
    age: table.report.hasAge,
    gender: table.report.hasGender,
    quantity: table.report.hasQuantity,
  };
  const forecast = await forecastWithLibrary(table, {
    horizon: h,
    ...(h <= desc.output.horizon ? { tcn: tcnModel(desc, run, presence), tuned: tuned() } : {}),
  });
  return { table, forecast };
}

/** Largest |browser - node| / max(1, |node|) over every p10/p50/p90; throws on a shape mismatch. */
export function maxForecastDifference(browser: ForecastResult, node: ForecastResult): number {
  if (browser.skus.length !== node.skus.length) {
    throw new Error(`browser has ${browser.skus.length} skus, node ${node.skus.length}`);
  }
  let worst = 0;
  browser.skus.forEach((b, i) => {
    const n = node.skus[i];
    if (!n || n.sku !== b.sku || n.model !== b.model || n.weeks.length !== b.weeks.length) {
      throw new Error(`sku ${i} differs: browser ${b.sku}/${b.model}, node ${n?.sku}/${n?.model}`);
    }
    b.weeks.forEach((bw, h) => {
      const nw = n.weeks[h];
      if (!nw || nw.week_start !== bw.week_start) throw new Error(`sku ${b.sku} week ${h} differs`);
      for (const q of ['p10', 'p50', 'p90'] as const) {
        worst = Math.max(worst, Math.abs(bw[q] - nw[q]) / Math.max(1, Math.abs(nw[q])));
      }
    });
  });
  return worst;
}

/** URLs that are neither the app's origin nor local-only schemes (blob:, data:). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
  return requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'),
  );
}

/** ms from a sort or filter action in the sku table to the next painted frame. */
export async function measureTableResponse(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    type El = { click(): void; value: string; dispatchEvent(e: unknown): boolean };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null } })
      .document;
    const frame = (): Promise<void> =>
      new Promise((r) =>
        (
          globalThis as unknown as { requestAnimationFrame(f: () => void): void }
        ).requestAnimationFrame(() => setTimeout(r, 0)),
      );
    const time = async (act: () => void): Promise<number> => {
      const t0 = performance.now();
      act();
      await frame();
      return performance.now() - t0;
    };
    const sortTotal = doc.querySelector('th.c-total button')!;
    const select = doc.querySelector('[data-testid="category-filter"]')!;
    const change = (v: string): void => {
      select.value = v;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    };
    return {
      sortByTotal: await time(() => sortTotal.click()),
      sortByTotalAgain: await time(() => sortTotal.click()),
      filterCategory: await time(() => change('C3')),
      filterAll: await time(() => change('')),
    };
  });
}

/**
 * Scrolls the sku table 400 px a frame for 120 frames from where it is;
 * frame-to-frame times (over 25 ms: at least one frame late; over 33.4 ms: two).
 */
export async function measureTableScroll(page: Page): Promise<{
  frames: number;
  medianMs: number;
  p95Ms: number;
  over33Ms: number;
  over25Ms: number;
}> {
  return page.evaluate(async () => {
    const doc = (
      globalThis as unknown as {
        document: { querySelector(s: string): { scrollTop: number } | null };
      }
    ).document;
    const raf = (globalThis as unknown as { requestAnimationFrame(f: (t: number) => void): void })
      .requestAnimationFrame;
    const box = doc.querySelector('.viewport')!;
    const times: number[] = [];
    let last = 0;
    for (let k = 0; k < 120; k++) {
      const t = await new Promise<number>((r) => raf(r));
      if (last) times.push(t - last);
      last = t;
      box.scrollTop += 400;
    }
    times.sort((a, b) => a - b);
    return {
      frames: times.length,
      medianMs: times[Math.floor(times.length / 2)] as number,
      p95Ms: times[Math.floor(times.length * 0.95)] as number,
      over33Ms: times.filter((t) => t > 33.4).length,
      over25Ms: times.filter((t) => t > 25).length,
    };
  });
}

/** Budget for the JS a first visit loads before any dynamic import, gzip bytes. */
export const FIRST_LOAD_JS_BUDGET = 150 * 1024;

/**
 * The JS index.html loads before any dynamic import: its module scripts and
 * modulepreloads, and every module they import statically (`import … from`),
 * followed through the built files. Each file once, with its gzip size (level
 * 9, as a static host's precompressed files; level 6 differs by about 1%).
 */
export function firstLoadJs(dist: string): {
  files: { file: string; gzip: number }[];
  gzip: number;
} {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const start = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => path.resolve(dist, (m[1] as string).replace(/^\.?\//, '')));
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only: `import(` is a dynamic one, loaded later.
    for (const m of code.matchAll(
      /(?:^|[;\s}])import\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"']+\.js)["']/g,
    ))
      queue.push(path.resolve(path.dirname(file), m[1] as string));
  }
  const files = [...seen].map((file) => ({
    file: path.relative(dist, file),
    gzip: gzipSync(readFileSync(file), { level: 9 }).length,
  }));
  return { files, gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

const axeSource = readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (any impact). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Runtime.evaluate is not subject to the page's CSP (an injected <script> would be).
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Axe = {
      run(
        ctx: unknown,
        opts: unknown,
      ): Promise<{
        violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
      }>;
    };
    const axe = (globalThis as unknown as { axe: Axe }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return r.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}
