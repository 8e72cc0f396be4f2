// Chromium's own trace around a bench step (`SKUCAST_BENCH_TRACE=DIR`), to
// tell where long frames go: the page's main-thread tasks over 16.7 ms with
// what they spent it on (script, style, layout, paint, GC), and how much of
// their length the thread was on a core. A long task with little CPU time is
// the machine busy with other work, not the page; a frame that is late with
// no long task on the page's main thread was lost elsewhere (the compositor,
// the GPU process).

import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread CPU time: below `dur` when the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink.user_timing',
].join(',');

/** The trace of `step` saved as `file` (open it in chrome://tracing or Perfetto), and its long tasks. */
export async function traced<T>(page: Page, file: string, step: () => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  const out = await step();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  console.log(`  trace: ${file}`);
  for (const line of longTasks(events)) console.log(`    ${line}`);
  return out;
}

/** One line per main-thread task over a frame (16.7 ms): its length and its largest parts. */
function longTasks(events: TraceEvent[]): string[] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['no renderer main thread in the trace'];
  const own = events.filter(
    (e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined,
  );
  const lines: string[] = [];
  for (const task of own) {
    if (task.name !== 'RunTask' || (task.dur as number) < 16_700) continue;
    const end = task.ts + (task.dur as number);
    const parts = new Map<string, number>();
    for (const e of own)
      if (e !== task && e.ts >= task.ts && e.ts < end && e.name !== 'RunTask')
        parts.set(e.name, (parts.get(e.name) ?? 0) + (e.dur as number));
    const top = [...parts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, us]) => `${name} ${(us / 1000).toFixed(1)}`);
    const cpu = `${((task.tdur ?? 0) / 1000).toFixed(1)} ms CPU`;
    lines.push(`task ${((task.dur as number) / 1000).toFixed(1)} ms (${cpu}): ${top.join(', ')}`);
  }
  const tasks = own.filter((e) => e.name === 'RunTask');
  const cpuMs = tasks.map((e) => (e.tdur ?? 0) / 1000);
  lines.push(
    `longest task on a core ${Math.max(0, ...cpuMs).toFixed(1)} ms CPU; tasks over 16.7 ms of CPU: ${cpuMs.filter((ms) => ms > 16.7).length} of ${tasks.length}`,
  );
  const gc = own.filter((e) => /GC|Scavenge|MarkCompact/i.test(e.name));
  const gcMs = gc.reduce((s, e) => s + (e.dur as number), 0) / 1000;
  lines.push(
    `${lines.length} main-thread tasks over 16.7 ms; GC events on it: ${gc.length}, ${gcMs.toFixed(1)} ms (nested ones counted once each)`,
  );
  return lines;
}
