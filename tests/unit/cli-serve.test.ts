// `skucast serve` over real HTTP on loopback: the bundled bin in a child
// process, its answers compared with the CLI's. No assertion is on time: the
// held uploads below make "busy", "queued" and "in flight" states the tests
// wait for, not race against.
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { metadataProducts } from '../../src/cli/serve/form';
import { weeksAfter } from '../../src/core/calendar';
import { hasShared, repoRoot, salesCsv, seedCsvPath } from './forecast-helpers';
import {
  heldForm,
  postForm,
  send,
  startServer,
  waitForStatus,
  type FilePart,
  type ServerProcess,
} from './serve-helpers';

const bin = resolve(repoRoot, 'bin/skucast.mjs');
let dir: string;
let fixture: string;
let sales: string;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const csvPart = (data: Uint8Array | string, filename = 'data.csv'): FilePart => ({
  name: 'file',
  filename,
  type: 'text/csv',
  data,
});
const metadata = (ids: unknown[]): [string, string] => [
  'metadata',
  JSON.stringify({ product_id: ids }),
];
const errorOf = (body: string): { code: string; message: string } =>
  (JSON.parse(body) as { error: { code: string; message: string } }).error;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-serve-'));
  // 20 complete weeks of seed ids 0 (Beauty · 25), 7 (Clothing · 50) and 11 (Electronics · 30).
  sales = salesCsv(20, 2);
  fixture = join(dir, 'sales.csv');
  writeFileSync(fixture, sales);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('metadata, as the prototype sent it', () => {
  it('reads product_id lists and refuses the rest with the CLI messages', () => {
    expect(metadataProducts('{"product_id": [0, 2, 5]}')).toEqual([0, 2, 5]);
    expect(metadataProducts('{"product_id": ["8"]}')).toEqual([8]);
    expect(() => metadataProducts('{"product_id": [99]}')).toThrow(
      '"99" is not a seed product id; ids are whole numbers 0-14',
    );
    expect(() => metadataProducts('{"product_id": []}')).toThrow(/product id list is empty/);
    expect(() => metadataProducts('not json')).toThrow(/metadata is not JSON/);
    expect(() => metadataProducts('[0, 2]')).toThrow(/no "product_id" list/);
    expect(() => metadataProducts('{"product_id": [[1]]}')).toThrow(/holds \[1\]/);
  });
});

