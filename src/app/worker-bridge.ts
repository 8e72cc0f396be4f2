// The page's side of the forecast worker (after Squoosh's worker bridge): the
// worker starts on first use; cancelling terminates it, and the next call
// starts a fresh one. A worker that dies (script failed to load, out of
// memory) rejects the pending call with a message instead of hanging it.

import { proxy, wrap, type Remote } from 'comlink';
import type { WorkerApi } from '../worker/forecast.worker';
import type { RunResult } from '../worker/protocol';
import type { HeaderPeek, Progress, ReforecastOptions, RunOptions } from '../worker/protocol';

import { CancelledError } from './cancelled';

export { CancelledError };

interface Live {
  worker: Worker;
  /** The model load was already asked for. */
  prepared: boolean;
  api: Remote<WorkerApi>;
  /** Settles (rejected) when the worker dies or is terminated. */
  death: Promise<never>;
  kill: (reason: Error) => void;
}

export class ForecastBridge {
  #live: Live | null = null;

  run(file: Blob, opts: RunOptions, onProgress: (p: Progress) => void): Promise<RunResult> {
    const live = this.#start();
    return Promise.race([live.api.run(file, opts, proxy(onProgress)), live.death]);
  }

  /** Forecasts the last file's weekly table again (kept in the worker) with new options. */
  reforecast(opts: ReforecastOptions, onProgress: (p: Progress) => void): Promise<RunResult> {
    const live = this.#start();
    return Promise.race([live.api.reforecast(opts, proxy(onProgress)), live.death]);
  }

  peekHeaders(file: Blob): Promise<HeaderPeek> {
    const live = this.#start();
    return Promise.race([live.api.peekHeaders(file), live.death]);
  }

  /**
   * Starts the worker and its model load ahead of a run, once per worker. A
   * failure here is not reported: the run that follows meets it and says so.
   */
  prepare(): void {
    const live = this.#start();
    if (live.prepared) return;
    live.prepared = true;
    live.api.prepare().catch(() => {
      live.prepared = false;
    });
  }

  /** Stops whatever the worker is doing; its pending call rejects with CancelledError. */
  cancel(): void {
    this.#stop(new CancelledError());
  }

  dispose(): void {
    this.#stop(new CancelledError());
  }

  #start(): Live {
    if (this.#live) return this.#live;
    const worker = new Worker(new URL('../worker/forecast.worker.ts', import.meta.url), {
      type: 'module',
      name: 'skucast-forecast',
    });
    let kill: (reason: Error) => void = () => undefined;
    const death = new Promise<never>((_, reject) => {
      kill = reject;
    });
    // Nobody may be waiting on `death` when the worker goes.
    death.catch(() => undefined);
    const live: Live = { worker, prepared: false, api: wrap<WorkerApi>(worker), death, kill };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#stop(
        new Error(`the forecast worker stopped: ${event.message || 'it could not start'}`),
      );
    });
    worker.addEventListener('messageerror', () => {
      this.#stop(new Error('the forecast worker sent a message the page could not read'));
    });
    this.#live = live;
    return live;
  }

  #stop(reason: Error): void {
    const live = this.#live;
    if (!live) return;
    this.#live = null;
    live.worker.terminate();
    live.kill(reason);
  }
}
