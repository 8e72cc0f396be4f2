// Training of the sequence TCN is reproducible: the same seed gives the same
// weights, and a run stopped at a checkpoint and resumed gives exactly the
// weights of an uninterrupted one (batches depend only on seed and step; the
// checkpoint carries weights, Adam's moments and the averaging sums). Training
// windows never reach the weeks a series keeps for validation.

import { beforeAll, describe, expect, it } from 'vitest';
import { SEQUENCE_FEATURE_NAMES } from '../../src/core/features';
import { withOverrides } from '../../src/training/recipe';
import { Rng } from '../../src/core/random';
import type { CorpusSeries } from '../../src/training/corpus';
import { syntheticSeries } from '../../src/training/synthetic';
import {
  trainingSampler,
  validationOrigins,
  validationSet,
  type SamplerOptions,
} from '../../src/training/sequence-batches';
import { sequenceConfig, trainingSpec, SEQUENCE_RECIPE } from '../../src/training/sequence-recipe';
import { initTf } from '../../src/training/tf-backend';
import { trainLoop, type TrainOptions, type TrainState } from '../../src/training/trainer';

const recipe = {
  ...SEQUENCE_RECIPE,
  window: 16,
  channels: 4,
  dilations: [1, 3],
  horizon: 6,
  // the shipped recipe's season taps, scaled to this window
  season: 8,
  minHistory: 4,
  steps: 24,
  batch: 8,
  averageFrom: 0.5,
};
const cfg = sequenceConfig(recipe);
const spec = trainingSpec(recipe);

function corpus(): CorpusSeries[] {
  const rng = new Rng(3);
  return Array.from({ length: 12 }, (_, i) => {
    const rows = syntheticSeries(rng, i, {
      minWeeks: 40,
      maxWeeks: 60,
      minRate: 1,
      minDispersion: 5,
    }).rows;
    const n = rows.length;
    return {
      id: `s${i}`,
      source: i % 2 === 0 ? 'synthetic' : 'store_item',
      y: Float64Array.from(rows, (r) => r.total_amount),
      isoWeeks: Uint8Array.from(rows, (r) => r.iso_week),
      trainEnd: n - 10,
      validEnd: n - 4,
    } satisfies CorpusSeries;
  });
}

const sampler: SamplerOptions = {
  seed: 9,
  horizon: recipe.horizon,
  minHistory: recipe.minHistory,
  sourceWeights: { m4: 0, store_item: 1, seed: 0, synthetic: 1 },
  calendarDropout: 0.2,
  maxTarget: 20,
  lossWeightCap: 10,
};
const opts: TrainOptions = {
  seed: 9,
  steps: recipe.steps,
  batch: recipe.batch,
  lr: 5e-3,
  realShare: 0,
  finetuneSteps: 0,
  finetuneLr: 0,
  averageFrom: recipe.averageFrom,
};

describe('recipe overrides (npm run train -- --set)', () => {
  it('set numeric fields, nested ones by a dotted key, and refuse anything else', () => {
    const r = withOverrides(SEQUENCE_RECIPE, 'calendarDropout=0.5,sourceWeights.store_item=0');
    expect(r.calendarDropout).toBe(0.5);
    expect(r.sourceWeights.store_item).toBe(0);
    expect(r.sourceWeights.m4).toBe(SEQUENCE_RECIPE.sourceWeights.m4);
    // The shipped recipe is left as it is.
    expect(SEQUENCE_RECIPE.sourceWeights.store_item).toBeGreaterThan(0);
    expect(() => withOverrides(SEQUENCE_RECIPE, 'nope=1')).toThrow(/unknown numeric field nope/);
    expect(() => withOverrides(SEQUENCE_RECIPE, 'sourceWeights.nope=1')).toThrow(/unknown/);
    expect(() => withOverrides(SEQUENCE_RECIPE, 'dilations=1')).toThrow(/unknown/);
  });
});

