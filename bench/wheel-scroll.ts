// A planner scrolls the sku table with a wheel, a touchpad or a finger: the
// scroll goes through Chromium's input pipeline, not a script setting
// scrollTop each frame. This sends such a scroll (CDP's
// Input.synthesizeScrollGesture: wheel events at a set speed, no fling) and
// reads, from Chromium's own trace, what the browser counts for it: each
// frame of the scroll is a `ScrollJankV4` event whose `is_janky` says a
// scroll update missed its frame (Chromium's scroll-jank metric, the one its
// field data reports), and each frame the pipeline made is a
// `PipelineReporter` whose state says whether it was presented, dropped or
// presented in part.

import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  args?: {
    scroll_jank_v4?: {
      is_janky?: boolean;
      vsyncs_since_previous_frame?: number;
      updates?: { real?: { abs_total_raw_delta_pixels?: number } };
    };
    frame_reporter?: {
      state?: string;
      has_missing_content?: boolean;
      reason?: string;
      scroll_state?: string;
      affects_smoothness?: boolean;
    };
  };
}

export interface WheelScroll {
  /** Frames of the scroll (one ScrollJankV4 each). */
  frames: number;
  /** Of them, marked janky by Chromium (an input missed its frame). */
  janky: number;
  /** Most vsyncs between two frames of the scroll (1: none missed). */
  maxVsyncs: number;
  /** Frames the pipeline dropped while something moved (Chromium's dropped-frame metric). */
  dropped: number;
  /** Frames dropped while nothing moved: nothing on screen changed. */
  droppedIdle: number;
  /** Why, as Chromium says (main thread, compositor, display compositor), for each frame in `dropped`. */
  dropReasons: string[];
  /** Frames presented with the compositor's update but not the main thread's (its work came late). */
  partial: number;
  /** Frames presented with part of the content not yet drawn (checkerboard). */
  missingContent: number;
  /** Pixels scrolled, and the median per frame. */
  pixels: number;
  medianPixels: number;
}

const CATEGORIES = 'benchmark,cc,input,input.scrolling';

/** Scrolls `distance` px down over the element at `selector` at `speed` px/s, as a wheel does. */
export async function measureWheelScroll(
  page: Page,
  selector: string,
  distance: number,
  speed: number,
): Promise<WheelScroll> {
  const box = page.locator(selector);
  await box.scrollIntoViewIfNeeded();
  const rect = await box.boundingBox();
  const view = page.viewportSize();
  if (!rect || !view) throw new Error(`${selector} is not on screen`);
  // The middle of the part of the element inside the window: the gesture's
  // point must be on screen.
  const top = Math.max(rect.y, 0);
  const bottom = Math.min(rect.y + rect.height, view.height);
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await cdp.send('Input.synthesizeScrollGesture', {
    x: Math.round(rect.x + rect.width / 2),
    y: Math.round((top + bottom) / 2),
    yDistance: -distance,
    speed,
    gestureSourceType: 'mouse',
    preventFling: true,
  });
  await page.waitForTimeout(200);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const frames = events
    .filter((e) => e.name === 'ScrollJankV4' && e.ph === 'b')
    .map((e) => e.args?.scroll_jank_v4 ?? {});
  const deltas = frames
    .map((f) => f.updates?.real?.abs_total_raw_delta_pixels ?? 0)
    .sort((a, b) => a - b);
  const reports = events
    .filter((e) => e.name === 'PipelineReporter' && e.ph === 'b')
    .map((e) => e.args?.frame_reporter ?? {});
  const dropped = reports.filter((r) => r.state === 'STATE_DROPPED');
  return {
    frames: frames.length,
    janky: frames.filter((f) => f.is_janky === true).length,
    maxVsyncs: Math.max(1, ...frames.map((f) => f.vsyncs_since_previous_frame ?? 1)),
    // Chromium's dropped-frame metric counts a dropped frame only when it
    // affects smoothness (something was moving: a scroll, an animation); a
    // dropped frame with nothing moving (seen: a forked frame, scroll_state
    // none) changes nothing on screen, so it is counted apart.
    dropped: dropped.filter((r) => r.affects_smoothness !== false).length,
    droppedIdle: dropped.filter((r) => r.affects_smoothness === false).length,
    dropReasons: dropped
      .filter((r) => r.affects_smoothness !== false)
      .map((r) => `${r.reason ?? 'no reason given'} (${r.scroll_state ?? 'scroll state unknown'})`),
    partial: reports.filter((r) => r.state === 'STATE_PRESENTED_PARTIAL').length,
    missingContent: reports.filter((r) => r.has_missing_content === true).length,
    pixels: deltas.reduce((s, d) => s + d, 0),
    medianPixels: deltas[Math.floor(deltas.length / 2)] ?? 0,
  };
}
