// The version of skucast, from the package.json next to the bundle
// (bin/skucast.mjs) or two folders up from this source file (tests, tsx).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../package.json'), resolve(here, '../../package.json')]) {
    if (!existsSync(candidate)) continue;
    const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'skucast' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}
