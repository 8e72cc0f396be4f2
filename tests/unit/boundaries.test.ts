// The layer boundaries the tools enforce (src/*/README.md): each ESLint rule
// fires on a deliberate violation and stays quiet on a legal import, and core's
// TypeScript config rejects DOM, worker and Node globals.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOUNDARY_RULES = new Set(['skucast/imports', 'no-restricted-globals']);

let eslint: ESLint;
beforeAll(() => {
  // The files below are made up (src/core/x.ts), so no TypeScript project holds
  // them: read them without types, and without the rules that need types
  // (tests/unit/lint-rules.test.ts runs those on real files).
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
      },
    },
  });
});

/** The boundary messages ESLint gives `code` as if it were the repo file `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const messages = result?.messages ?? [];
  // A file ESLint could not parse has no boundary errors: that must fail, not pass.
  expect(messages.filter((m) => m.fatal === true).map((m) => m.message)).toEqual([]);
  return messages
    .filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId))
    .map((m) => m.message);
}

describe('src/core imports nothing outside itself', () => {
  it.each([
    ['src/core/x.ts', "import { parseArgs } from '../cli/args';"],
    ['src/core/x.ts', "import type { RunResult } from '../worker/protocol';"],
    ['src/core/ingest/x.ts', "import { TEST_IDS } from '../../app/testids';"],
    ['src/core/x.ts', "export * from '../node/read-file';"],
    ['src/core/x.ts', "export const m = import('../training/recipe');"],
    ['src/core/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src/core/x.ts', "import { wrap } from 'comlink';"],
  ])('%s: %s', async (file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('src/core/ imports only src/core/');
  });

  it('imports within core and papaparse pass', async () => {
    const code = [
      "import type { WeeklyTable } from './types';",
      "import { readDate } from './ingest/dates';",
      "import Papa from 'papaparse';",
      'export type T = WeeklyTable;',
      'export const f = [readDate, Papa];',
    ].join('\n');
    expect(await boundaryErrors('src/core/x.ts', code)).toEqual([]);
    const nested = "import type { WeeklyTable } from '../types';\nexport type T = WeeklyTable;";
    expect(await boundaryErrors('src/core/ingest/x.ts', nested)).toEqual([]);
  });
});

describe('inside src/core, each sub-layer imports only those below it', () => {
  it.each([
    ['src/core/stats/x.ts', "import { isoWeekOf } from '../ingest/dates';", 'src/core/stats/ is'],
    [
      'src/core/random.ts',
      "import { mean } from './stats/mean';\nimport { auto } from './backtest/auto';",
      "core's foundation",
    ],
    [
      'src/core/calendar.ts',
      "import type { SeriesInput } from './models/types';",
      "core's foundation",
    ],
    ['src/core/ingest/dates.ts', "import { findColumns } from './columns';", "core's foundation"],
    [
      'src/core/ingest/x.ts',
      "import { buildFeatures } from '../features';",
      'src/core/ingest/ turns',
    ],
    [
      'src/core/ingest.ts',
      "export const m = import('./models/registry');",
      'src/core/ingest/ turns',
    ],
    [
      'src/core/features.ts',
      "import { isSeasonal } from './models/seasonality';",
      'features.ts and model-descriptor.ts',
    ],
    [
      'src/core/model-descriptor.ts',
      "import { readDate } from './ingest/dates';\nexport * from './ingest/columns';",
      'features.ts and model-descriptor.ts',
    ],
    [
      'src/core/models/x.ts',
      "import { weeklyRowAt } from '../ingest/weekly-table';",
      'src/core/models/ forecast',
    ],
    [
      'src/core/models/x.ts',
      "import type { SkuAccuracy } from '../backtest/auto';",
      'src/core/models/ forecast',
    ],
    ['src/core/models/x.ts', "import Papa from 'papaparse';", 'src/core/models/ forecast'],
    [
      'src/core/backtest/x.ts',
      "import type { SkuForecast } from '../forecast';",
      'src/core/backtest/ scores',
    ],
    [
      'src/core/backtest/x.ts',
      "import { categoryTotals } from '../category-totals';",
      'src/core/backtest/ scores',
    ],
  ])('%s: %s', async (file, code, rule) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(rule);
  });

  it('an import outside core reports the src/core/ rule only', async () => {
    const errors = await boundaryErrors(
      'src/core/stats/x.ts',
      "import { x } from '../../cli/args';",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('src/core/ imports only src/core/');
  });

  it('the imports core makes today pass', async () => {
    const legal: [string, string][] = [
      ['src/core/stats/x.ts', "import { mean } from './mean';"],
      [
        'src/core/calendar.ts',
        "import { daysFromCivil } from './ingest/dates';\nimport type { WeeklyRow } from './types';",
      ],
      ['src/core/history.ts', "import type { WeeklyRow } from './types';"],
      [
        'src/core/ingest/x.ts',
        "import { seedIdOf } from '../seed';\nimport { quantile } from '../stats/quantile';\nimport { unzipSync } from 'fflate';",
      ],
      [
        'src/core/features.ts',
        "import { isSeasonal } from './stats/seasonality';\nimport type { ModelDescriptor } from './model-descriptor';",
      ],
      [
        'src/core/models/x.ts',
        "import { formatDay } from '../ingest/dates';\nimport { seasonIndexInto } from '../features';\nimport { Z90 } from '../stats/normal';",
      ],
      [
        'src/core/backtest/x.ts',
        "import { weeklyRowAt } from '../ingest/weekly-table';\nimport { runModel } from '../models/run-model';\nimport { wape } from '../metrics';",
      ],
      [
        'src/core/forecast.ts',
        "import { auto } from './backtest/auto';\nimport { tcnModel } from './models/tcn';",
      ],
    ];
    for (const [file, code] of legal) {
      expect(await boundaryErrors(file, `${code}\nexport {};`), file).toEqual([]);
    }
  });
});

describe('src/core sees no DOM, worker or Node globals', () => {
  it.each(['process.env.X', 'document.title', "Buffer.from('x')", 'self.postMessage(1)'])(
    '%s',
    async (expr) => {
      const errors = await boundaryErrors('src/core/x.ts', `export const v = ${expr};`);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('no DOM, worker or Node globals');
    },
  );

  it('performance and TextDecoder (every runtime has them) pass', async () => {
    const code = 'export const t = performance.now();\nexport const d = new TextDecoder();';
    expect(await boundaryErrors('src/core/x.ts', code)).toEqual([]);
  });
});

describe('only src/runtime imports onnxruntime-web', () => {
  it.each([
    ['src/worker/x.ts', "import * as ort from 'onnxruntime-web';"],
    ['src/app/x.ts', "import type { InferenceSession } from 'onnxruntime-web';"],
    ['src/cli/x.ts', "export const ort = import('onnxruntime-web/wasm');"],
    ['src/training/x.ts', "import * as ort from 'onnxruntime-web';"],
    ['bench/x.ts', "import * as ort from 'onnxruntime-web';"],
  ])('%s: %s', async (file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('only src/runtime/ imports onnxruntime-web');
  });

  it('src/runtime may; a ?url import of its .wasm is an asset, not code', async () => {
    const runtime = "export const ort = import('onnxruntime-web');";
    expect(await boundaryErrors('src/runtime/x.ts', runtime)).toEqual([]);
    const asset =
      "import url from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';\nexport { url };";
    expect(await boundaryErrors('src/worker/x.ts', asset)).toEqual([]);
  });
});

describe('src/app never imports the CLI, training, Node helpers or node:*', () => {
  it.each([
    ['src/app/x.ts', "import { parseArgs } from '../cli/args';"],
    ['src/app/x.ts', "import { train } from '../training/recipe';"],
    ['src/app/x.ts', "import { ingestFile } from '../node/read-file';"],
    ['src/app/x.ts', "import path from 'node:path';"],
    [
      'src/app/components/X.svelte',
      '<script lang="ts">\n  import { parseArgs } from \'../../cli/args\';\n</script>\n',
    ],
  ])('%s: %s', async (file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('src/app/ runs in the browser');
  });

  it('core and the worker protocol pass', async () => {
    const code = [
      "import type { ColumnMapping } from '../core/types';",
      "import type { RunResult } from '../worker/protocol';",
      'export type T = [ColumnMapping, RunResult];',
    ].join('\n');
    expect(await boundaryErrors('src/app/x.ts', code)).toEqual([]);
  });
});

describe('the other layers import downwards only', () => {
  it.each([
    ['src/runtime/x.ts', "import type { RunResult } from '../worker/protocol';", 'src/runtime/'],
    ['src/worker/x.ts', "import { readFileSync } from 'node:fs';", 'src/worker/'],
    ['src/worker/x.ts', "import { app } from '../app/state.svelte';", 'src/worker/'],
    ['src/cli/x.ts', "import { train } from '../training/recipe';", 'src/cli/'],
    [
      'src/training/x.ts',
      "import { parseMappings } from '../cli/weekly-command';",
      'src/training/',
    ],
    ['src/node/x.ts', "import { generateCsv } from '../cli/gen';", 'src/node/'],
  ])('%s: %s', async (file, code, layer) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${layer} `);
  });

  it('the Node entries share through src/node', async () => {
    const code = "import { parseArgs } from '../node/args';\nexport const p = parseArgs;";
    expect(await boundaryErrors('src/cli/x.ts', code)).toEqual([]);
    expect(await boundaryErrors('src/training/x.ts', code)).toEqual([]);
  });
});

describe("core's TypeScript config", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'skucast-core-types-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects process, document and Buffer, accepts what core uses', () => {
    // Two files compiled with tsconfig.core.json's options, outside the tree.
    writeFileSync(
      path.join(dir, 'violation.ts'),
      [
        'export const env = process.env.X;',
        'export const title = document.title;',
        "export const bytes = Buffer.from('x');",
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'legal.ts'),
      [
        "import Papa from 'papaparse';",
        'export const t = performance.now();',
        "export const s = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(1));",
        "export const rows = Papa.parse<string[]>('a,b', { preview: 1 }).data;",
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.core.json'),
        include: ['violation.ts', 'legal.ts', path.join(ROOT, 'src/types/core-platform.d.ts')],
      }),
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    let output = '';
    let failed = false;
    try {
      execFileSync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch (e) {
      failed = true;
      output = (e as { stdout: string }).stdout;
    }
    expect(failed).toBe(true);
    const errors = output.split('\n').filter((l) => l.includes('error TS'));
    expect(errors.every((l) => l.startsWith('violation.ts('))).toBe(true);
    const names = errors.map((l) => /Cannot find name '(\w+)'/.exec(l)?.[1]);
    expect(names).toEqual(['process', 'document', 'Buffer']);
  });
});
