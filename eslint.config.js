import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

// Who may import what (each src/*/README.md says why). An entry ending in '/'
// is a folder of this repo, one ending in ':' a scheme (node:), anything else
// a package (and its subpaths).
const ORT_ONLY_IN_RUNTIME = {
  not: ['onnxruntime-web'],
  message: 'only src/runtime/ imports onnxruntime-web; use createModelRunner from src/runtime',
};
/** Per folder, on top of ORT_ONLY_IN_RUNTIME. Tests may reach any layer. */
const LAYERS = {
  'src/core/': {
    only: [
      'src/core/',
      'papaparse',
      'fflate',
      'hyparquet',
      'hyparquet-compressors',
      'hyparquet-writer',
    ],
    message:
      'src/core/ imports only src/core/ (and papaparse, fflate, the pure-JS hyparquet packages): it runs unchanged in the page, the worker and Node',
  },
  'src/runtime/': {
    not: ['src/worker/', 'src/app/', 'src/cli/', 'src/training/', 'src/node/', 'node:'],
    message: 'src/runtime/ runs in a browser worker and in Node: it imports only core',
  },
  'src/worker/': {
    not: ['src/app/', 'src/cli/', 'src/training/', 'src/node/', 'node:'],
    message:
      'src/worker/ runs in a browser worker: no app, CLI, training, Node helpers or node: modules',
  },
  'src/app/': {
    not: ['src/cli/', 'src/training/', 'src/node/', 'node:'],
    message: 'src/app/ runs in the browser: no CLI, training, Node helpers or node: modules',
  },
  'src/cli/': {
    not: ['src/training/', 'src/app/', 'src/worker/'],
    message:
      'src/cli/ imports core, runtime and src/node/ only (what training shares lives in src/node/)',
  },
  'src/training/': {
    not: ['src/cli/', 'src/app/', 'src/worker/'],
    message:
      'src/training/ imports core, runtime and src/node/ only (what the CLI shares lives in src/node/)',
  },
  'src/node/': {
    not: ['src/cli/', 'src/training/', 'src/app/', 'src/worker/', 'src/runtime/'],
    message: 'src/node/ is imported by the Node entry points, so it imports only core',
  },
};

// Inside src/core, bottom to top (src/core/README.md, "May import"): stats/ →
// the foundation → ingest/ beside features.ts and model-descriptor.ts → models/
// → backtest/ → the forecast pipeline (the rest of core: forecast-library.ts,
// forecast.ts, category-totals.ts, exports.ts, …), which only the src/core/
// rule above bounds. Each sub-layer names what it may import, so a file added to
// a folder inherits its folder's rule and a new module below is a choice made here.
const CORE_STATS = 'src/core/stats/';
/**
 * Small modules every layer imports: shapes, seeded randomness, timing, error
 * text, calendar arithmetic and the day-number codec it builds on (which lives
 * in ingest/ beside the date parsers but imports nothing but the month names
 * it reads, which import nothing).
 */
const CORE_FOUNDATION = [
  'src/core/types',
  'src/core/random',
  'src/core/clock',
  'src/core/error-text',
  'src/core/calendar',
  'src/core/ingest/dates',
  'src/core/ingest/month-names',
  'src/core/seed',
  'src/core/required-roles',
  'src/core/history',
  'src/core/metrics',
  'src/core/json-chunks',
];
const CORE_FEATURES = ['src/core/features', 'src/core/model-descriptor'];
/** Per sub-layer of core: `files` it covers, and on top of the src/core/ rule what it may import. */
const CORE_LAYERS = [
  {
    files: ['src/core/stats/**'],
    only: [CORE_STATS],
    message:
      'src/core/stats/ is the bottom of core (arithmetic every layer shares): it imports only src/core/stats/',
  },
  {
    files: CORE_FOUNDATION.map((module) => `${module}.ts`),
    only: [CORE_STATS, ...CORE_FOUNDATION],
    message:
      "core's foundation (types, random, clock, error-text, calendar, ingest/dates, seed, …) is imported by every layer: it imports only itself and src/core/stats/",
  },
  {
    files: ['src/core/ingest/**', 'src/core/ingest.ts'],
    ignores: ['src/core/ingest/dates.ts', 'src/core/ingest/month-names.ts'],
    only: [
      CORE_STATS,
      ...CORE_FOUNDATION,
      'src/core/ingest/',
      'papaparse',
      'fflate',
      'hyparquet',
      'hyparquet-compressors',
    ],
    message:
      'src/core/ingest/ turns bytes into the weekly table: it imports the foundation and src/core/stats/, never features, models/, backtest/ or the forecast pipeline',
  },
  {
    files: CORE_FEATURES.map((module) => `${module}.ts`),
    only: [CORE_STATS, ...CORE_FOUNDATION, ...CORE_FEATURES],
    message:
      "features.ts and model-descriptor.ts describe a model's input: they import the foundation and src/core/stats/, never models/ (a model imports them), backtest/ or ingest/",
  },
  {
    files: ['src/core/models/**'],
    only: [CORE_STATS, ...CORE_FOUNDATION, ...CORE_FEATURES, 'src/core/models/'],
    message:
      'src/core/models/ forecast one series: they import features, the foundation and src/core/stats/, never ingest/ (past its day codec ingest/dates), backtest/ or the forecast pipeline',
  },
  {
    files: ['src/core/backtest/**'],
    only: [
      CORE_STATS,
      ...CORE_FOUNDATION,
      'src/core/ingest/',
      ...CORE_FEATURES,
      'src/core/models/',
      'src/core/backtest/',
    ],
    message:
      'src/core/backtest/ scores models on the past: it imports models/, ingest/, features, the foundation and src/core/stats/, never the forecast pipeline that uses it (forecast.ts, forecast-library.ts, …)',
  },
];

