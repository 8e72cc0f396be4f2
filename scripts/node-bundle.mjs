// esbuild options shared by the scripts that bundle a TypeScript entry for
// Node (build-cli.mjs, run-ts.mjs): one ESM file, dependencies left external.
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
