// Messages between `skucast serve`'s HTTP thread and its forecast threads.
// One job at a time per thread, always in this order:
//   begin -> chunk* -> run -> (head -> (more -> out)* | error)
// or `abort` instead of `run` / `more` (the thread forgets the job). The HTTP
// thread never aborts a job that is running: it waits for its head or error.
import type { IngestOptions } from '../../core/ingest';

export const SERVE_WORKER_FLAG = '--serve-worker';
export const SERVE_WORKER_ROLE = 'skucast-serve-worker';

export interface ServeWorkerData {
  role: typeof SERVE_WORKER_ROLE;
  /** The TCN descriptor each thread loads once (`--model-file`). */
  descriptorPath: string;
}

/** What a request asks for once its file is in. */
export type RunRequest =
  /** POST /predict: the seed API's JSON for these product ids (auto, 4 weeks, as the CLI's default). */
  | { kind: 'seed-json'; products: number[] }
  /** POST /forecast: the CLI's CSV or JSON export. */
  | { kind: 'csv' | 'json'; model: string; horizon: number };

export type ToWorker =
  | { type: 'begin'; id: number; ingest: IngestOptions }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'run'; id: number; run: RunRequest }
  | { type: 'more'; id: number }
  | { type: 'abort'; id: number };

/** A refusal the HTTP thread sends on as `{"error": {"code", "message"}}`. */
export interface JobError {
  status: number;
  code: string;
  message: string;
}

export type FromWorker =
  | { type: 'ready' }
  /** The model could not be loaded: the server does not start. */
  | { type: 'failed'; message: string }
  /** Bytes of the job's file taken in: the HTTP thread sends more (flow control). */
  | { type: 'ack'; id: number; bytes: number }
  /** The answer's content type and first chunk (so a refusal found while rendering is still an error). */
  | { type: 'head'; id: number; contentType: string; text: string }
  /** The next chunk of the answer; null after the last. */
  | { type: 'out'; id: number; text: string | null }
  | ({ type: 'error'; id: number } & JobError);
