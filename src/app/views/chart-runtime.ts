// Chart.js for the result views: only the parts the line chart uses are
// registered (tree-shaken otherwise), and this module loads with the views,
// never with the first page. Also: the chart theme from the CSS tokens, the
// "current chart" the PNG export draws, and the PNG rendering itself.

import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { forecastChartConfig, type ChartInput, type ChartTheme } from '../chart-config';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Tooltip,
  Legend,
);

export { Chart };

/** The chart colours of the current theme (light or dark), from styles.css. */
export function themeFromCss(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  return {
    text: v('--chart-text'),
    muted: v('--chart-muted'),
    grid: v('--chart-grid'),
    actual: v('--chart-actual'),
    forecast: v('--chart-forecast'),
    band: v('--chart-band'),
    origin: v('--chart-origin'),
  };
}

interface Shown {
  input: () => Omit<ChartInput, 'theme'>;
  /** What the chart shows, drawn as the PNG's title. */
  label: () => string;
  /** File name stem for the PNG. */
  name: () => string;
}
const shown: Shown[] = [];

/** A chart on screen registers what it draws; the PNG export takes the latest still shown. */
export function showChart(entry: Shown): () => void {
  shown.push(entry);
  return () => {
    const i = shown.indexOf(entry);
    if (i >= 0) shown.splice(i, 1);
  };
}

export function currentChartName(): string | null {
  return shown[shown.length - 1]?.name() ?? null;
}

/**
 * The current chart as a PNG at twice its pixel density, drawn afresh on a
 * canvas of its own with the page's theme and background and no animation,
 * so the file never holds a frame mid-animation.
 */
export async function currentChartPng(width = 960, height = 480): Promise<Blob | null> {
  const entry = shown[shown.length - 1];
  if (!entry) return null;
  const css = getComputedStyle(document.documentElement);
  const theme = {
    ...themeFromCss(),
    background: css.getPropertyValue('--surface').trim() || '#fff',
  };
  const config = forecastChartConfig({
    ...entry.input(),
    theme,
    title: entry.label(),
  }) as ChartConfiguration;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const chart = new Chart(canvas, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 2 },
  });
  chart.update('none');
  try {
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  } finally {
    chart.destroy();
  }
}
