// The lint rules beside the layer boundaries (tests/unit/boundaries.test.ts):
// the rules that read types over src/ (.ts and .svelte), and the length limit
// on core's functions. Each fires on a violation and stays quiet on the fix.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The `rule` messages ESLint gives `code` as if it were the repo file `file`. */
async function ruleErrors(file: string, code: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const messages = result?.messages ?? [];
  // A file ESLint could not parse (or type) reports nothing: that must fail, not pass.
  expect(messages.filter((m) => m.fatal === true).map((m) => m.message)).toEqual([]);
  return messages.filter((m) => m.ruleId === rule).map((m) => `${m.line}: ${m.message}`);
}

// Types come from the TypeScript project that holds the file, so these lint
// new text under the names of files that exist.
const ASYNC = 'async function load(): Promise<number> {\n  return 1;\n}\n';

const FLOATING = '@typescript-eslint/no-floating-promises';
const MISUSED = '@typescript-eslint/no-misused-promises';

describe('promises are awaited or handed on (rules that read types)', () => {
  it.each([
    ['src/core/clock.ts', FLOATING, `${ASYNC}load();\n`],
    [
      'src/worker/headers.ts',
      FLOATING,
      `${ASYNC}export function run(): void {\n  load().then(() => 1);\n}\n`,
    ],
    // An async callback where a void one is expected: its rejection goes nowhere.
    ['src/core/clock.ts', MISUSED, `${ASYNC}[1, 2].forEach(async () => {\n  await load();\n});\n`],
    // The script of a .svelte component is read with types too.
    ['src/app/App.svelte', FLOATING, `<script lang="ts">\n  ${ASYNC}  load();\n</script>\n`],
  ])('%s: %s', async (file, rule, code) => {
    expect(await ruleErrors(file, code, rule)).toHaveLength(1);
  });

  it('awaited, caught or marked `void`, they pass', async () => {
    const code = [
      ASYNC,
      'export async function a(): Promise<void> {\n  await load();\n}',
      'void load();',
      'load().catch(() => 0);',
    ].join('\n');
    expect(await ruleErrors('src/core/clock.ts', code, FLOATING)).toEqual([]);
  });
});

describe('a function in src/core has at most 120 lines', () => {
  /** A function whose body holds `lines` statements, with a blank line and a comment between each. */
  const fn = (lines: number): string =>
    `export function f(): number {\n  let x = 0;\n${'\n  // why\n  x++;'.repeat(lines - 4)}\n  return x;\n}\n`;

  it('121 lines is an error in core, blank and comment lines not counted', async () => {
    expect(await ruleErrors('src/core/clock.ts', fn(121), 'max-lines-per-function')).toHaveLength(
      1,
    );
  });

  it('120 lines passes, and outside core the limit does not apply', async () => {
    expect(await ruleErrors('src/core/clock.ts', fn(120), 'max-lines-per-function')).toEqual([]);
    expect(await ruleErrors('bench/x.ts', fn(121), 'max-lines-per-function')).toEqual([]);
  });
});
