// Runs a TypeScript entry point under Node: bundles it with esbuild into
// .cache/ and imports it, passing the remaining arguments through.
import { build } from 'esbuild';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_BUNDLE } from './node-bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs ENTRY.ts [args...]');
  process.exit(2);
}
const outfile = resolve('.cache', basename(entry).replace(/\.ts$/, '') + '.mjs');
await build({
  entryPoints: [entry],
  outfile,
  ...NODE_BUNDLE,
});
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