/** What an import names: a repo path ('src/cli/args') for relative imports, else the specifier. */
function importTarget(filename, source) {
  if (!source.startsWith('.')) return source;
  const resolved = path.relative(ROOT, path.resolve(path.dirname(filename), source));
  return resolved.split(path.sep).join('/');
}

function matches(target, entry) {
  if (entry.endsWith('/')) return `${target}/`.startsWith(entry);
  if (entry.endsWith(':')) return target.startsWith(entry);
  return target === entry || target.startsWith(`${entry}/`);
}

/**
 * `skucast/imports`: each option is `{ only | not, message }`; every import,
 * export-from and import() with a literal source must be under one of `only`
 * and under none of `not`. `?url` imports are asset URLs, not code: skipped.
 * Options go from the widest boundary to the narrowest, and an import reports
 * only the first it breaks (core importing the CLI is a core error, not also a
 * sub-layer one).
 */
const importsRule = {
  meta: {
    type: 'problem',
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          only: { type: 'array', items: { type: 'string' } },
          not: { type: 'array', items: { type: 'string' } },
          message: { type: 'string' },
        },
        required: ['message'],
        additionalProperties: false,
      },
    },
  },
  create(context) {
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      if (source.value.endsWith('?url')) return;
      const target = importTarget(context.filename, source.value);
      for (const rule of context.options) {
        const allowed = rule.only === undefined || rule.only.some((e) => matches(target, e));
        const denied = rule.not !== undefined && rule.not.some((e) => matches(target, e));
        if (!allowed || denied) {
          context.report({ node: source, message: `'${source.value}': ${rule.message}` });
          return;
        }
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

// Per-folder globals: ECMAScript everywhere, plus the runtime's own. Core gets
// only the two web-platform globals every runtime has (as in tsconfig.core.json).
const ecmascript = new Set(Object.keys(globals.es2024));
const runtimeNames = Object.keys({ ...globals.browser, ...globals.worker, ...globals.node }).filter(
  (name) => !ecmascript.has(name),
);
const CORE_GLOBALS = { performance: 'readonly', TextDecoder: 'readonly' };
/** The runtime globals a folder sees: `own`, every other one switched off. */
const onlyGlobals = (own) => ({
  ...Object.fromEntries(runtimeNames.map((name) => [name, 'off'])),
  ...own,
});
const notInCore = runtimeNames
  .filter((name) => !(name in CORE_GLOBALS))
  .map((name) => ({
    name,
    message:
      'src/core/ runs in the page, the worker and Node alike: no DOM, worker or Node globals',
  }));

export default tseslint.config(
  { ignores: ['dist/', 'bin/', '.cache/', 'node_modules/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
  },
  {
    files: ['src/core/**'],
    languageOptions: { globals: onlyGlobals(CORE_GLOBALS) },
    rules: {
      // TypeScript files skip no-undef, so name the forbidden globals outright.
      'no-restricted-globals': ['error', ...notInCore],
      // A function longer than a screenful or two wants its steps named.
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/worker/**', 'src/runtime/**'],
    languageOptions: { globals: onlyGlobals(globals.worker) },
  },
  {
    files: ['src/app/**'],
    languageOptions: { globals: onlyGlobals(globals.browser) },
  },
  {
    files: ['src/cli/**', 'src/training/**', 'src/node/**', 'bench/**', 'scripts/**'],
    languageOptions: { globals: onlyGlobals(globals.node) },
  },
  // Import boundaries (tests may reach any layer).
  { plugins: { skucast: { rules: { imports: importsRule } } } },
  {
    files: ['src/**', 'bench/**'],
    ignores: ['src/runtime/**'],
    rules: { 'skucast/imports': ['error', ORT_ONLY_IN_RUNTIME] },
  },
  ...Object.entries(LAYERS).map(([folder, layer]) => ({
    files: [`${folder}**`],
    rules: {
      'skucast/imports': [
        'error',
        ...(folder === 'src/runtime/' ? [] : [ORT_ONLY_IN_RUNTIME]),
        layer,
      ],
    },
  })),
  ...CORE_LAYERS.map(({ files, ignores = [], ...layer }) => ({
    files,
    ignores,
    rules: {
      'skucast/imports': ['error', ORT_ONLY_IN_RUNTIME, LAYERS['src/core/'], layer],
    },
  })),
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  // Rules that read types, over src/ (each file checked in its runtime's
  // project from tsconfig.json's references): a promise nobody awaits loses
  // its error and its ordering.
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    // Declarations hold no code (and papaparse.d.ts is reached through `paths`, not `include`).
    ignores: ['src/**/*.d.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: ROOT,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
