// The forecast chart as data: a WeeklySeries and a theme in, a Chart.js line
// chart configuration out. No DOM, no Chart.js runtime import (types only),
// so it is tested in Node; views/ForecastChart.svelte draws it.

import type { ChartConfiguration, LegendItem, Plugin, TooltipItem } from 'chart.js';
import { formatCompact, formatNumber, formatWeek, formatWeekShort } from './format';
import type { WeeklySeries } from './results';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  actual: string;
  forecast: string;
  band: string;
  origin: string;
  /** Background painted under the chart (PNG export); transparent on screen. */
  background?: string;
}

export const LIGHT_THEME: ChartTheme = {
  text: '#1c2430',
  muted: '#5b6577',
  grid: '#e4e8ee',
  actual: '#1f2a3a',
  forecast: '#2f6fed',
  band: 'rgba(47, 111, 237, 0.18)',
  origin: '#8a94a6',
};

export interface ChartInput {
  series: WeeklySeries;
  /** What the numbers are, e.g. "Sales (money)". */
  unit: string;
  /** Drawn above the chart (the PNG export names what it shows); none on screen. */
  title?: string;
  /** The canvas's width in px, so the week labels fit it (8 when not given). */
  width?: number;
  theme: ChartTheme;
}

/** Dataset order, shared with tests. */
export const DATASET = { p10: 0, p90: 1, p50: 2, actual: 3, partial: 4, lastYear: 5 } as const;

/** Room above the plot for the origin's label, so no line is drawn over it. */
const LABEL_ROOM = 18;

/** Width of one week label on the x axis, px ("30 Oct" and a gap). */
const TICK_PX = 64;

/** Week labels that fit `width` px: 3 to 8. */
export function ticksFor(width: number | undefined): number {
  return width === undefined ? 8 : Math.min(8, Math.max(3, Math.floor(width / TICK_PX)));
}

/**
 * The x axis's labels, by week index: every `step`-th week from the last
 * complete one back (so the origin is labelled), at most `maxTicks`; a label
 * carries its year on a second line where the year changes from the label
 * before (and on the first), so "30 Oct … 29 Oct" cannot read as one year.
 */
export function weekTicks(
  weeks: readonly string[],
  origin: number,
  maxTicks = 8,
): Map<number, string | [string, string]> {
  const step = Math.max(1, Math.ceil(weeks.length / maxTicks));
  const anchor = origin >= 0 ? origin : 0;
  const labels = new Map<number, string | [string, string]>();
  let year = '';
  for (let i = anchor % step; i < weeks.length; i += step) {
    const week = weeks[i] as string;
    const y = week.slice(0, 4);
    labels.set(i, y !== year ? [formatWeekShort(week), y] : formatWeekShort(week));
    year = y;
  }
  return labels;
}

/** A vertical dashed line at the forecast origin, and a light shade on partial weeks. */
function originPlugin(
  origin: number,
  partial: readonly number[],
  theme: ChartTheme,
  title: string | undefined,
): Plugin<'line'> {
  return {
    id: 'skucastOrigin',
    beforeDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales['x'];
      if (!x || !chartArea) return;
      ctx.save();
      if (theme.background) {
        ctx.fillStyle = theme.background;
        ctx.fillRect(0, 0, chart.width, chart.height);
      }
      const step = partial.length > 0 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : 0;
      ctx.fillStyle = theme.grid;
      ctx.globalAlpha = 0.6;
      for (const i of partial) {
        const px = x.getPixelForValue(i);
        ctx.fillRect(px - step / 2, chartArea.top, step, chartArea.bottom - chartArea.top);
      }
      ctx.restore();
    },
    afterDraw(chart) {
      if (!title) return;
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = theme.text;
      ctx.font = '600 15px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(title, 12, 10);
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      if (origin < 0) return;
      const { ctx, chartArea, scales } = chart;
      const x = scales['x'];
      if (!x || !chartArea) return;
      const px = x.getPixelForValue(origin);
      ctx.save();
      ctx.strokeStyle = theme.origin;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = theme.muted;
      ctx.font = '12px system-ui, sans-serif';
      // Above the plot, where no line runs; right-aligned at the marker unless that leaves the canvas.
      const text = 'last complete week';
      const fitsLeft = ctx.measureText(text).width + 4 <= px;
      ctx.textAlign = fitsLeft ? 'right' : 'left';
      ctx.textBaseline = 'bottom';
      ctx.fillText(text, fitsLeft ? px - 4 : px + 4, chartArea.top - 4);
      ctx.restore();
    },
  };
}

