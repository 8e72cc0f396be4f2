// Bundles the TypeScript CLI into one ESM file so `npx skucast` starts fast
// (no TypeScript loader at run time). Runs on `npm ci` through `prepare`.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';
import { NODE_BUNDLE } from './node-bundle.mjs';

mkdirSync('bin', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'bin/skucast.mjs',
  ...NODE_BUNDLE,
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync('bin/skucast.mjs', 0o755);