describe('sequence TCN training', () => {
  beforeAll(async () => {
    await initTf();
  });

  it('is reproducible, and resuming from a checkpoint changes nothing', () => {
    const series = corpus();
    const run = () => trainLoop(cfg, trainingSampler(series, spec, sampler), new Rng(9), opts);
    const a = run();
    const b = run();
    expect(a.weights).toEqual(b.weights);

    let saved: TrainState | undefined;
    trainLoop(
      cfg,
      trainingSampler(series, spec, sampler),
      new Rng(9),
      { ...opts },
      {
        every: 8,
        save: (state) => {
          if (state.step === 16) saved = structuredClone(state);
        },
      },
    );
    expect(saved?.step).toBe(16);
    const resumed = trainLoop(cfg, trainingSampler(series, spec, sampler), new Rng(9), opts, {
      every: 8,
      resume: { step: 16, state: saved! },
    });
    expect(resumed.weights).toEqual(a.weights);
  });

  it('draws training targets only before trainEnd and validates on the held-out weeks', () => {
    const series = corpus();
    const H = recipe.horizon;
    const L = recipe.window;
    const F = spec.input.features.length;
    const B = 64;
    const x = new Float32Array(B * L * F);
    const y = new Float32Array(B * H);
    const m = new Float32Array(B * H);
    // Sales of 1 a week before trainEnd and 1,000 from there on: any target the
    // sampler unmasks at or after trainEnd would show as 1,000 scales (clipped to 20).
    const marked = series.map((s) => ({
      ...s,
      y: Float64Array.from(s.y, (_, t) => (t < s.trainEnd ? 1 : 1000)),
    }));
    const fill = trainingSampler(marked, spec, { ...sampler, lossWeightCap: 0 });
    let unmasked = 0;
    for (let step = 0; step < 50; step++) {
      fill(step, false, x, y, m);
      for (let i = 0; i < B * H; i++) {
        expect(m[i] === 1 ? y[i] : 0).toBe(m[i] === 1 ? 1 : 0);
        unmasked += m[i] as number;
      }
      // Inputs never hold a week at or after trainEnd either (they would be 1,000 or 50).
      for (let i = 0; i < x.length; i += F) expect(x[i] as number).toBeLessThanOrEqual(1);
    }
    expect(unmasked).toBeGreaterThan(0);
    const tagged = series.map((s, i) => ({
      ...s,
      y: Float64Array.from(s.y, (_, t) => 1000 * (i + 1) + t),
    }));
    // Validation windows start at trainEnd and score only weeks before validEnd.
    for (const s of tagged) {
      const origins = validationOrigins(s, H, recipe.minHistory);
      expect(origins[0]).toBe(s.trainEnd);
      expect(origins.at(-1)).toBe(s.validEnd - 1);
    }
    const v = validationSet(tagged, spec, H, recipe.minHistory);
    expect(v.n).toBe(tagged.reduce((n, s) => n + (s.validEnd - s.trainEnd), 0));
    // A model trained blind to the calendar (the shipped recipe) is validated blind to it too.
    const known = SEQUENCE_FEATURE_NAMES.indexOf('calendar_known');
    const flags = (readsCalendar: boolean) => {
      const set = validationSet(
        tagged,
        { ...spec, input: { ...spec.input, readsCalendar } },
        H,
        recipe.minHistory,
      );
      return new Set(Array.from({ length: set.x.length / F }, (_, i) => set.x[i * F + known]));
    };
    expect(flags(true)).toContain(1);
    expect(flags(false)).toEqual(new Set([0]));
    expect(spec.input.readsCalendar).toBe(false);
    // No validation target reaches validEnd.
    let k = 0;
    for (const s of tagged)
      for (const end of validationOrigins(s, H, recipe.minHistory)) {
        for (let h = 0; h < H; h++) {
          const unmasked = v.mask[k * H + h] === 1;
          expect(unmasked).toBe(end + h < s.validEnd);
          if (unmasked)
            expect((v.y[k * H + h] as number) * (v.scale[k] as number)).toBeCloseTo(
              s.y[end + h] as number,
              2,
            );
        }
        k++;
      }
  });
});
