// The page's side of the forecast worker (after Squoosh's worker bridge): the
// worker starts on first use. Cancelling rejects the pending call at once and
// asks the worker to stop at its next chunk, so it keeps its loaded model; a
// worker too busy to answer within CANCEL_GRACE_MS is terminated. A call made
// while a cancel is still settling waits for it, then reaches the same worker
// (it stopped) or a fresh one (it was terminated). A worker that dies (script failed to load, out of
// memory) rejects the pending call with a message instead of hanging it.

import { proxy, wrap, type Remote } from 'comlink';
import type { WorkerApi } from '../worker/forecast.worker';
import type {
  HeaderPeek,
  PlanScore,
  PlanSourceInfo,
  Progress,
  ReforecastOptions,
  RunOptions,
  RunResult,
} from '../worker/protocol';
import type { Plan } from '../core/plan/plan';

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

/**
 * How long a cancelled worker may take to stop by itself before it is
 * terminated (and its model with it). It stops at its next chunk or backtest
 * pause, well within this on a busy machine; only a stage that cannot pause
 * (building a very large weekly table, say) runs past it.
 */
const CANCEL_GRACE_MS = 3000;

export class ForecastBridge {
  #live: Live | null = null;
  /** Rejecters of the calls in flight, so a cancel settles them at once. */
  #inFlight = new Set<(e: Error) => void>();
  /** Settles when a cancel has ended: the worker stopped its run, or was terminated. */
  #stopping: Promise<void> | null = null;

  /**
   * A call to the worker that settles when it answers, dies, or is cancelled.
   * It waits for a cancel still in progress to end first: the worker it would
   * reach may be terminated when the cancel's grace runs out, and that death
   * belongs to the cancelled call, not to this one.
   */
  #call<T>(ask: (api: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    let abort: (e: Error) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = reject;
    });
    this.#inFlight.add(abort);
    const answer = (async (): Promise<T> => {
      if (this.#stopping) await this.#stopping;
      const live = this.#start();
      return Promise.race([ask(live.api), live.death]);
    })();
    return Promise.race([answer, aborted]).finally(() => this.#inFlight.delete(abort));
  }

  run(file: Blob, opts: RunOptions, onProgress: (p: Progress) => void): Promise<RunResult> {
    return this.#call((api) => api.run(file, opts, proxy(onProgress)));
  }

  /** Forecasts the last file's weekly table again (kept in the worker) with new options. */
  reforecast(opts: ReforecastOptions, onProgress: (p: Progress) => void): Promise<RunResult> {
    return this.#call((api) => api.reforecast(opts, proxy(onProgress)));
  }

  peekHeaders(file: Blob, sheet?: string): Promise<HeaderPeek> {
    return this.#call((api) => api.peekHeaders(file, sheet));
  }

  /** What a plan of the last file needs (its table's hash, last-week sales, size). */
  planSource(): Promise<PlanSourceInfo> {
    return this.#call((api) => api.planSource());
  }

  /** `plan` scored on a newer file (read, never forecast). */
  scorePlan(file: Blob, plan: Plan): Promise<PlanScore> {
    // comlink types a union answer as a union of promises.
    return this.#call((api) => api.scorePlan(file, plan) as Promise<PlanScore>);
  }

  /**
   * Starts the worker and its model load ahead of a run, once per worker. A
   * failure here is not reported: the run that follows meets it and says so.
   */
  prepare(): void {
    // During a cancel the worker may be about to go: the next call starts the load instead.
    if (this.#stopping) return;
    const live = this.#start();
    if (live.prepared) return;
    live.prepared = true;
    live.api.prepare().catch(() => {
      live.prepared = false;
    });
  }

  /**
   * Stops whatever the worker is doing; its pending call rejects with CancelledError
   * now. The worker stops at its next chunk and keeps its model; one busy in a long
   * computation (it cannot read the message) is terminated after CANCEL_GRACE_MS.
   */
  cancel(): void {
    const live = this.#live;
    if (!live) return;
    for (const abort of this.#inFlight) abort(new CancelledError());
    this.#inFlight.clear();
    if (this.#stopping) return;
    let settle: () => void = () => undefined;
    this.#stopping = new Promise<void>((resolve) => {
      settle = () => {
        clearTimeout(timer);
        this.#stopping = null;
        resolve();
      };
    });
    const timer = setTimeout(() => {
      if (this.#live === live) this.#stop(new CancelledError());
      settle();
    }, CANCEL_GRACE_MS);
    // Stopped by itself (the model stays), or died: either way the next call may go.
    Promise.race([live.api.cancel(), live.death]).then(settle, settle);
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
