// The HTTP side of `skucast serve`: routes, the multipart upload streamed into
// a forecast thread, limits (size, time, queue), and answers. This thread
// only moves bytes: parsing the CSV and forecasting happen in the pool's
// threads, so a big upload never stalls the other requests.
import { SCHEMA_VERSION } from '../../core/exports';
import busboy from 'busboy';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorText } from '../../core/error-text';
import {
  addOption,
  checkForecastField,
  forecastRun,
  ingestOf,
  INGEST_FIELDS,
  jobError,
  metadataProducts,
  RequestError,
  type Options,
} from './form';
import type { Lease, ServePool } from './pool';
import type { JobError, RunRequest } from './protocol';

export interface HttpOptions {
  /** Largest request body, bytes (`--max-upload`). */
  maxUploadBytes: number;
  /** Longest a request may take from arrival to its last byte answered, ms (`--timeout`). */
  timeoutMs: number;
  /** The one origin allowed to call from a browser (`--cors`); none when undefined. */
  cors: string | undefined;
  /** One line per request: method, route, status, sizes and time; nothing else. */
  log: (line: string) => void;
}

export interface ServeServer {
  server: Server;
  /** Stops taking requests, lets those in flight (and queued) finish, then resolves. */
  shutdown(): Promise<void>;
}

/** Form fields of text are small; a bigger one is refused rather than held. */
const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_PARTS = 100;

const ROUTES = ['/', '/healthz', '/predict', '/forecast'] as const;
type Route = (typeof ROUTES)[number];
const METHODS: Record<Route, string[]> = {
  '/': ['GET', 'HEAD'],
  '/healthz': ['GET', 'HEAD'],
  '/predict': ['POST'],
  '/forecast': ['POST'],
};

