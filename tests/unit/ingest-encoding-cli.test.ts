// A German Windows-1252 export through the built CLI, as a planner runs it:
// the same weekly table and the same `forecast --model ses` p50 as its UTF-8
// twin, and a note on stderr saying how the file was read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cp1252, germanExport, utf16 } from './encoding-files';

const root = resolve(__dirname, '../..');

function skucast(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/skucast.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'skucast-enc-cli-'));
const text = germanExport(1500, 11);
const files = {
  utf8: join(dir, 'verkauf-utf8.csv'),
  cp1252: join(dir, 'verkauf-1252.csv'),
  utf16: join(dir, 'verkauf-utf16.csv'),
};
// No --map: Artikelbezeichnung is read as the sku, Warengruppe as the category.
const MAP: string[] = [];

beforeAll(() => {
  writeFileSync(files.utf8, text);
  writeFileSync(files.cp1252, cp1252(text));
  writeFileSync(files.utf16, utf16(text, 'le'));
  const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});

describe('skucast on a German Windows-1252 export', () => {
  it('weekly: the UTF-8 twin’s table; stderr notes the encoding', () => {
    const twin = skucast('weekly', files.utf8, ...MAP);
    expect(twin.code).toBe(0);
    const r = skucast('weekly', files.cp1252, ...MAP);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(twin.stdout);
    expect(r.stdout).toContain('Müsli – Nuss 500 g');
    // The article is the sku (first column), not its group.
    expect(r.stdout).toMatch(/^"?Müsli – Nuss 500 g"?,/m);
    expect(r.stdout).toContain('Gutschein 10 €');
    expect(r.stderr).toMatch(
      /^warning \[encoding-windows-1252\] Read as Windows-1252 \(Western European\) text: the file is not UTF-8/m,
    );
    expect(twin.stderr).not.toContain('encoding-');
  });

  it('forecast --model ses: the same p50 as the UTF-8 twin, UTF-16 too', () => {
    const twin = skucast('forecast', files.utf8, '--model', 'ses', ...MAP);
    expect(twin.code).toBe(0);
    expect(twin.stdout.split('\n').length).toBeGreaterThan(4 * 4);
    for (const file of [files.cp1252, files.utf16]) {
      const r = skucast('forecast', file, '--model', 'ses', ...MAP);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(twin.stdout);
    }
  });
});
