// Fuzz suite (issue 12, item 9): seeded hostile inputs of every class in
// tests/fuzz/hostile.ts through the CLI's code. `npm test` runs a few hundred;
// `npm run fuzz` runs SKUCAST_FUZZ_INPUTS of them (10,000) and prints the counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES, hostileInput, loadSources, runOne } from '../fuzz/hostile';

const INPUTS = Number(process.env.SKUCAST_FUZZ_INPUTS ?? '400');
const SEED = Number(process.env.SKUCAST_FUZZ_SEED ?? '12');
/** Hang guard per input (a run is synchronous in parts, so this is checked after it ends). */
const PER_INPUT_MS = 20_000;
/** Models in turn; `auto` (the whole library, backtested) every 16th input. */
const MODELS = [
  'naive',
  'ets',
  'croston',
  'theta',
  'historic_average',
  'seasonal_naive',
  'tsb',
  'holt',
];

describe('fuzz: hostile inputs through the CLI code', () => {
  it(
    `${INPUTS} inputs (seed ${SEED}): no crash, no hang, no non-finite output, good rows kept`,
    async () => {
      const src = loadSources(resolve(__dirname, '../../../shared/data/retail_sales_2023.csv'));
      const dir = mkdtempSync(join(tmpdir(), 'skucast-fuzz-'));
      const counts = Object.fromEntries(CLASSES.map((c) => [c, { inputs: 0, exit0: 0, exit2: 0 }]));
      let forecasts = 0;
      let refused = 0;
      let slowest = 0;
      const failures: string[] = [];
      const t0 = performance.now();
      for (let i = 0; i < INPUTS; i++) {
        const input = hostileInput(SEED, i, src);
        const model = i % 16 === 15 ? 'auto' : (MODELS[i % MODELS.length] as string);
        const r = await runOne(input, dir, model);
        const c = counts[input.cls] as { inputs: number; exit0: number; exit2: number };
        c.inputs++;
        if (r.exitCode === 0) c.exit0++;
        else c.exit2++;
        if (r.forecast === 'ok') forecasts++;
        if (r.forecast === 'refused') refused++;
        slowest = Math.max(slowest, r.ms);
        if (r.ms > PER_INPUT_MS) r.failures.push(`took ${Math.round(r.ms)} ms`);
        for (const f of r.failures) failures.push(`input ${i} (${input.cls}, ${model}): ${f}`);
      }
      const lines = [
        `fuzz: ${INPUTS} inputs, seed ${SEED}, ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${Math.round(slowest)} ms`,
        ...CLASSES.map((cls) => {
          const c = counts[cls] as { inputs: number; exit0: number; exit2: number };
          return `  ${cls.padEnd(16)} ${String(c.inputs).padStart(6)} inputs: exit 0 ${c.exit0}, exit 2 ${c.exit2}`;
        }),
        `  forecasts made ${forecasts}, refused with a message ${refused}`,
        `  failures (crashes, hangs, non-finite outputs, raw formulas, lost rows): ${failures.length}`,
      ];
      console.log(lines.join('\n'));
      expect(failures.slice(0, 20)).toEqual([]);
    },
    Math.max(120_000, INPUTS * 1_000),
  );
});
