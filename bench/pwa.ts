// The installed app's numbers (issue 11), in headless Chromium on the
// production build. Numbers, not a test.
//
// `npm run bench -- transfer`: bytes on the wire for a first visit (page,
// workers, model warm-up, the service worker's precache, the sample forecast)
// and a repeat visit (reload + the sample again), summed from Chromium's
// network events (Playwright's request sizes: CDP Network.loadingFinished) and
// checked against the bytes the server wrote. Two hosts: a bare one
// (identity, no-store: the harness's server) and a typical static host (gzip
// for text and wasm, hashed assets cacheable for a year).
//
// `npm run bench -- isolation`: the 1M-row file and a 20,000-sku file
// forecast in the page with and without COOP/COEP (threads: N vs 1).

import { generateSkuWeeksCsv } from '../src/cli/gen';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  BASE_FLAGS,
  CHROMIUM,
  buildApp,
  chromiumAvailable,
  confirmMappingInPage,
  forecastFileInPage,
  forecastSampleInPage,
  modelAvailable,
  repoRoot,
} from '../tests/browser/harness';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.onnx': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** What static hosts (nginx gzip_types, GitHub Pages, Netlify) compress. */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.css',
  '.wasm',
  '.json',
  '.webmanifest',
  '.csv',
  '.svg',
]);

interface HostOptions {
  gzip: boolean;
  headers?: Record<string, string>;
}

interface Host {
  url: string;
  /** Bytes written to sockets (headers and bodies) since the last reset. */
  written(): number;
  reset(): void;
  close(): Promise<void>;
}

/** A static host for `dir` at /app/: bare (identity, no-store) or typical (gzip, long cache for hashed assets). */
async function host(dir: string, opts: HostOptions): Promise<Host> {
  const mount = '/app/';
  const gzipped = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  let base = 0;
  let closedBytes = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (!url.pathname.startsWith(mount)) throw new Error('outside');
        let file = path.join(dir, decodeURIComponent(url.pathname.slice(mount.length)));
        if (!file.startsWith(dir)) throw new Error('outside');
        if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
        const ext = path.extname(file);
        let body: Buffer = await readFile(file);
        const headers: Record<string, string | number> = {
          'content-type': TYPES[ext] ?? 'application/octet-stream',
          ...opts.headers,
        };
        if (opts.gzip) {
          // Hashed build assets never change; everything else is revalidated.
          headers['cache-control'] = url.pathname.startsWith(`${mount}assets/`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache';
          if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
            let z = gzipped.get(file);
            if (!z) gzipped.set(file, (z = gzipSync(body, { level: 6 })));
            body = z;
            headers['content-encoding'] = 'gzip';
            headers['vary'] = 'accept-encoding';
          }
        } else {
          headers['cache-control'] = 'no-store';
        }
        headers['content-length'] = body.length;
        res.writeHead(200, headers);
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end('not found');
      }
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      closedBytes += s.bytesWritten;
      sockets.delete(s);
    });
  });
  const total = (): number => closedBytes + [...sockets].reduce((n, s) => n + s.bytesWritten, 0);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mount}`,
    written: () => total() - base,
    reset: () => {
      base = total();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

async function browser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'skucast-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: BASE_FLAGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Wire bytes per request (headers + encoded body), as Chromium reports them; SW-served ones are 0. */
function wireMeter(context: BrowserContext): {
  bytes(): number;
  requests(): number;
  reset(): void;
} {
  let bytes = 0;
  let requests = 0;
  context.on('requestfinished', (r) => {
    void (async () => {
      const response = await r.response();
      // Served by the service worker (from Cache Storage): nothing on the wire.
      if (!response || response.fromServiceWorker()) return;
      const s = await r.sizes();
      bytes += s.responseHeadersSize + s.responseBodySize;
      requests += 1;
    })();
  });
  return {
    bytes: () => bytes,
    requests: () => requests,
    reset: () => {
      bytes = 0;
      requests = 0;
    },
  };
}

async function quiet(ms = 1500): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(2).padStart(6)} MB`;
}

