// The CLI on hostile input (issue 12): endless input ends promptly with exit 2
// and a message (items 2, 5), output is written in bounded chunks with the
// same bytes as one string (item 1), formula cells are neutralised in the
// weekly CSV (item 6).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { weeklyCommand } from '../../src/cli/weekly-command';
import type { CliIo } from '../../src/cli/command';
import { ingestText } from '../../src/core/ingest';
import { weeklyCsvChunks, weeklyTableToCsv } from '../../src/core/weekly-csv';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { forecastCsvChunks, forecastJsonChunks, forecastToCsv } from '../../src/core/exports';
import { jsonChunks } from '../../src/core/json-chunks';

const root = resolve(__dirname, '../..');
const sample = resolve(root, '../shared/data/retail_sales_2023.csv');
const golden = resolve(root, '../shared/golden/weekly_features.csv');
const haveShared = existsSync(sample) && existsSync(golden);
const SKIP_SHARED = 'skipped: ../shared not found';

/** Hang guard only: a run that does not end is killed and fails; time is not asserted. */
const HANG_GUARD_MS = 60_000;

function skucastAsync(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/skucast.mjs', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    child.on('close', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

/** A FIFO fed by a child that writes `byte` endlessly. */
function endlessFifo(byte: number): { path: string; writer: ChildProcess } {
  const dir = mkdtempSync(join(tmpdir(), 'skucast-fifo-'));
  const path = join(dir, 'endless.csv');
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  const script = `const b = Buffer.alloc(65536, ${byte}); const w = () => { while (process.stdout.write(b)); process.stdout.once('drain', w); }; process.stdout.on('error', () => process.exit(0)); w();`;
  const writer = spawn('sh', ['-c', `exec "${process.execPath}" -e "${script}" > "${path}"`], {
    stdio: 'ignore',
  });
  return { path, writer };
}

/** An io that keeps what was written, chunk by chunk. */
function recordingIo(): CliIo & { chunks: string[]; errText: () => string } {
  const chunks: string[] = [];
  const err: string[] = [];
  return {
    chunks,
    errText: () => err.join(''),
    out: (t) => void chunks.push(t),
    err: (t) => void err.push(t),
    drained: () => Promise.resolve(),
  };
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});

