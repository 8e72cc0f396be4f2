// The forecast threads of `skucast serve` and the queue in front of them.
// Each thread is the CLI bundle itself started as `skucast serve
// --serve-worker` (as model-host.ts and shard-host.ts start theirs): it loads
// the TCN once and answers one request at a time (worker.ts). A request holds
// a thread from the moment it is accepted until its answer is written, so its
// upload streams straight into the thread's Ingestor; requests beyond the
// threads wait in a bounded queue without being read (TCP holds their bodies
// back), and beyond the queue `acquire` says no and the server answers 503.
import { Worker } from 'node:worker_threads';
import type { IngestOptions } from '../../core/ingest';
import {
  SERVE_WORKER_FLAG,
  SERVE_WORKER_ROLE,
  type FromWorker,
  type JobError,
  type RunRequest,
  type ServeWorkerData,
  type ToWorker,
} from './protocol';

/** Upload bytes sent to a thread and not yet ingested, above which the upload is paused. */
const UPLOAD_WINDOW_BYTES = 1024 * 1024;

/**
 * The old-generation heap of one forecast thread. A file that needs more ends
 * that thread (its request gets a 500 and the thread is started again)
 * instead of the whole server: the CLI's largest tables need about 1 GB.
 */
export const THREAD_HEAP_MB = 2048;

export interface PoolOptions {
  /** Forecast threads. */
  size: number;
  /** Requests that may wait for a thread; more are refused. */
  queue: number;
  /** The CLI bundle the threads run (bin/skucast.mjs). */
  bundle: string;
  descriptorPath: string;
}

export interface PoolStatus {
  workers: number;
  /** Threads holding a request (or starting again after one was ended). */
  busy: number;
  queued: number;
}

/** The first chunk of an answer, or why there is none. */
export type Reply =
  { ok: true; contentType: string; text: string } | { ok: false; error: JobError };

const threadFailed = (why: string): JobError => ({
  status: 500,
  code: 'worker-failed',
  message: `the forecast thread stopped (${why}); the request was not answered, the server goes on`,
});

/** A request's hold on one thread: begin, push the file, run, read the answer, release. */
export class Lease {
  private phase: 'new' | 'upload' | 'running' | 'streaming' | 'done' = 'new';
  private released = false;
  private inFlight = 0;
  private settle: ((m: Reply | string | null | JobError) => void) | undefined;
  /** Called when the thread has taken in enough of the upload to send more. */
  onDrain: (() => void) | undefined;

  constructor(
    readonly id: number,
    private readonly slot: Slot,
  ) {}

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.slot.worker.postMessage(m, transfer);
  }

  begin(ingest: IngestOptions): void {
    this.phase = 'upload';
    this.post({ type: 'begin', id: this.id, ingest });
  }

  /** Sends a chunk of the file; false when the thread is behind and the caller should wait for onDrain. */
  push(chunk: Uint8Array): boolean {
    // A copy of its own to hand over: the parser's chunks are views into
    // buffers it is still reading (and Buffer#slice would not copy), and
    // transferring those would empty them under its feet.
    const bytes = new Uint8Array(chunk.byteLength);
    bytes.set(chunk);
    this.inFlight += bytes.byteLength;
    this.post({ type: 'chunk', id: this.id, bytes }, [bytes.buffer as ArrayBuffer]);
    return this.inFlight < UPLOAD_WINDOW_BYTES;
  }

  /** Runs the job on the uploaded file: its answer's first chunk, or the refusal. */
  run(run: RunRequest): Promise<Reply> {
    this.phase = 'running';
    this.post({ type: 'run', id: this.id, run });
    return new Promise<Reply>((resolve) => {
      this.settle = (m) => resolve(m as Reply);
    });
  }

  /** The answer's next chunk, null after the last, or a refusal met while rendering. */
  more(): Promise<string | null | JobError> {
    this.post({ type: 'more', id: this.id });
    return new Promise((resolve) => {
      this.settle = (m) => resolve(m as string | null | JobError);
    });
  }

  /** The thread's message for this job. */
  onMessage(m: FromWorker): void {
    if (!('id' in m) || m.id !== this.id) return;
    if (m.type === 'ack') {
      const wasFull = this.inFlight >= UPLOAD_WINDOW_BYTES;
      this.inFlight -= m.bytes;
      if (wasFull && this.inFlight < UPLOAD_WINDOW_BYTES) this.onDrain?.();
      return;
    }
    const settle = this.settle;
    this.settle = undefined;
    if (m.type === 'head') {
      this.phase = 'streaming';
      if (this.released) return this.finish(true);
      settle?.({ ok: true, contentType: m.contentType, text: m.text });
    } else if (m.type === 'out') {
      if (m.text === null) this.phase = 'done';
      settle?.(m.text);
    } else if (m.type === 'error') {
      const wasRunning = this.phase === 'running';
      this.phase = 'done';
      if (this.released) return this.finish(false);
      const error = { status: m.status, code: m.code, message: m.message };
      settle?.(wasRunning ? { ok: false, error } : error);
    }
  }

  /** The thread stopped under this job. */
  onThreadLost(why: string): void {
    const settle = this.settle;
    this.settle = undefined;
    const error = threadFailed(why);
    settle?.(this.phase === 'running' ? { ok: false, error } : error);
    this.phase = 'done';
  }

  /**
   * The request is over (answered, refused, or its client gone): the thread
   * forgets the job and goes back to the pool, at once unless the job is
   * running, which no message can stop; then when it is done.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.phase === 'running') return;
    this.finish(this.phase === 'upload' || this.phase === 'streaming');
  }

  /** The job runs past its time: end the thread (a new one takes its place). */
  kill(): void {
    if (this.phase === 'done' && this.released) return;
    this.released = true;
    this.onThreadLost('ended: the request ran past its time');
    this.slot.restart();
  }

  /**
   * The thread is busy with this job: forecasting (which no message can
   * interrupt) or behind on the upload (chunks sent and not yet ingested).
   */
  get working(): boolean {
    return this.phase === 'running' || (this.phase === 'upload' && this.inFlight > 0);
  }

  private finish(abort: boolean): void {
    if (abort) this.post({ type: 'abort', id: this.id });
    this.phase = 'done';
    this.slot.free(this);
  }
}

