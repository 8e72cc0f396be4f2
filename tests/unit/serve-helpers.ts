// Shared by the `skucast serve` tests and its benchmark: a server process on a
// free loopback port, and clients that speak multipart the way the
// prototype's clients do (fields, then the file).
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Everything the server wrote on stderr so far. */
  log(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `node bin/skucast.mjs serve --port 0 ...args`, resolved once it listens. */
export function startServer(root: string, args: string[] = []): Promise<ServerProcess> {
  const bin = resolve(root, 'bin/skucast.mjs');
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  let listening = false;
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  const stop = (): Promise<number | null> => {
    proc.kill('SIGTERM');
    return exited;
  };
  return new Promise((done, fail) => {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (text: string) => {
      err += text;
      const m = /listening on (http:\/\/[^/]+\/)/.exec(err);
      if (!m || listening) return;
      listening = true;
      const url = m[1] as string;
      done({ proc, port: Number(new URL(url).port), url, log: () => err, exited, stop });
    });
    void exited.then((code) => {
      if (!listening) fail(new Error(`skucast serve exited (${code}) before listening: ${err}`));
    });
  });
}

export interface FilePart {
  name: string;
  filename: string;
  type: string;
  data: Uint8Array | string;
}

/** A multipart/form-data body: text fields first, then the file parts, as `requests` sends them. */
export function multipart(
  fields: [string, string][],
  files: FilePart[],
  boundary = 'skucast-test-boundary-7d1c',
): { type: string; head: Buffer; body: (Uint8Array | string)[]; tail: Buffer } {
  const head: string[] = [];
  for (const [name, value] of fields) {
    head.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
  }
  const body: (Uint8Array | string)[] = [];
  files.forEach((f, i) => {
    const partHead =
      `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\n` +
      `Content-Type: ${f.type}\r\n\r\n`;
    if (i === 0) head.push(partHead);
    else body.push(`\r\n${partHead}`);
    body.push(f.data);
  });
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(head.join('')),
    body,
    tail: Buffer.from(`${files.length > 0 ? '\r\n' : ''}--${boundary}--\r\n`),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the whole body, Content-Length set. */
export function send(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** A form posted in one go. */
export function postForm(
  port: number,
  path: string,
  fields: [string, string][],
  files: FilePart[],
  headers: Record<string, string> = {},
): Promise<Reply> {
  const form = multipart(fields, files);
  const body = Buffer.concat([form.head, ...form.body.map((b) => Buffer.from(b)), form.tail]);
  return send(port, 'POST', path, body, { 'Content-Type': form.type, ...headers });
}

/**
 * A form whose upload stops halfway until `finish()`: the request holds its
 * forecast thread (or its place in the queue) for as long as the test wants.
 */
export function heldForm(
  port: number,
  path: string,
  fields: [string, string][],
  file: FilePart,
): { reply: Promise<Reply>; finish(): void } {
  const form = multipart(fields, [file]);
  const data = Buffer.from(file.data);
  const half = Math.floor(data.length / 2);
  let settled = false;
  const held: (() => void)[] = [];
  const reply = new Promise<Reply>((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'Content-Type': form.type, 'Transfer-Encoding': 'chunked' },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          settled = true;
          done({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        });
      },
    );
    req.on('error', (e) => {
      if (!settled) fail(e);
    });
    req.write(Buffer.concat([form.head, data.subarray(0, half)]));
    held.push(() => req.end(Buffer.concat([data.subarray(half), form.tail])));
  });
  return { reply, finish: () => held.shift()?.() };
}

/** Polls GET /healthz until `ok` holds for its figures. */
export async function waitForStatus(
  port: number,
  ok: (s: { workers: number; busy: number; queued: number }) => boolean,
): Promise<void> {
  for (;;) {
    const r = await send(port, 'GET', '/healthz');
    if (ok(JSON.parse(r.body) as { workers: number; busy: number; queued: number })) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}