describe('skucast serve', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(repoRoot, ['--workers', '2', '--cors', 'https://dash.example']);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it.runIf(hasShared)(
    "answers the prototype's request on the seed sample exactly as the CLI's seed JSON",
    async () => {
      const seed = readFileSync(seedCsvPath);
      const r = await postForm(server.port, '/predict', [metadata([0, 2, 5])], [csvPart(seed)]);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      const expected = cli('forecast', seedCsvPath, '--format', 'seed-json', '--products', '0,2,5');
      expect(expected.code).toBe(0);
      expect(r.body).toBe(expected.out);
      expect(Object.keys(JSON.parse(r.body) as object)).toEqual(['0', '2', '5']);
    },
  );

  it('answers /predict on any file the CLI reads, same bytes as the CLI', async () => {
    const r = await postForm(server.port, '/predict', [metadata([7, 0])], [csvPart(sales)]);
    expect(r.status).toBe(200);
    expect(r.body).toBe(cli('forecast', fixture, '--format', 'seed-json', '--products', '7,0').out);
  });

  it('refuses bad requests with a 4xx, JSON, and the CLI message, and keeps serving', async () => {
    const port = server.port;
    const refused = async (
      reply: Promise<{ status: number; body: string; headers: Record<string, unknown> }>,
      status: number,
      code: string,
    ): Promise<string> => {
      const r = await reply;
      expect(r.status, r.body).toBe(status);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      const e = errorOf(r.body);
      expect(e.code).toBe(code);
      return e.message;
    };
    await refused(postForm(port, '/predict', [metadata([0])], []), 400, 'missing-file');
    await refused(postForm(port, '/predict', [], [csvPart(sales)]), 400, 'missing-metadata');
    await refused(
      postForm(port, '/predict', [['metadata', '{product_id: 0']], [csvPart(sales)]),
      400,
      'bad-metadata',
    );

    // Ids as `--products` checks them: the CLI's own messages.
    const unknown = await refused(
      postForm(port, '/predict', [metadata([0, 3])], [csvPart(sales)]),
      422,
      'unknown-product-id',
    );
    expect(unknown).toBe('no data for product id 3 in this file (it has 0, 7, 11)');
    expect(cli('forecast', fixture, '--format', 'seed-json', '--products', '0,3').err).toContain(
      unknown,
    );
    const outside = await refused(
      postForm(port, '/predict', [metadata([42])], [csvPart(sales)]),
      400,
      'bad-product-id',
    );
    expect(cli('forecast', fixture, '--format', 'seed-json', '--products', '42').err).toContain(
      outside,
    );

    // A header-only junk CSV: not sales data, as the CLI says.
    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, 'foo,bar,baz\n');
    const notSales = await refused(
      postForm(port, '/predict', [metadata([0])], [csvPart('foo,bar,baz\n')]),
      422,
      'no-date-column',
    );
    expect(cli('forecast', junk).err).toContain(notSales);

    // Random bytes: binary, whatever the metadata.
    const rand = mulberry32(29);
    const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    const randomFile = join(dir, 'random.bin');
    writeFileSync(randomFile, bytes);
    const binary = await refused(
      postForm(port, '/predict', [metadata([0])], [csvPart(bytes, 'x.bin')]),
      422,
      'binary',
    );
    expect(cli('forecast', randomFile).err).toContain(binary);
    const r = await postForm(
      port,
      '/predict',
      [['metadata', '\u0000garbage{']],
      [csvPart(bytes, 'x.bin')],
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);

    // Not multipart at all.
    await refused(
      send(port, 'POST', '/predict', sales, { 'Content-Type': 'text/plain' }),
      415,
      'not-multipart',
    );
    await refused(
      send(port, 'POST', '/predict', '{"product_id": [0]}', { 'Content-Type': 'application/json' }),
      415,
      'not-multipart',
    );
    await refused(
      send(port, 'POST', '/predict', 'x', { 'Content-Type': 'multipart/form-data' }),
      400,
      'bad-multipart',
    );
    // A multipart body cut short.
    await refused(
      send(
        port,
        'POST',
        '/predict',
        '--b\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{',
        {
          'Content-Type': 'multipart/form-data; boundary=b',
        },
      ),
      400,
      'bad-multipart',
    );
    // A file part cut short (its stream fails as well as the form).
    await refused(
      send(
        port,
        'POST',
        '/predict',
        '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nDate,Sales\n2024-01-01,3\n',
        { 'Content-Type': 'multipart/form-data; boundary=b' },
      ),
      400,
      'bad-multipart',
    );
    await refused(send(port, 'GET', '/nowhere'), 404, 'not-found');
    await refused(send(port, 'GET', '/predict'), 405, 'method-not-allowed');

    const health = await send(port, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', workers: 2 });
    const ok = await postForm(port, '/predict', [metadata([0])], [csvPart(sales)]);
    expect(ok.status).toBe(200);
  });

  it('answers /forecast with the CLI JSON or CSV export, options as fields or query', async () => {
    const port = server.port;
    const csv = await postForm(port, '/forecast?horizon=6', [['model', 'ses']], [csvPart(sales)], {
      Accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe(cli('forecast', fixture, '--horizon', '6', '--model', 'ses').out);
    // The network with its head refitted on the uploaded file, as the CLI refits it.
    const tuned = await postForm(port, '/forecast', [['model', 'tcn_tuned']], [csvPart(sales)], {
      Accept: 'text/csv',
    });
    expect(tuned.status, tuned.body).toBe(200);
    expect(tuned.body).toBe(cli('forecast', fixture, '--model', 'tcn_tuned').out);

    const json = await postForm(
      port,
      '/forecast',
      [
        ['horizon', '3'],
        ['map', 'sku=Product Category'],
      ],
      [csvPart(sales)],
    );
    expect(json.status).toBe(200);
    type Export = Record<string, unknown> & { forecasts: { sku: string }[] };
    const doc = JSON.parse(json.body) as Export;
    const expected = JSON.parse(
      cli(
        'forecast',
        fixture,
        '--horizon',
        '3',
        '--map',
        'sku=Product Category',
        '--format',
        'json',
      ).out,
    ) as Export;
    // The CLI's export, but for what is timed (run.timings_ms, selection's fit_ms).
    for (const key of [
      'horizon',
      'last_complete_week',
      'data',
      'skus',
      'forecasts',
      'category_totals',
      'sku_accuracy',
      'decisions',
    ]) {
      expect(doc[key], key).toEqual(expected[key]);
    }
    expect(new Set(doc.forecasts.map((r) => r.sku))).toEqual(
      new Set(['Beauty', 'Clothing', 'Electronics']),
    );

    // The origin as a field, before the file, as --as-of.
    const asOf = weeksAfter(expected.last_complete_week as string, -3);
    const earlier = await postForm(
      port,
      '/forecast',
      [
        ['model', 'naive'],
        ['as-of', asOf],
      ],
      [csvPart(sales)],
    );
    expect(earlier.status, earlier.body).toBe(200);
    const cut = JSON.parse(earlier.body) as Export;
    expect(cut.last_complete_week).toBe(asOf);
    expect(cut.decisions).toEqual(
      (
        JSON.parse(
          cli('forecast', fixture, '--model', 'naive', '--as-of', asOf, '--format', 'json').out,
        ) as Export
      ).decisions,
    );

    const bad = await postForm(port, '/forecast', [['horizon', 'soon']], [csvPart(sales)]);
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).message).toBe(
      '--horizon must be a whole number of weeks from 1 to 52, got "soon"',
    );
    const late = await postForm(port, '/forecast', [], [csvPart(sales)]);
    expect(late.status).toBe(200);
    const after = await postForm(port, '/forecast?colour=red', [], [csvPart(sales)]);
    expect(errorOf(after.body).code).toBe('unknown-field');
  });

  it(
    'holds a burst: 64 requests, 16 at a time, all answered alike; then still answers',
    { timeout: 300_000 },
    async () => {
      const expected = cli(
        'forecast',
        fixture,
        '--format',
        'seed-json',
        '--products',
        '0,7,11',
      ).out;
      const statuses: number[] = [];
      let next = 0;
      const client = async (): Promise<void> => {
        while (next < 64) {
          next++;
          const r = await postForm(
            server.port,
            '/predict',
            [metadata([0, 7, 11])],
            [csvPart(sales)],
          );
          statuses.push(r.status);
          expect(r.body).toBe(expected);
        }
      };
      await Promise.all(Array.from({ length: 16 }, client));
      expect(statuses).toEqual(new Array(64).fill(200));
      const health = await send(server.port, 'GET', '/healthz');
      expect(JSON.parse(health.body)).toEqual({
        schema_version: 1,
        status: 'ok',
        workers: 2,
        busy: 0,
        queued: 0,
      });
    },
  );

  it('describes its routes, and allows only the --cors origin', async () => {
    const page = await send(server.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('POST /predict');
    const r = await send(server.port, 'GET', '/healthz');
    expect(r.headers['access-control-allow-origin']).toBe('https://dash.example');
    const pre = await send(server.port, 'OPTIONS', '/predict', undefined, {
      Origin: 'https://dash.example',
      'Access-Control-Request-Method': 'POST',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toBe('POST');
  });

  it('logs method, route, status, sizes and time only', () => {
    const lines = server.log().trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(60);
    for (const line of lines) {
      expect(line).toMatch(
        /^[A-Z]+ (\/|\/healthz|\/predict|\/forecast|\(other\)) (\d{3}|-) in \d+ B out \d+ B \d+ ms$/,
      );
    }
    // Nothing of the files, fields or URLs (query strings, unknown paths) is written.
    expect(server.log()).not.toMatch(/Beauty|colour|nowhere|product_id/);
  });
});

describe('skucast serve limits', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(repoRoot, ['--workers', '1', '--queue', '1', '--max-upload', '1']);
  });
  afterAll(async () => {
    if (server.proc.exitCode === null) await server.stop();
  });

  it('sends no CORS header without --cors', async () => {
    const r = await send(server.port, 'GET', '/healthz');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an upload over --max-upload with 413 without reading it', async () => {
    // Declared too large: answered before a byte of the body is sent.
    const declared = await send(server.port, 'POST', '/predict', undefined, {
      'Content-Type': 'multipart/form-data; boundary=b',
      'Content-Length': String(10 * 1024 ** 3),
    });
    expect(declared.status).toBe(413);
    expect(errorOf(declared.body).code).toBe('too-large');

    // Not declared (chunked) and endless: the 413 comes while the client is still sending.
    // A client still sending when the server closes can see its write fail (EPIPE/ECONNRESET) before it reads
    // the 413 that was already sent: the kernel's reset can overtake the answer. That is a refusal too.
    const reply = await new Promise<{ status: number | 'reset'; sent: number }>((done, fail) => {
      let sent = 0;
      let answered = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/predict',
          headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
          agent: false,
        },
        (res) => {
          answered = true;
          res.resume();
          done({ status: res.statusCode ?? 0, sent });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (answered) return;
        answered = true;
        if (e.code === 'EPIPE' || e.code === 'ECONNRESET') done({ status: 'reset', sent });
        else fail(e);
      });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      req.write(
        '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nDate,Sales\n',
      );
      const pump = (): void => {
        while (!answered && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      pump();
    });
    expect([413, 'reset']).toContain(reply.status);
    // The server stopped after its limit: the client could not have sent more than what sockets buffer.
    expect(reply.sent).toBeLessThan(64 * 1024 ** 2);
    expect((await send(server.port, 'GET', '/healthz')).status).toBe(200);
  });

  it('queues beyond its threads and answers 503 with Retry-After when the queue is full', async () => {
    const port = server.port;
    await waitForStatus(port, (s) => s.busy === 0 && s.queued === 0);
    const first = heldForm(port, '/predict', [metadata([0])], csvPart(sales));
    await waitForStatus(port, (s) => s.busy === 1);
    const second = heldForm(port, '/predict', [metadata([7])], csvPart(sales));
    await waitForStatus(port, (s) => s.queued === 1);
    const third = await postForm(port, '/predict', [metadata([0])], [csvPart(sales)]);
    expect(third.status).toBe(503);
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(errorOf(third.body).code).toBe('busy');
    first.finish();
    second.finish();
    const [a, b] = await Promise.all([first.reply, second.reply]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(Object.keys(JSON.parse(b.body) as object)).toEqual(['7']);
  });

  it('on SIGTERM stops taking requests and finishes the one in flight', async () => {
    const port = server.port;
    await waitForStatus(port, (s) => s.busy === 0 && s.queued === 0);
    const inFlight = heldForm(port, '/predict', [metadata([0, 7])], csvPart(sales));
    await waitForStatus(port, (s) => s.busy === 1);
    server.proc.kill('SIGTERM');
    await new Promise<void>((done) => {
      const check = (): void => {
        if (server.log().includes('finishing the requests in flight')) done();
        else setTimeout(check, 20);
      };
      check();
    });
    // No new connection is taken.
    await expect(send(port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    inFlight.finish();
    const r = await inFlight.reply;
    expect(r.status).toBe(200);
    expect(r.body).toBe(cli('forecast', fixture, '--format', 'seed-json', '--products', '0,7').out);
    expect(await server.exited).toBe(0);
  });
});

describe('skucast serve --timeout', () => {
  it('answers 408 to a request that takes too long, and goes on serving', async () => {
    const server = await startServer(repoRoot, ['--workers', '1', '--timeout', '2']);
    try {
      // The upload stops halfway and never goes on.
      const stalled = heldForm(server.port, '/predict', [metadata([0])], csvPart(sales));
      const r = await stalled.reply;
      expect(r.status).toBe(408);
      expect(errorOf(r.body).code).toBe('timeout');
      await waitForStatus(server.port, (s) => s.busy === 0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