describe('endless input ends (item 2)', () => {
  it.each([
    ['/dev/zero', /binary data/],
    ['/dev/urandom', /not UTF-8 text|binary data/],
  ])('skucast weekly %s: exit 2 and a message', async (device, message) => {
    const r = await skucastAsync(['weekly', device]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it.each([
    ['zeros', 0, /binary data/],
    ['text without a line break', 0x78, /No header line in the first 1 MB/],
  ])('a FIFO fed %s endlessly: exit 2 and a message', async (_name, byte, message) => {
    const fifo = endlessFifo(byte);
    try {
      const r = await skucastAsync(['weekly', fifo.path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    } finally {
      fifo.writer.kill('SIGKILL');
    }
  });

  it('forecast stops on an endless FIFO as weekly does', async () => {
    const fifo = endlessFifo(0);
    try {
      const r = await skucastAsync(['forecast', fifo.path, '--model', 'naive']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/binary data/);
    } finally {
      fifo.writer.kill('SIGKILL');
    }
  });
});

describe('output in bounded chunks (item 1)', () => {
  it('writes the sample weekly table in chunks whose bytes are the golden file', async (ctx) => {
    if (!haveShared) ctx.skip(SKIP_SHARED);
    const io = recordingIo();
    expect(await weeklyCommand.run([sample], io)).toBe(0);
    expect(io.chunks.join('')).toBe(readFileSync(golden, 'utf8'));
  });

  it('keeps each chunk bounded on a larger table, a long sku name going out on its own', () => {
    const lines = ['Date,SKU,Total Amount'];
    for (let s = 0; s < 300; s++)
      for (let w = 0; w < 52; w++)
        lines.push(`2023-${String(1 + (w % 12)).padStart(2, '0')}-1${w % 10},sku-${s},${w + s}`);
    lines.push(`2023-06-01,${'L'.repeat(100_000)},5`);
    const table = ingestText(lines.join('\n'));
    const chunks = [...weeklyCsvChunks(table, 16 * 1024)];
    const longest = Math.max(...chunks.map((c) => c.length));
    expect(chunks.length).toBeGreaterThan(50);
    // A chunk is cut once it reaches 16 K characters: at most one row over, or the name alone.
    const over = chunks.filter((c) => c.length > 16 * 1024 + 400);
    expect(over.length).toBe(table.weeks.length);
    for (const c of over) expect(c).toMatch(/^L+$/);
    expect(longest).toBe(100_000);
    expect(chunks.join('')).toBe(weeklyTableToCsv(table));
  });

  it('streams the forecast CSV and JSON with the bytes of one string', async (ctx) => {
    if (!haveShared) ctx.skip(SKIP_SHARED);
    const table = ingestText(readFileSync(sample, 'utf8'));
    const result = await forecastWithLibrary(table, { model: 'naive', horizon: 4 });
    const csvChunks = [...forecastCsvChunks(result, 512)];
    expect(csvChunks.length).toBeGreaterThan(3);
    expect(csvChunks.join('')).toBe(forecastToCsv(result));
    const jsonChunks = [...forecastJsonChunks(result, { report: table.report }, 512)];
    expect(jsonChunks.length).toBeGreaterThan(3);
    const json = jsonChunks.join('');
    // Byte for byte what one JSON.stringify(doc, null, 2) gives.
    expect(json).toBe(JSON.stringify(JSON.parse(json), null, 2) + '\n');
    expect((JSON.parse(json) as { forecasts: unknown[] }).forecasts).toHaveLength(15 * 4);
  });

  it('writes JSON documents in chunks byte for byte as JSON.stringify does', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      sku: `s"${i}`,
      v: [i, null, { x: 'a\nb' }],
    }));
    for (const indent of [1, 2]) {
      for (const list of [items, []]) {
        const doc = { a: { b: [1, 2] }, rows: 'placeholder', z: 'rows' };
        const chunks = [...jsonChunks(doc, 'rows', list, indent, 1000)];
        expect(chunks.join('')).toBe(JSON.stringify({ ...doc, rows: list }, null, indent) + '\n');
        if (list.length > 0) expect(chunks.length).toBeGreaterThan(10);
      }
    }
  });

  it('streams skucast backtest --format json with the bytes of one JSON.stringify', (ctx) => {
    if (!haveShared) ctx.skip(SKIP_SHARED);
    const r = spawnSync(
      process.execPath,
      [
        'bin/skucast.mjs',
        'backtest',
        sample,
        '--format',
        'json',
        '--models',
        'naive,ses',
        '--windows',
        '2',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { rows: unknown[] };
    expect(doc.rows.length).toBeGreaterThan(0);
    expect(r.stdout).toBe(JSON.stringify(doc, null, 1) + '\n');
  });

  it('ends quietly when the reader closes the pipe early', (ctx) => {
    if (!haveShared) ctx.skip(SKIP_SHARED);
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" bin/skucast.mjs weekly "${sample}" | head -c 100 > /dev/null`],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});

describe('formula cells in the weekly CSV (item 6)', () => {
  it('neutralises =, +, -, @ at the start of a sku; negative numbers stay numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-formula-'));
    const file = join(dir, 'formula.csv');
    writeFileSync(
      file,
      [
        'Date,SKU,Quantity,Total Amount',
        '2023-11-20,=1+1,1,25',
        '2023-11-20,@SUM(A1),1,25',
        '2023-11-20,+cmd,1,25',
        '2023-11-20,"-2+3,x",1,25',
        '2023-11-20,-12,-1,25',
        '',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, ['bin/skucast.mjs', 'weekly', file], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').slice(1);
    expect(lines.map((l) => l.slice(0, l.indexOf(',-1,2023')))).toEqual([
      "'+cmd",
      '-12',
      '"\'-2+3,x"',
      "'=1+1",
      "'@SUM(A1)",
    ]);
    // The return: a negative amount, printed as a number.
    expect(lines[1]).toMatch(/^-12,-1,2023-11-20,2023,47,11,1,-25,-1,1,/);
  });
});