/** One forecast thread and the lease it serves. */
class Slot {
  worker!: Worker;
  lease: Lease | undefined;
  /** Starting (or starting again): not free until the model is loaded. */
  starting = true;

  constructor(private readonly pool: ServePool) {}

  /** Starts the thread; resolves once its model is loaded, rejects with why it could not be. */
  start(): Promise<void> {
    this.starting = true;
    const worker = this.pool.spawn();
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.starting = false;
          resolve();
          this.pool.handOut(this);
        } else if (m.type === 'failed') {
          reject(new Error(m.message));
          void worker.terminate();
        } else this.lease?.onMessage(m);
      });
      worker.on('error', (e) => {
        // Out of memory (THREAD_HEAP_MB) or a bug: the thread ends; 'exit' follows.
        this.lostWhy =
          (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `out of memory: the file needs more than ${THREAD_HEAP_MB} MB`
            : 'internal error';
      });
      worker.on('exit', () => {
        if (this.worker !== worker) return;
        reject(new Error('the forecast thread stopped while loading the model'));
        const lease = this.lease;
        this.lease = undefined;
        lease?.onThreadLost(this.lostWhy ?? 'it exited');
        this.lostWhy = undefined;
        // Started again, unless the server is closing or it never got going.
        if (!this.pool.closing && !this.starting) this.restart();
      });
    });
  }

  private lostWhy: string | undefined;

  restart(): void {
    const old = this.worker;
    this.lease = undefined;
    this.starting = true;
    // A thread that died while idle must not be handed out before its successor is ready.
    this.pool.forget(this);
    // The new thread is this slot's before the old one's 'exit' arrives, which is then ignored.
    this.start().catch(() => undefined);
    void old.terminate();
  }

  free(lease: Lease): void {
    if (this.lease !== lease) return;
    this.lease = undefined;
    this.pool.handOut(this);
  }
}

interface Waiter {
  resolve: (lease: Lease) => void;
}

/** A request's place: its lease (at once, or after the queue), and a way to give it up. */
export interface Ticket {
  lease: Promise<Lease>;
  /** The request is over before or after it got a thread. */
  cancel(): void;
}

export class ServePool {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly waiting: Waiter[] = [];
  private nextId = 1;
  closing = false;

  private constructor(private readonly opts: PoolOptions) {}

  /** Starts every thread; rejects (and ends them) when the model cannot be loaded. */
  static async start(opts: PoolOptions): Promise<ServePool> {
    const pool = new ServePool(opts);
    for (let i = 0; i < opts.size; i++) pool.slots.push(new Slot(pool));
    try {
      await Promise.all(pool.slots.map((s) => s.start()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** @internal A new forecast thread. */
  spawn(): Worker {
    const data: ServeWorkerData = {
      role: SERVE_WORKER_ROLE,
      descriptorPath: this.opts.descriptorPath,
    };
    return new Worker(this.opts.bundle, {
      argv: ['serve', SERVE_WORKER_FLAG],
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
  }

  /** @internal A thread is free: to the first waiting request, else idle. */
  handOut(slot: Slot): void {
    if (slot.starting || slot.lease) return;
    const waiter = this.waiting.shift();
    if (!waiter) {
      if (!this.idle.includes(slot)) this.idle.push(slot);
      return;
    }
    slot.lease = new Lease(this.nextId++, slot);
    waiter.resolve(slot.lease);
  }

  /** @internal A thread is starting again: not idle until it says it is ready. */
  forget(slot: Slot): void {
    const at = this.idle.indexOf(slot);
    if (at !== -1) this.idle.splice(at, 1);
  }

  /** A thread for a request, now or after the queue; null when the queue is full. */
  acquire(): Ticket | null {
    const slot = this.idle.shift();
    if (slot) {
      const lease = new Lease(this.nextId++, slot);
      slot.lease = lease;
      return { lease: Promise.resolve(lease), cancel: () => lease.release() };
    }
    if (this.waiting.length >= this.opts.queue) return null;
    let got: Lease | undefined;
    let cancelled = false;
    const waiter: Waiter = { resolve: () => undefined };
    const lease = new Promise<Lease>((resolve) => {
      waiter.resolve = (l) => {
        got = l;
        // Given up while it waited: straight back.
        if (cancelled) l.release();
        else resolve(l);
      };
    });
    this.waiting.push(waiter);
    return {
      lease,
      cancel: () => {
        cancelled = true;
        const at = this.waiting.indexOf(waiter);
        if (at !== -1) this.waiting.splice(at, 1);
        got?.release();
      },
    };
  }

  status(): PoolStatus {
    const busy = this.slots.filter((s) => s.starting || s.lease !== undefined).length;
    return { workers: this.slots.length, busy, queued: this.waiting.length };
  }

  /** Ends every thread (the server has answered its requests). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }
}
