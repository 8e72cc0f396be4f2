// The page's state module (src/app/state.svelte.ts) with a fake worker bridge:
// values change only through its functions, a new horizon re-forecasts
// without reading the file again, late answers from cancelled runs are dropped,
// a cancel goes back to the start with a notice (never an error).

import { beforeEach, describe, expect, it } from 'vitest';
import {
  app,
  cancel,
  chooseFile,
  confirmMapping,
  filterFlag,
  forgetSavedMapping,
  readableMessage,
  selectSku,
  setHorizon,
  setSearch,
  shown,
  sortBy,
  startOver,
  configure,
  type Bridge,
} from '../../src/app/state.svelte';
import { CancelledError } from '../../src/app/cancelled';
import { MAX_HORIZON, type ForecastResult } from '../../src/core/forecast';
import type {
  HeaderPeek,
  PlanScore,
  PlanSourceInfo,
  Progress,
  RunOptions,
  RunResult,
} from '../../src/worker/protocol';

function fakeResult(horizon: number): RunResult {
  const forecast = {
    skus: [
      {
        sku: 'A',
        category: 'x',
        seed_id: -1,
        model: 'ets',
        historyWeeks: 10,
        weeks: [{ week_start: '2024-01-01', horizon_week: 1, p10: 1, p50: 2, p90: 3 }],
      },
    ],
    categories: [],
    metadata: { horizon } as ForecastResult['metadata'],
  } as ForecastResult;
  return {
    summary: {
      skus: 1,
      weeks: 10,
      firstWeek: '2023-10-23',
      lastWeek: '2023-12-25',
      partialWeeks: 0,
    },
    report: {} as RunResult['report'],
    forecast,
    provider: 'wasm',
    timings: { read_parse_ms: 1, table_ms: 1, model_load_ms: 0, inference_ms: 1, total_ms: 3 },
  };
}

class FakeBridge implements Bridge {
  runs: RunOptions[] = [];
  reforecasts: number[] = [];
  peek: HeaderPeek = { headers: ['Date', 'Amount'], detected: {}, unmatched: [], reference: true };
  hold: Promise<void> | null = null;
  /** Reported before the run waits on `hold`: where a run is when it is cancelled. */
  stage: Progress['stage'] | null = null;
  /** What the run rejects with, instead of answering. */
  failWith: Error | null = null;
  async run(_file: Blob, opts: RunOptions, onProgress: (p: Progress) => void): Promise<RunResult> {
    this.runs.push(opts);
    if (this.stage) onProgress({ stage: this.stage, bytesRead: 1, totalBytes: 1 });
    if (this.hold) await this.hold;
    if (this.failWith) throw this.failWith;
    return fakeResult(opts.horizon ?? 4);
  }
  async reforecast(opts: { horizon: number }): Promise<RunResult> {
    this.reforecasts.push(opts.horizon);
    return fakeResult(opts.horizon);
  }
  async peekHeaders(): Promise<HeaderPeek> {
    return this.peek;
  }
  prepare(): void {}
  cancel(): void {}
  // Planning is tested against the real worker in tests/browser/plan.test.ts.
  planSource(): Promise<PlanSourceInfo> {
    return Promise.reject(new Error('not used here'));
  }
  scorePlan(): Promise<PlanScore> {
    return Promise.reject(new Error('not used here'));
  }
}

const file = new Blob(['Date,Amount\n2024-01-01,3\n']);
let bridge: FakeBridge;

beforeEach(() => {
  bridge = new FakeBridge();
  configure({ bridge, loadSample: () => Promise.reject(new Error('no sample')) });
});