/** Legend entries: p10 has none (the band stands for it); the part week only when there is one. */
export function legendItems(
  series: WeeklySeries,
  theme: ChartTheme,
  visible: (datasetIndex: number) => boolean = () => true,
): LegendItem[] {
  const item = (datasetIndex: number, text: string, style: Partial<LegendItem>): LegendItem => ({
    text,
    datasetIndex,
    hidden: !visible(datasetIndex),
    fontColor: theme.text,
    lineWidth: 2,
    ...style,
  });
  return [
    item(DATASET.actual, 'Actual sales', { pointStyle: 'line', strokeStyle: theme.actual }),
    ...(series.partial.length > 0
      ? [
          item(DATASET.partial, 'Part week so far', {
            pointStyle: 'rectRot',
            strokeStyle: theme.actual,
            fillStyle: 'transparent',
          }),
        ]
      : []),
    item(DATASET.p50, 'Forecast (p50)', {
      pointStyle: 'line',
      strokeStyle: theme.forecast,
      lineDash: [5, 3],
    }),
    item(DATASET.p90, 'p10–p90 band', {
      pointStyle: 'rect',
      fillStyle: theme.band,
      strokeStyle: theme.band,
      lineWidth: 0,
    }),
    // Off until asked for (a click on it): planners compare with last year first, but not always.
    ...(series.lastYear.some((v) => v !== null)
      ? [
          item(DATASET.lastYear, 'Same weeks last year', {
            pointStyle: 'line',
            strokeStyle: theme.muted,
            lineDash: [2, 2],
          }),
        ]
      : []),
  ];
}

export function forecastChartConfig(
  input: ChartInput,
): ChartConfiguration<'line', (number | null)[], string> {
  const { series, theme, unit, title } = input;
  // A week the file covers in part is no point of the sales line: it stands apart, beside its forecast.
  const actual = series.actual.map((v, i) => (series.partial.includes(i) ? null : v));
  const partial = series.actual.map((v, i) => (series.partial.includes(i) ? v : null));
  const ticks = weekTicks(series.weeks, series.origin, ticksFor(input.width));
  return {
    type: 'line',
    data: {
      labels: series.weeks,
      datasets: [
        {
          label: 'p10',
          data: series.p10,
          borderWidth: 0,
          pointRadius: 0,
          pointHitRadius: 0,
          fill: false,
          spanGaps: false,
        },
        {
          label: 'p10–p90 band',
          data: series.p90,
          borderWidth: 0,
          pointRadius: 0,
          pointHitRadius: 0,
          backgroundColor: theme.band,
          borderColor: theme.band,
          fill: '-1',
          spanGaps: false,
        },
        {
          label: 'Forecast (p50)',
          data: series.p50,
          borderColor: theme.forecast,
          backgroundColor: theme.forecast,
          borderWidth: 2,
          borderDash: [6, 4],
          pointRadius: 0,
          pointHoverRadius: 4,
          tension: 0,
          spanGaps: false,
        },
        {
          label: 'Actual sales',
          data: actual,
          borderColor: theme.actual,
          backgroundColor: theme.actual,
          borderWidth: 2,
          pointRadius: 0,
          pointHoverRadius: 4,
          tension: 0,
          spanGaps: false,
        },
        {
          label: 'Part week so far',
          data: partial,
          borderColor: theme.actual,
          backgroundColor: theme.background ?? 'transparent',
          borderWidth: 2,
          showLine: false,
          pointRadius: 4,
          pointHoverRadius: 5,
          pointStyle: 'rectRot',
        },
        {
          label: 'Same weeks last year',
          data: series.lastYear,
          borderColor: theme.muted,
          backgroundColor: theme.muted,
          borderWidth: 1.5,
          borderDash: [2, 2],
          pointRadius: 0,
          pointHoverRadius: 3,
          tension: 0,
          spanGaps: false,
          hidden: true,
        },
      ],
    },
    options: {
      // Drawn at once: a PNG export never catches a frame mid-animation.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: (title ? 36 : 0) + (series.origin >= 0 ? LABEL_ROOM : 0) } },
      interaction: { mode: 'index', intersect: false },
      color: theme.text,
      scales: {
        x: {
          type: 'category',
          grid: { display: false },
          border: { color: theme.grid },
          ticks: {
            color: theme.muted,
            maxRotation: 0,
            // Our own labels (weekTicks): Chart.js's skipping would drop the year changes.
            autoSkip: false,
            callback(value) {
              return ticks.get(Number(value)) ?? '';
            },
          },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          grid: { color: theme.grid },
          border: { display: false },
          title: { display: true, text: unit, color: theme.muted },
          ticks: { color: theme.muted, callback: (v) => formatCompact(Number(v)) },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          labels: {
            color: theme.text,
            usePointStyle: true,
            pointStyleWidth: 22,
            boxHeight: 8,
            // Drawn as what they are on the chart: lines for the lines, a patch for the band.
            generateLabels: (chart) => legendItems(series, theme, (i) => chart.isDatasetVisible(i)),
          },
        },
        tooltip: {
          filter: (item: TooltipItem<'line'>) =>
            item.datasetIndex !== DATASET.p10 && item.raw !== null,
          callbacks: {
            title: (items) => {
              const i = items[0]?.dataIndex ?? -1;
              const week = series.weeks[i];
              if (!week) return '';
              return `${formatWeek(week)}${series.partial.includes(i) ? ' (part week so far)' : ''}`;
            },
            label: (item) => {
              const i = item.dataIndex;
              if (item.datasetIndex === DATASET.p90) {
                return `p10–p90: ${formatNumber(series.p10[i])} – ${formatNumber(series.p90[i])}`;
              }
              return `${item.dataset.label ?? ''}: ${formatNumber(item.raw as number)}`;
            },
          },
        },
      },
    },
    plugins: [originPlugin(series.origin, series.partial, theme, title)],
  };
}
