// The training curve of `npm run train` as a small-multiples SVG for the model
// card: the training loss and each source's validation WAPE, every panel on
// its own scale (the sources differ tenfold), x = training step.

import type { CorpusSource } from './corpus';

export interface ValidationScore {
  /** Mean pinball loss over the quantiles, in scaled units. */
  pinball: number;
  /** WAPE of the median in money: Σ|y − p50| / Σ|y|. */
  wape: number;
  /** Share of targets inside [p10, p90]. */
  coverage: number;
  windows: number;
}

export interface CurvePoint {
  step: number;
  train_loss: number;
  validation: Partial<Record<CorpusSource, ValidationScore>>;
}

export interface CurveSeries {
  label: string;
  points: [step: number, value: number][];
}

const W = 260;
const H = 150;
const PAD = { left: 46, right: 10, top: 24, bottom: 28 };

function panel(s: CurveSeries, x0: number, y0: number): string {
  const steps = s.points.map((p) => p[0]);
  const values = s.points.map((p) => p[1]);
  const [xMin, xMax] = [Math.min(...steps), Math.max(...steps)];
  let [yMin, yMax] = [Math.min(...values), Math.max(...values)];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const pad = (yMax - yMin) * 0.08;
  yMin -= pad;
  yMax += pad;
  const px = (v: number): number =>
    x0 + PAD.left + ((v - xMin) / Math.max(1, xMax - xMin)) * (W - PAD.left - PAD.right);
  const py = (v: number): number =>
    y0 + PAD.top + (1 - (v - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const line = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
  const fmt = (v: number): string => (Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const bottom = y0 + H - PAD.bottom;
  return [
    `<text x="${x0 + PAD.left}" y="${y0 + 15}" font-size="12" font-weight="600">${s.label}</text>`,
    `<rect x="${x0 + PAD.left}" y="${y0 + PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#bbb"/>`,
    `<text x="${x0 + PAD.left - 4}" y="${py(yMax - pad) + 4}" font-size="10" text-anchor="end">${fmt(yMax - pad)}</text>`,
    `<text x="${x0 + PAD.left - 4}" y="${py(yMin + pad) + 4}" font-size="10" text-anchor="end">${fmt(yMin + pad)}</text>`,
    `<text x="${px(xMin)}" y="${bottom + 14}" font-size="10">${xMin}</text>`,
    `<text x="${px(xMax)}" y="${bottom + 14}" font-size="10" text-anchor="end">${xMax} steps</text>`,
    `<polyline points="${line}" fill="none" stroke="#2563eb" stroke-width="1.5"/>`,
  ].join('\n');
}

export function curveSvg(series: CurveSeries[], columns = 3): string {
  const rows = Math.ceil(series.length / columns);
  const width = W * Math.min(columns, series.length);
  const height = H * rows;
  const body = series.map((s, i) => panel(s, (i % columns) * W, Math.floor(i / columns) * H));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${body.join('\n')}\n</svg>\n`
  );
}

/** Training loss and each source's validation WAPE, by step. */
export function trainingCurve(curve: CurvePoint[]): string {
  const sources: CorpusSource[] = ['m4', 'store_item', 'seed', 'synthetic'];
  return curveSvg([
    { label: 'training loss (pinball, scaled)', points: curve.map((c) => [c.step, c.train_loss]) },
    ...sources.map((src) => ({
      label: `validation WAPE: ${src}`,
      points: curve.flatMap((c): [number, number][] => {
        const v = c.validation[src];
        return v ? [[c.step, v.wape]] : [];
      }),
    })),
  ]);
}
