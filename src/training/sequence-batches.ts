// Windows for the sequence model, drawn on the fly: a corpus of 2,000+ series
// has over a million origins, too many to hold as 104-week windows. Each
// training window picks a source by weight, a series uniformly within it (so a
// few long series do not dominate) and an origin uniformly within the series'
// training span, then builds its input with the runtime's own
// src/core/features.ts. Batches depend only on (seed, step), so a run resumed
// from a checkpoint draws the same batches.

import { buildSequenceWindow } from '../core/features';
import { Rng } from '../core/random';
import type { CorpusSeries, CorpusSource } from './corpus';
import type { BatchSource } from './trainer';
import type { InputSpec } from './windows';

export interface SamplerOptions {
  seed: number;
  horizon: number;
  minHistory: number;
  /** Share of the windows drawn from each source (renormalised over the sources present). */
  sourceWeights: Record<CorpusSource, number>;
  /** Chance that a dated window is shown without its calendar, as a file without dates would be. */
  calendarDropout: number;
  /** Targets are clipped to ± this many scales, so one freak week cannot dominate the loss. */
  maxTarget: number;
  /**
   * 0: every window weighs the same in the loss. Otherwise a window's weight is
   * 1 / (its context's mean absolute week-to-week change, in scales), capped
   * at this, so the loss is in the units of MASE rather than of the level: a
   * smooth series' small errors count as much as a jumpy one's large ones.
   */
  lossWeightCap: number;
}

/** Mean |y[t] − y[t−1]| / scale over the observed weeks of the window ending at `end`. */
function naiveChange(y: ArrayLike<number>, end: number, window: number, scale: number): number {
  let sum = 0;
  let n = 0;
  for (let t = Math.max(1, end - window + 1); t < end; t++) {
    sum += Math.abs((y[t] as number) - (y[t - 1] as number));
    n++;
  }
  return n > 0 ? sum / n / scale : 0;
}

/** Write one window and its scaled targets (index < targetEnd) at slot j. */
export function writeWindow(
  s: CorpusSeries,
  end: number,
  targetEnd: number,
  withCalendar: boolean,
  spec: InputSpec,
  horizon: number,
  maxTarget: number,
  j: number,
  xb: Float32Array,
  yb: Float32Array,
  mb: Float32Array,
): number {
  const stride = spec.input.window * spec.input.features.length;
  const scale = buildSequenceWindow(
    s.y,
    withCalendar ? s.isoWeeks : null,
    end,
    spec,
    xb,
    j * stride,
  );
  for (let h = 0; h < horizon; h++) {
    const t = end + h;
    const ok = t < targetEnd && t < s.y.length;
    const v = ok ? (s.y[t] as number) / scale : 0;
    yb[j * horizon + h] = Math.max(-maxTarget, Math.min(maxTarget, v));
    mb[j * horizon + h] = ok ? 1 : 0;
  }
  return scale;
}

export function trainingSampler(
  corpus: readonly CorpusSeries[],
  spec: InputSpec,
  opts: SamplerOptions,
): BatchSource {
  const bySource = new Map<CorpusSource, CorpusSeries[]>();
  for (const s of corpus) {
    if (s.trainEnd - 1 < opts.minHistory) continue;
    const list = bySource.get(s.source) ?? [];
    list.push(s);
    bySource.set(s.source, list);
  }
  const sources = [...bySource.keys()];
  if (sources.length === 0) throw new Error('no training series');
  const weights = sources.map((k) => opts.sourceWeights[k]);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w) => (cumulative.push((acc + w) / total), acc + w), 0);
  return (step, _finetune, xb, yb, mb) => {
    const rng = new Rng(opts.seed * 1_000_003 + step);
    const B = yb.length / opts.horizon;
    for (let j = 0; j < B; j++) {
      const u = rng.next();
      const k = cumulative.findIndex((c) => u < c);
      const list = bySource.get(sources[k < 0 ? sources.length - 1 : k] as CorpusSource)!;
      const s = list[rng.int(0, list.length - 1)] as CorpusSeries;
      const end = rng.int(opts.minHistory, s.trainEnd - 1);
      const calendar = s.isoWeeks !== null && rng.next() >= opts.calendarDropout;
      const scale = writeWindow(
        s,
        end,
        s.trainEnd,
        calendar,
        spec,
        opts.horizon,
        opts.maxTarget,
        j,
        xb,
        yb,
        mb,
      );
      if (opts.lossWeightCap > 0) {
        const change = naiveChange(s.y, end, spec.input.window, scale);
        const weight = change > 0 ? Math.min(opts.lossWeightCap, 1 / change) : opts.lossWeightCap;
        for (let h = 0; h < opts.horizon; h++) {
          const k = j * opts.horizon + h;
          mb[k] = (mb[k] as number) * weight;
        }
      }
    }
  };
}

/** Validation origins: the held-out span of each series, or its last `horizon` weeks when held out whole. */
export function validationOrigins(s: CorpusSeries, horizon: number, minHistory: number): number[] {
  if (s.validEnd <= s.trainEnd) return [];
  const from = s.trainEnd === 0 ? s.validEnd - horizon : s.trainEnd;
  const out: number[] = [];
  for (let end = Math.max(from, minHistory); end < s.validEnd; end++) out.push(end);
  return out;
}

export interface ValidationSet {
  n: number;
  x: Float32Array;
  y: Float32Array;
  mask: Float32Array;
  scale: Float32Array;
  source: CorpusSource[];
}

export function validationSet(
  corpus: readonly CorpusSeries[],
  spec: InputSpec,
  horizon: number,
  minHistory: number,
): ValidationSet {
  const picks: [CorpusSeries, number][] = [];
  for (const s of corpus)
    for (const end of validationOrigins(s, horizon, minHistory)) picks.push([s, end]);
  const stride = spec.input.window * spec.input.features.length;
  const x = new Float32Array(picks.length * stride);
  const y = new Float32Array(picks.length * horizon);
  const mask = new Float32Array(picks.length * horizon);
  const scale = new Float32Array(picks.length);
  picks.forEach(([s, end], j) => {
    scale[j] = writeWindow(
      s,
      end,
      s.validEnd,
      s.isoWeeks !== null,
      spec,
      horizon,
      Infinity,
      j,
      x,
      y,
      mask,
    );
  });
  return { n: picks.length, x, y, mask, scale, source: picks.map(([s]) => s.source) };
}