const ROUTE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>skucast serve</title></head>
<body>
<h1>skucast serve</h1>
<p>Weekly sales forecasts per SKU. Files are read in memory and never stored.</p>
<dl>
<dt><code>POST /predict</code></dt>
<dd>The prototype's API. Multipart form data: <code>file</code> (a sales CSV or .xlsx)
and <code>metadata</code> (JSON, <code>{"product_id": [0, 2, 5]}</code>). Answers
<code>{"2": {"week_0": "61.45", …}}</code>: the next 4 weeks' p50 per product, as
<code>skucast forecast FILE --format seed-json --products 0,2,5</code>.</dd>
<dt><code>POST /forecast</code></dt>
<dd>Multipart form data: <code>file</code>, and optionally <code>horizon</code>, <code>model</code>,
<code>map</code> (repeatable, <code>role=Column</code>), <code>sheet</code>, <code>date-format</code>, <code>layout</code>
as form fields (before <code>file</code> for the reading options) or query parameters.
Answers the JSON export of <code>skucast forecast --format json</code>, or its CSV with
<code>Accept: text/csv</code>.</dd>
<dt><code>GET /healthz</code></dt>
<dd><code>{"status": "ok", "workers": N, "busy": N, "queued": N}</code></dd>
</dl>
<p>Errors: a 4xx or 5xx status with <code>{"error": {"code": "…", "message": "…"}}</code>.</p>
</body></html>
`;

/** The request's path; '' for a target that is no URL (a 404, not an exception in the handler). */
function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

function isRoute(path: string): path is Route {
  return (ROUTES as readonly string[]).includes(path);
}

export function createServeServer(pool: ServePool, opts: HttpOptions): ServeServer {
  let closing = false;
  const active = new Set<ServerResponse>();
  let idle: (() => void) | undefined;
  /** Job times, smoothed, for Retry-After. */
  let meanJobMs = 1000;

  const server = createServer((req, res) => {
    active.add(res);
    const t0 = performance.now();
    const path = pathOf(req);
    const route = isRoute(path) ? path : '(other)';
    const sizes = { in: 0, out: 0 };
    res.on('close', () => {
      active.delete(res);
      if (active.size === 0) idle?.();
      const status = res.headersSent ? String(res.statusCode) : '-';
      const ms = Math.round(performance.now() - t0);
      opts.log(`${req.method} ${route} ${status} in ${sizes.in} B out ${sizes.out} B ${ms} ms`);
    });
    const answer = new Answer(req, res, opts, sizes, () => closing);
    if (!isRoute(path)) {
      return answer.error({
        status: 404,
        code: 'not-found',
        message: `no route ${path.slice(0, 200)}; GET / lists them`,
      });
    }
    if (req.method === 'OPTIONS' && opts.cors !== undefined) return answer.preflight(METHODS[path]);
    if (!METHODS[path].includes(req.method ?? '')) {
      return answer.error(
        {
          status: 405,
          code: 'method-not-allowed',
          message: `${path} takes ${METHODS[path].join(', ')}`,
        },
        { Allow: METHODS[path].join(', ') },
      );
    }
    if (path === '/') return answer.send(200, 'text/html; charset=utf-8', ROUTE_PAGE);
    if (path === '/healthz') {
      const body = JSON.stringify({
        schema_version: SCHEMA_VERSION,
        status: closing ? 'closing' : 'ok',
        ...pool.status(),
      });
      return answer.send(closing ? 503 : 200, 'application/json; charset=utf-8', body + '\n');
    }
    if (closing) {
      return answer.error({
        status: 503,
        code: 'shutting-down',
        message: 'the server is shutting down',
      });
    }
    void upload(req, answer, path, sizes).catch((e: unknown) => answer.error(jobError(e)));
  });
  // Our own timer answers 408 first; Node's own limits stay as a backstop for slow headers.
  server.requestTimeout = opts.timeoutMs + 5000;
  server.headersTimeout = Math.min(60_000, opts.timeoutMs + 1000);

  return {
    server,
    async shutdown() {
      closing = true;
      const done = new Promise<void>((resolve) => {
        idle = resolve;
        if (active.size === 0) resolve();
      });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await done;
      // Connections kept alive past their last answer would hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };

  async function upload(
    req: IncomingMessage,
    answer: Answer,
    route: '/predict' | '/forecast',
    sizes: { in: number },
  ): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(type)) {
      const fields = route === '/predict' ? 'a "file" and a "metadata" field' : 'a "file" field';
      const got = type === '' ? 'no Content-Type' : (type.split(';')[0] ?? type);
      return answer.error({
        status: 415,
        code: 'not-multipart',
        message: `${route} takes multipart/form-data with ${fields}; got ${got}`,
      });
    }
    const declared = Number(req.headers['content-length']);
    if (declared > opts.maxUploadBytes) return answer.error(tooLarge(opts));
    const options: Options = new Map();
    if (route === '/forecast') {
      // Checked now: a typo in the URL fails before the upload is read.
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      for (const [name, value] of query) {
        checkForecastField(name, 'query parameter');
        addOption(options, name, value);
      }
      ingestOf(options);
    }
    const ticket = pool.acquire();
    if (!ticket) {
      const s = pool.status();
      const seconds = Math.max(1, Math.ceil((meanJobMs * (s.queued / s.workers + 1)) / 1000));
      return answer.error(
        {
          status: 503,
          code: 'busy',
          message: `all ${s.workers} forecast threads are busy and ${s.queued} requests wait; try again in ${seconds} s`,
        },
        { 'Retry-After': String(seconds) },
      );
    }
    // Filled in once the request has its thread; the timer and the end read it.
    const held: { lease?: Lease; at?: number } = {};
    answer.onEnd(() => {
      ticket.cancel();
      if (held.at !== undefined) meanJobMs = 0.8 * meanJobMs + 0.2 * (performance.now() - held.at);
    });
    answer.startTimer(() => held.lease);
    const lease = await ticket.lease;
    if (answer.over) return;
    held.lease = lease;
    held.at = performance.now();
    await receive(req, answer, route, lease, options, opts, sizes);
  }
}

/** Reads the form into the leased thread, then runs the job and writes its answer. */
function receive(
  req: IncomingMessage,
  answer: Answer,
  route: '/predict' | '/forecast',
  lease: Lease,
  options: Options,
  opts: HttpOptions,
  sizes: { in: number },
): Promise<void> {
  return new Promise<void>((resolve) => {
    let form: busboy.Busboy;
    try {
      form = busboy({
        headers: req.headers,
        limits: { fieldSize: MAX_FIELD_BYTES, parts: MAX_PARTS },
      });
    } catch (e) {
      answer.error({
        status: 400,
        code: 'bad-multipart',
        message: `the multipart body cannot be read: ${errorText(e)}`,
      });
      return resolve();
    }
    let problem: JobError | undefined;
    let products: number[] | undefined;
    let metadataSeen = false;
    let fileState: 'none' | 'reading' | 'read' = 'none';
    let paused: NodeJS.ReadableStream | undefined;
    /** The first problem wins; the rest of the body is read and dropped, then it is answered. */
    const fail = (e: unknown): void => {
      if (problem) return;
      problem = jobError(e);
      lease.release();
      paused?.resume();
      paused = undefined;
    };
    const stop = (error: JobError): void => {
      req.unpipe(form);
      req.pause();
      req.removeListener('data', count);
      answer.error(error);
      resolve();
    };
    const count = (chunk: Buffer): void => {
      sizes.in += chunk.byteLength;
      // Over the limit: no more is read (the connection closes after the 413).
      if (sizes.in > opts.maxUploadBytes) stop(tooLarge(opts));
    };
    req.on('data', count);
    form.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) {
        return fail(
          new RequestError(
            413,
            'field-too-large',
            `form field "${name.slice(0, 50)}" is over ${MAX_FIELD_BYTES / 1024 / 1024} MB`,
          ),
        );
      }
      try {
        if (route === '/predict') {
          // The prototype read these two fields and nothing else: other fields are ignored as it did.
          if (name === 'metadata') {
            metadataSeen = true;
            products = metadataProducts(value);
          }
          return;
        }
        checkForecastField(name, 'form field');
        if (fileState !== 'none' && INGEST_FIELDS.includes(name)) {
          throw new RequestError(
            400,
            'field-after-file',
            `form field "${name}" came after "file": send ${INGEST_FIELDS.join(', ')} before the file, or as query parameters`,
          );
        }
        addOption(options, name, value);
      } catch (e) {
        fail(e);
      }
    });
    form.on('file', (name, stream) => {
      // A body that ends inside the file fails the stream too (the form's 'error' answers it);
      // without a listener that error would end the process.
      stream.on('error', (e) =>
        fail(
          new RequestError(
            400,
            'bad-multipart',
            `the multipart body cannot be read: ${errorText(e)}`,
          ),
        ),
      );
      const drop = (e?: unknown): void => {
        if (e !== undefined) fail(e);
        stream.resume();
      };
      if (name !== 'file') {
        if (route === '/forecast')
          return drop(
            new RequestError(
              400,
              'unknown-field',
              `unknown form field "${name}"; the sales file goes in the field "file"`,
            ),
          );
        return drop();
      }
      if (fileState !== 'none')
        return drop(
          new RequestError(
            400,
            'duplicate-file',
            'the form has more than one "file" field; send one sales file',
          ),
        );
      fileState = 'reading';
      if (problem) return drop();
      try {
        lease.begin(route === '/forecast' ? ingestOf(options) : {});
      } catch (e) {
        return drop(e);
      }
      stream.on('data', (chunk: Buffer) => {
        if (problem) return;
        if (lease.push(chunk)) return;
        // The thread is behind: hold the upload back (and with it the socket) until it catches up.
        stream.pause();
        paused = stream;
        lease.onDrain = () => {
          lease.onDrain = undefined;
          paused = undefined;
          stream.resume();
        };
      });
      stream.on('end', () => {
        fileState = 'read';
      });
    });
    form.on('partsLimit', () =>
      fail(new RequestError(413, 'too-many-parts', `the form has more than ${MAX_PARTS} parts`)),
    );
    form.on('error', (e) => {
      if (answer.over) return resolve();
      stop({
        status: 400,
        code: 'bad-multipart',
        message: `the multipart body cannot be read: ${errorText(e)}`,
      });
    });
    form.on('close', () => {
      if (answer.over) return resolve();
      void finish().then(resolve, (e: unknown) => {
        answer.error(jobError(e));
        resolve();
      });
    });
    req.pipe(form);

    async function finish(): Promise<void> {
      if (problem) return answer.error(problem);
      if (fileState === 'none') {
        const fields = route === '/predict' ? '"file" and "metadata"' : '"file"';
        return answer.error({
          status: 400,
          code: 'missing-file',
          message: `the form has no "file" field; send the sales file as the multipart field "file" (fields: ${fields})`,
        });
      }
      let run: RunRequest;
      if (route === '/predict') {
        if (!metadataSeen || products === undefined) {
          return answer.error({
            status: 400,
            code: 'missing-metadata',
            message:
              'the form has no "metadata" field; send the product ids as {"product_id": [0, 2, 5]}',
          });
        }
        run = { kind: 'seed-json', products };
      } else run = forecastRun(options, req.headers['accept']);
      const reply = await lease.run(run);
      if (answer.over) return;
      if (!reply.ok) return answer.error(reply.error);
      await answer.stream(reply.contentType, reply.text, () => lease.more());
    }
  });
}

function tooLarge(opts: HttpOptions): JobError {
  return {
    status: 413,
    code: 'too-large',
    message: `the request is over ${(opts.maxUploadBytes / 1024 ** 2).toLocaleString('en')} MB (--max-upload)`,
  };
}

/** One response: written once, with the common headers, sizes counted. */
class Answer {
  private done = false;
  private ends: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: HttpOptions,
    private readonly sizes: { out: number },
    private readonly closing: () => boolean,
  ) {
    res.on('close', () => {
      this.done = true;
      if (this.timer) clearTimeout(this.timer);
      for (const f of this.ends.splice(0)) f();
    });
  }

  /** Answered, or the client went away. */
  get over(): boolean {
    return this.done || this.res.headersSent || this.res.destroyed;
  }

  onEnd(f: () => void): void {
    this.ends.push(f);
  }

  /** --timeout: a 408 if nothing was sent yet, else the answer is cut off. */
  startTimer(lease: () => Lease | undefined): void {
    this.timer = setTimeout(() => {
      const l = lease();
      // A thread still working on it would hold up the next request: it is ended and started again.
      if (l?.working) l.kill();
      if (this.res.headersSent) this.res.destroy();
      else {
        this.error({
          status: 408,
          code: 'timeout',
          message: `no answer within ${this.opts.timeoutMs / 1000} s (--timeout); the upload or the forecast took too long`,
        });
      }
    }, this.opts.timeoutMs);
  }

  private headers(type: string, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      // Forecasts are the client's data: no cache keeps a copy.
      'Cache-Control': 'no-store',
      ...extra,
    };
    if (type.startsWith('text/html')) h['Content-Security-Policy'] = "default-src 'none'";
    if (this.opts.cors !== undefined) {
      h['Access-Control-Allow-Origin'] = this.opts.cors;
      h['Vary'] = 'Origin';
    }
    // A body not read to its end (refused early) or a server closing: the connection is not reused.
    if (!this.req.complete || this.closing()) h['Connection'] = 'close';
    return h;
  }

  send(status: number, type: string, body: string, extra: Record<string, string> = {}): void {
    if (this.over) return;
    this.done = true;
    const bytes = Buffer.from(body, 'utf8');
    this.sizes.out += bytes.byteLength;
    this.res.writeHead(status, {
      ...this.headers(type, extra),
      'Content-Length': String(bytes.byteLength),
    });
    this.res.end(this.req.method === 'HEAD' ? undefined : bytes);
  }

  error(e: JobError, extra: Record<string, string> = {}): void {
    const body =
      JSON.stringify({
        schema_version: SCHEMA_VERSION,
        error: { code: e.code, message: e.message },
      }) + '\n';
    this.send(e.status, 'application/json; charset=utf-8', body, extra);
  }

  preflight(methods: string[]): void {
    if (this.over) return;
    this.done = true;
    this.res.writeHead(204, {
      ...this.headers('text/plain'),
      'Access-Control-Allow-Methods': methods.join(', '),
      'Access-Control-Allow-Headers': 'Content-Type, Accept',
      'Access-Control-Max-Age': '600',
    });
    this.res.end();
  }

  /** A job's answer: one Content-Length response when it is one chunk, else chunked as the thread renders it. */
  async stream(
    type: string,
    first: string,
    more: () => Promise<string | null | JobError>,
  ): Promise<void> {
    let next = await more();
    if (this.over) return;
    if (next === null) return this.send(200, type, first);
    if (typeof next !== 'string') return this.error(next);
    this.done = true;
    this.res.writeHead(200, this.headers(type));
    let text: string = first;
    for (;;) {
      const bytes = Buffer.from(text, 'utf8');
      this.sizes.out += bytes.byteLength;
      if (!this.res.write(bytes)) {
        await new Promise<void>((resolve) => {
          const go = (): void => {
            this.res.off('drain', go);
            this.res.off('close', go);
            resolve();
          };
          this.res.on('drain', go);
          this.res.on('close', go);
        });
      }
      if (this.res.destroyed) return;
      if (next === null) break;
      if (typeof next !== 'string') {
        // A problem after the head went out: the answer is cut off, not completed.
        this.res.destroy();
        return;
      }
      text = next;
      next = await more();
    }
    this.res.end();
  }
}