export async function benchTransfer(): Promise<void> {
  if (!chromiumAvailable() || !modelAvailable()) {
    console.log('transfer: skipped (needs /usr/bin/chromium and models/tcn.onnx)');
    return;
  }
  console.log(
    'transfer: bytes on the wire, production build, WASM (no WebGPU adapter), Chromium network events / server',
  );
  const dist = await buildApp();
  try {
    for (const [label, opts] of [
      ['bare host (identity, no-store)', { gzip: false }],
      ['static host (gzip, immutable assets)', { gzip: true }],
    ] as const) {
      const h = await host(dist, opts);
      const b = await browser();
      const meter = wireMeter(b.context);
      try {
        await b.page.goto(h.url);
        await b.page.evaluate(async () => {
          await (
            globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown> } } }
          ).navigator.serviceWorker.ready;
        });
        const sample = await forecastSampleInPage(b.page);
        if (sample.status !== 'done') throw new Error(`sample: ${sample.status}`);
        await quiet();
        const first = { chromium: meter.bytes(), server: h.written(), n: meter.requests() };
        meter.reset();
        h.reset();
        await b.page.reload();
        const again = await forecastSampleInPage(b.page);
        if (again.status !== 'done') throw new Error(`sample again: ${again.status}`);
        await quiet();
        const repeat = { chromium: meter.bytes(), server: h.written(), n: meter.requests() };
        console.log(
          `  ${label.padEnd(38)} first visit ${mb(first.chromium)} (${first.n} requests; server ${mb(first.server)})` +
            `   repeat visit ${(repeat.chromium / 1e3).toFixed(1)} kB (${repeat.n} requests; server ${(repeat.server / 1e3).toFixed(1)} kB)`,
        );
      } finally {
        await b.close();
        await h.close();
      }
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

export const SKUS_20K = 20_000;
export const WEEKS_20K = 60;

/** SKU,Week,Sales for 20,000 skus × 60 weeks (1.2M rows; `npm run gen -- --skus 20000 --weeks 60 --seed 11`), written once. */
export async function skus20kCsv(): Promise<string> {
  const file = path.join(repoRoot, '.cache', `skus-${SKUS_20K}x${WEEKS_20K}.csv`);
  if (existsSync(file)) return file;
  const out = createWriteStream(file);
  for (const block of generateSkuWeeksCsv({ skus: SKUS_20K, weeks: WEEKS_20K, seed: 11 })) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

export async function benchIsolation(): Promise<void> {
  if (!chromiumAvailable() || !modelAvailable()) {
    console.log('isolation: skipped (needs /usr/bin/chromium and models/tcn.onnx)');
    return;
  }
  const big = path.join(repoRoot, '.cache/big.csv');
  const files = [...(existsSync(big) ? [big] : []), await skus20kCsv()];
  console.log('isolation: forecast in the page (WASM, auto), with and without COOP/COEP (ms)');
  const dist = await buildApp();
  try {
    for (const isolated of [false, true]) {
      const h = await host(dist, {
        gzip: true,
        ...(isolated
          ? {
              headers: {
                'cross-origin-opener-policy': 'same-origin',
                'cross-origin-embedder-policy': 'require-corp',
              },
            }
          : {}),
      });
      const b = await browser();
      try {
        await b.page.goto(h.url);
        for (const file of files) {
          let outcome = await forecastFileInPage(b.page, file, 30 * 60_000);
          if (outcome.status === 'mapping')
            outcome = await confirmMappingInPage(b.page, 30 * 60_000);
          const r = outcome.result;
          const name = path.basename(file);
          if (!r) {
            console.log(`  ${name}: no result (${outcome.error ?? outcome.status})`);
            continue;
          }
          const t = r.timings;
          console.log(
            `  ${(isolated ? 'COOP/COEP' : 'no headers').padEnd(11)} threads ${r.threads ?? '-'}  ${name.padEnd(24)} ` +
              `${r.report.rowsRead.toLocaleString('en-US')} rows, ${r.summary.skus.toLocaleString('en-US')} skus: ` +
              `read+parse ${t.read_parse_ms.toFixed(0)}  model start-up ${(t.model_session_ms ?? 0).toFixed(0)}  ` +
              `forecast ${t.inference_ms.toFixed(0)}  total ${t.total_ms.toFixed(0)}`,
          );
        }
      } finally {
        await b.close();
        await h.close();
      }
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
