// Training/evaluation samples: (input window, scaled targets, target mask)
// for every forecast origin of every series, built with the runtime's own
// src/core/features.ts.

import type { FeaturePresence } from '../core/features';
import { ALL_PRESENT, buildInputWindow, hasFullWindow } from '../core/features';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { SkuSeries } from '../core/types';
import type { Rng } from '../core/random';

export interface WindowSet {
  n: number;
  window: number;
  features: number;
  horizon: number;
  /** [n, window, features] */
  x: Float32Array;
  /** [n, horizon] targets in scaled units (total_amount / scale) */
  y: Float32Array;
  /** [n, horizon] 1 where the target week exists, is complete and is allowed */
  mask: Float32Array;
  scale: Float32Array;
}

/**
 * Chances that a window hides optional columns. Files usually lack age and
 * gender together (`demographics`), sometimes only one of them.
 */
export interface PresenceDropout {
  demographics: number;
  age: number;
  gender: number;
  quantity: number;
}

export type InputSpec = Pick<ModelDescriptor, 'input' | 'scaling'>;

export interface WindowOptions {
  horizon: number;
  /** Per series: rows at index >= cutoff are never targets (and origins stop there). */
  cutoff?: ((s: SkuSeries) => number) | undefined;
  /** Origins need at least this many complete weeks of history. */
  minHistory: number;
  /** Randomly drop optional columns per window (with flags), so the model copes without them. */
  presenceDropout?: PresenceDropout & { rng: Rng };
  /** Presence for every window when no dropout: what the file has. */
  presence?: FeaturePresence;
  /**
   * Training only: targets are clipped to this many scales, so one freak week
   * after a near-silent history cannot dominate the loss. Windows whose history
   * has no sales at all (scale at its floor) are skipped for the same reason.
   */
  maxTarget?: number;
}

export function buildWindows(series: SkuSeries[], spec: InputSpec, opts: WindowOptions): WindowSet {
  const L = spec.input.window;
  const F = spec.input.features.length;
  const H = opts.horizon;
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  const ms: number[] = [];
  const scales: number[] = [];
  for (const s of series) {
    const rows = s.rows;
    const cutoff = Math.min(rows.length, opts.cutoff ? opts.cutoff(s) : rows.length);
    let completeBefore = 0;
    for (let end = 0; end < cutoff; end++) {
      if (end > 0 && rows[end - 1]?.partial === 0) completeBefore++;
      if (end < L || completeBefore < opts.minHistory || !hasFullWindow(rows, end, L)) continue;
      let presence = opts.presence ?? ALL_PRESENT;
      const pd = opts.presenceDropout;
      if (pd) {
        const demographics = pd.rng.next() >= pd.demographics;
        presence = {
          age: demographics && pd.rng.next() >= pd.age,
          gender: demographics && pd.rng.next() >= pd.gender,
          quantity: pd.rng.next() >= pd.quantity,
        };
      }
      const { x, scale } = buildInputWindow(rows, end, spec, presence);
      if (opts.maxTarget !== undefined && scale <= spec.scaling.minScale) continue;
      const maxTarget = opts.maxTarget ?? Infinity;
      let any = 0;
      for (let h = 0; h < H; h++) {
        const r = rows[end + h];
        const ok = r !== undefined && end + h < cutoff && r.partial === 0;
        ys.push(ok ? Math.min(maxTarget, r.total_amount / scale) : 0);
        ms.push(ok ? 1 : 0);
        any += ok ? 1 : 0;
      }
      if (any === 0) {
        ys.length -= H;
        ms.length -= H;
        continue;
      }
      xs.push(x);
      scales.push(scale);
    }
  }
  const x = new Float32Array(xs.length * L * F);
  xs.forEach((w, i) => x.set(w, i * L * F));
  return {
    n: xs.length,
    window: L,
    features: F,
    horizon: H,
    x,
    y: Float32Array.from(ys),
    mask: Float32Array.from(ms),
    scale: Float32Array.from(scales),
  };
}

export function concatWindows(sets: WindowSet[]): WindowSet {
  const first = sets[0];
  if (!first) throw new Error('no window sets');
  const n = sets.reduce((a, s) => a + s.n, 0);
  const cat = (key: 'x' | 'y' | 'mask' | 'scale'): Float32Array => {
    const out = new Float32Array(sets.reduce((a, s) => a + s[key].length, 0));
    let o = 0;
    for (const s of sets) {
      out.set(s[key], o);
      o += s[key].length;
    }
    return out;
  };
  return { ...first, n, x: cat('x'), y: cat('y'), mask: cat('mask'), scale: cat('scale') };
}
