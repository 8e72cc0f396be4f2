// `npm run bench -- size`: the JS a first visit loads before any dynamic
// import (index.html's module script, its modulepreloads and their static
// imports), gzip, against the 150 KB budget. tests/browser/app-ui.test.ts
// fails over the budget; this prints the files.

import { rmSync } from 'node:fs';
import { buildApp, FIRST_LOAD_JS_BUDGET, firstLoadJs } from '../tests/browser/harness';

export async function benchFirstLoad(): Promise<void> {
  const dist = await buildApp();
  try {
    const { files, gzip } = firstLoadJs(dist);
    const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      `size: first-load JS ${kb(gzip)} gzip (budget ${kb(FIRST_LOAD_JS_BUDGET)}), ${files.length} files`,
    );
    for (const f of files) console.log(`  ${f.file.padEnd(40)} ${kb(f.gzip)}`);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
