// Bundles the TypeScript CLI into one ESM file so `npx skucast` starts fast
// (no TypeScript loader at run time). Runs on `npm ci` through `prepare`.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

mkdirSync('bin', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'bin/skucast.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync('bin/skucast.mjs', 0o755);
