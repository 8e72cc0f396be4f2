// Reading progress: ingestFile reports bytes as it streams, and the CLI shows
// them on a terminal only (logs and pipes get issues and the summary alone).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProgress } from '../../src/cli/read-progress';
import { ingestFile } from '../../src/node/read-file';
import { salesCsv } from './forecast-helpers';

describe('reading progress', () => {
  it('ingestFile reports bytes read, rising to the file size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skucast-progress-'));
    try {
      const file = join(dir, 'sales.csv');
      // Several read chunks' worth of rows.
      const text = salesCsv(400, 0);
      writeFileSync(file, text);
      const seen: [number, number][] = [];
      const table = await ingestFile(file, { onProgress: (r, t) => seen.push([r, t]) });
      expect(table.series.length).toBeGreaterThan(0);
      expect(seen.length).toBeGreaterThan(0);
      const reads = seen.map(([r]) => r);
      expect(reads).toEqual([...reads].sort((a, b) => a - b));
      expect(seen.at(-1)).toEqual([Buffer.byteLength(text), Buffer.byteLength(text)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a progress line on a terminal for big files, and nothing otherwise', () => {
    const big = 1024 ** 3;
    const lines: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void lines.push(t) };
    const onTerminal = readProgress('sales.csv', io, true);
    onTerminal.onProgress(512 * 1024 ** 2, big);
    onTerminal.done();
    expect(lines[0]).toBe('\rreading sales.csv: 512 of 1,024 MB');
    expect(lines[1]).toBe('\r\x1b[K');
    lines.length = 0;
    const piped = readProgress('sales.csv', io, false);
    piped.onProgress(512 * 1024 ** 2, big);
    piped.done();
    const small = readProgress('sales.csv', io, true);
    small.onProgress(1000, 2000);
    small.done();
    expect(lines).toEqual([]);
  });
});
