// Reading from disk (the CLI's path) and the data generator.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/node/read-file';
import { generateCsv } from '../../src/cli/gen';
import { mulberry32 } from '../../src/core/random';
import { ingestText } from '../../src/core/ingest';

const dir = mkdtempSync(join(tmpdir(), 'skucast-ingest-'));

describe('ingestFile', () => {
  it('refuses a file larger than the limit, before reading it', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, 'Date,Sales\n' + '2023-01-02,1\n'.repeat(200_000));
    const t = await ingestFile(path, { maxBytes: 1024 * 1024 });
    expect(t.series).toEqual([]);
    expect(t.report.issues).toEqual([
      {
        severity: 'error',
        code: 'file-too-large',
        message: `File "${path}" is 2 MB; expected at most 1 MB`,
      },
    ]);
    // Under the limit, the same file streams through in chunks.
    const ok = await ingestFile(path);
    expect(ok.report.rowsUsed).toBe(200_000);
    expect(ok.series[0]?.rows[0]?.total_amount).toBe(200_000);
  });

  it('reports a folder or a missing file as unreadable', async () => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    expect((await ingestFile(join(dir, 'folder'))).report.issues[0]).toEqual({
      severity: 'error',
      code: 'unreadable',
      message: `"${join(dir, 'folder')}" is a folder; expected a CSV file`,
    });
    expect((await ingestFile(join(dir, 'missing.csv'))).report.issues[0]?.message).toBe(
      `File "${join(dir, 'missing.csv')}" does not exist; expected a readable CSV file`,
    );
  });
});

describe('generator', () => {
  const gen = (rows: number, seed: number): string =>
    [...generateCsv({ rows, seed }, 4096)].join('');

  it('is deterministic per seed and differs across seeds', () => {
    expect(gen(2000, 7)).toBe(gen(2000, 7));
    expect(gen(2000, 7)).not.toBe(gen(2000, 8));
    const a = mulberry32(1);
    const xs = [a(), a(), a()];
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(3);
  });

  it("writes the reference schema with the seed's 15 skus over 2021–2023", () => {
    const t = ingestText(gen(20_000, 1));
    expect(t.report.issues).toEqual([]);
    expect(t.report.rowsUsed).toBe(20_000);
    expect(t.series.map((s) => s.seed_id).sort((x, y) => x - y)).toEqual([...Array(15).keys()]);
    expect(t.report.firstDate! >= '2021-01-01' && t.report.lastDate! <= '2023-12-31').toBe(true);
    expect(t.weeks).toHaveLength(157);
    // Totals are quantity × price on every row.
    for (const s of t.series) {
      for (const r of s.rows) expect(r.total_amount).toBe(r.quantity * r.price_per_unit);
    }
  });
});