describe('app state', () => {
  it('exposes read-only values', () => {
    expect(app.status).toBe('idle');
    expect(() => {
      (app as { status: string }).status = 'done';
    }).toThrow();
    expect(app.status).toBe('idle');
    expect(() => {
      (shown as { result: unknown }).result = null;
    }).toThrow();
  });

  it('runs a reference file straight away', async () => {
    await chooseFile(file, 'a.csv');
    expect(app.status).toBe('done');
    expect(app.fileName).toBe('a.csv');
    expect(shown.result?.forecast?.skus).toHaveLength(1);
    expect(bridge.runs).toHaveLength(1);
  });

  it('asks for the columns of another schema, then runs with them', async () => {
    bridge.peek = { ...bridge.peek, reference: false };
    await chooseFile(file, 'b.csv');
    expect(app.status).toBe('mapping');
    await confirmMapping({ date: 'Date', amount: 'Amount' });
    expect(app.status).toBe('done');
    expect(bridge.runs[0]?.mapping).toEqual({ date: 'Date', amount: 'Amount' });
  });

  it('remembers a confirmed mapping per header layout, and forgets it on request', async () => {
    const saved = new Map<string, string>();
    const store = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
      removeItem: (k: string) => void saved.delete(k),
    };
    configure({ bridge, loadSample: () => Promise.reject(new Error('no sample')), store });
    bridge.peek = { ...bridge.peek, headers: ['When', 'Takings'], reference: false };
    await chooseFile(file, 'b.csv');
    expect(app.savedMapping).toBeNull();
    await confirmMapping({ date: 'When', amount: 'Takings' });
    await chooseFile(file, 'b-next-week.csv');
    expect(app.status).toBe('mapping');
    expect(app.savedMapping).toEqual({ date: 'When', amount: 'Takings' });
    // Another layout has nothing remembered.
    bridge.peek = { ...bridge.peek, headers: ['When', 'Takings', 'Shop'] };
    await chooseFile(file, 'c.csv');
    expect(app.savedMapping).toBeNull();
    bridge.peek = { ...bridge.peek, headers: [' when', 'TAKINGS'] };
    await chooseFile(file, 'b-renamed-case.csv');
    // Same layout, but the remembered headers are not this file's exact names: nothing maps.
    expect(app.savedMapping).toBeNull();
    bridge.peek = { ...bridge.peek, headers: ['When', 'Takings'] };
    await chooseFile(file, 'b-again.csv');
    forgetSavedMapping();
    expect(app.savedMapping).toBeNull();
    expect(saved.size).toBe(0);
  });

  it('forecasts a new horizon from the kept table, without reading the file again', async () => {
    await chooseFile(file, 'a.csv');
    const runs = app.runs;
    const reads = app.fileReads;
    await setHorizon(8);
    expect(bridge.reforecasts).toEqual([8]);
    expect(bridge.runs).toHaveLength(1);
    expect(app.fileReads).toBe(reads);
    expect(app.runs).toBe(runs + 1);
    expect(shown.result?.forecast?.metadata.horizon).toBe(8);
    expect(app.updating).toBe(false);
    await setHorizon(0);
    await setHorizon(MAX_HORIZON + 1);
    expect(bridge.reforecasts).toEqual([8]);
  });

  it('drops the answer of a cancelled run, and is back at the start with a notice', async () => {
    let release: () => void = () => undefined;
    bridge.hold = new Promise((r) => (release = r));
    const pending = chooseFile(file, 'slow.csv');
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    cancel();
    release();
    await pending;
    // Back at the start with a word on what stopped, not an error.
    expect(app).toMatchObject({ status: 'idle', error: null, fileName: null, progress: null });
    expect(app.notice).toBe(
      'Reading of slow.csv cancelled. Choose a file or try the sample to start again.',
    );
    expect(shown.result).toBeNull();
    // The next file starts clean and forecasts.
    bridge.hold = null;
    await chooseFile(file, 'a.csv');
    expect(app.notice).toBeNull();
    expect(app.status).toBe('done');
  });

  it('says "forecast" once the file is read, and goes back to the start when the bridge cancels on its own', async () => {
    let release: () => void = () => undefined;
    bridge.hold = new Promise((r) => (release = r));
    bridge.stage = 'forecast';
    const pending = chooseFile(file, 'slow.csv');
    await new Promise((r) => setTimeout(r, 0));
    cancel();
    release();
    await pending;
    expect(app.notice).toMatch(/^Forecast of slow\.csv cancelled\./);

    // A CancelledError the page did not ask for (the worker ended): the start, never a page left running.
    bridge.hold = null;
    bridge.failWith = new CancelledError();
    await chooseFile(file, 'b.csv');
    expect(app).toMatchObject({ status: 'idle', error: null });
    expect(app.notice).toMatch(/^Forecast of b\.csv cancelled\./);
  });

  it('keeps the table query and the selection', async () => {
    await chooseFile(file, 'a.csv');
    setSearch('ab');
    sortBy('total');
    expect(app.query).toMatchObject({ search: 'ab', sort: 'total', descending: false });
    sortBy('sku');
    expect(app.query).toMatchObject({ sort: 'sku', descending: false });
    filterFlag('intermittent');
    expect(app.query.flag).toBe('intermittent');
    selectSku(0);
    expect(app.selectedSku).toBe(0);
    expect(app.view).toBe('skus');
    selectSku(5);
    expect(app.selectedSku).toBeNull();
  });

  it('offers every horizon up to MAX_HORIZON (52 weeks)', async () => {
    await chooseFile(file, 'a.csv');
    await setHorizon(MAX_HORIZON);
    expect(bridge.reforecasts).toEqual([52]);
    expect(app.horizon).toBe(52);
  });

  it('starts over from a clean page, counting runs on', async () => {
    await chooseFile(file, 'a.csv');
    setSearch('ab');
    selectSku(0);
    const runs = app.runs;
    startOver();
    expect(app).toMatchObject({
      status: 'idle',
      fileName: null,
      error: null,
      horizon: 4,
      view: 'overview',
      selectedSku: null,
      query: { search: '' },
      runs,
    });
    expect(shown.result).toBeNull();
  });

  it('shows one line of an error, never a stack', () => {
    expect(readableMessage(new Error('bad file\n    at x.js:1:2'))).toBe('bad file');
    expect(readableMessage(42)).toBe('Something went wrong while forecasting this file.');
  });
});
