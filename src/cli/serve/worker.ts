// A forecast thread of `skucast serve`: loads the TCN once, then answers jobs
// one at a time (protocol.ts). The upload is pushed into the Ingestor chunk by
// chunk as it arrives, so a file is never held whole (workbooks aside, which
// the Ingestor collects, as it does for the CLI), and never written to disk.
// After ingestion the job runs the CLI's own pipeline (forecastTable, render).
import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import { resolveHorizon } from '../../core/forecast-library';
import { Ingestor } from '../../core/ingest';
import type { WeeklyTable } from '../../core/types';
import { UsageError } from '../command';
import { forecastTable, render, tcnHorizonProblem } from '../forecast-command';
import { isNetwork, startTcn, type TcnHandle } from '../model-choice';
import { reportLines } from '../weekly-command';
import { decisionsOf } from '../../core/decisions';
import { generateCsv } from '../gen';
import { jobError } from './form';
import { errorText } from '../../core/error-text';
import {
  SERVE_WORKER_ROLE,
  type FromWorker,
  type JobError,
  type RunRequest,
  type ServeWorkerData,
  type ToWorker,
} from './protocol';

/** True in a thread started by the serve pool. */
export function isServeWorkerThread(): boolean {
  return (
    !isMainThread && (workerData as Partial<ServeWorkerData> | null)?.role === SERVE_WORKER_ROLE
  );
}

const CONTENT_TYPES: Record<RunRequest['kind'], string> = {
  'seed-json': 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Why a table cannot be forecast (the CLI prints the report and exits 2): its first error. */
export function unusableTable(table: WeeklyTable): JobError {
  const first = table.report.issues.find((i) => i.severity === 'error');
  // No file error but no usable row either: the CLI's summary line says why.
  return first
    ? { status: 422, code: first.code, message: first.message }
    : { status: 422, code: 'no-series', message: reportLines(table).at(-1) ?? 'no sales rows' };
}

/**
 * One forecast of a small generated file before the thread says it is ready:
 * the first request would otherwise also pay for compiling the models' code
 * and the model's WASM kernels (about 14 s instead of 1 s on the seed sample
 * with the 2-core machine under load).
 */
async function warmUp(tcn: TcnHandle): Promise<void> {
  const ingestor = new Ingestor();
  for (const block of generateCsv({ rows: 2000, seed: 1 })) ingestor.push(block);
  await forecastTable(ingestor.finish(), { model: 'auto', horizon: 4, tcn }).catch(() => undefined);
}

interface Job {
  id: number;
  ingestor: Ingestor;
  t0: number;
}

/** Worker side: load the model, then answer jobs until the pool ends the thread. */
export async function serveWorkerThread(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const post = (m: FromWorker): void => port.postMessage(m);
  const { descriptorPath } = workerData as ServeWorkerData;
  let tcn: TcnHandle;
  try {
    tcn = await startTcn(descriptorPath, true);
    await tcn.host.ready;
  } catch (e) {
    post({ type: 'failed', message: errorText(e) });
    return;
  }
  await warmUp(tcn);
  post({ type: 'ready' });

  let job: Job | undefined;
  let output: { id: number; chunks: Iterator<string> } | undefined;

  const nextChunk = (chunks: Iterator<string>): string | null => {
    for (let r = chunks.next(); !r.done; r = chunks.next()) if (r.value !== '') return r.value;
    return null;
  };

  const run = async (current: Job, request: RunRequest): Promise<void> => {
    const table = await current.ingestor.finishAsync();
    const ingestMs = performance.now() - current.t0;
    if (table.series.length === 0) {
      post({ type: 'error', id: current.id, ...unusableTable(table) });
      return;
    }
    const seed = request.kind === 'seed-json';
    const model = seed ? 'auto' : request.model;
    const horizon = resolveHorizon(seed ? undefined : request.horizon);
    // As the CLI: the network beyond its horizon is refused; auto keeps it for the horizon blocks it can serve.
    const tooFar = isNetwork(model) ? tcnHorizonProblem(tcn, horizon) : null;
    if (tooFar !== null) throw new UsageError(tooFar);
    const useTcn = isNetwork(model) || model === 'auto';
    const { result, loaded } = await forecastTable(table, {
      model,
      horizon,
      ...(useTcn ? { tcn } : {}),
    });
    const chunks = render(result, request.kind, seed ? request.products : undefined, {
      ...(loaded ? { provider: loaded.provider } : {}),
      report: table.report,
      decisions: decisionsOf(table),
      timings: { ingestMs, ...(loaded ? { modelLoadMs: loaded.loadMs } : {}) },
    })[Symbol.iterator]();
    // The first chunk before the head: a refusal met while rendering (an unknown product id) is an error.
    const text = nextChunk(chunks) ?? '';
    output = { id: current.id, chunks };
    post({ type: 'head', id: current.id, contentType: CONTENT_TYPES[request.kind], text });
  };

  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'begin':
        job = { id: m.id, ingestor: new Ingestor(m.ingest), t0: performance.now() };
        output = undefined;
        return;
      case 'chunk':
        if (job?.id !== m.id) return;
        job.ingestor.push(m.bytes);
        post({ type: 'ack', id: m.id, bytes: m.bytes.byteLength });
        return;
      case 'run': {
        const current = job;
        job = undefined;
        if (current?.id !== m.id) return;
        run(current, m.run).catch((e: unknown) =>
          post({ type: 'error', id: m.id, ...jobError(e) }),
        );
        return;
      }
      case 'more': {
        if (output?.id !== m.id) return;
        let text: string | null;
        try {
          text = nextChunk(output.chunks);
        } catch (e) {
          output = undefined;
          post({ type: 'error', id: m.id, ...jobError(e) });
          return;
        }
        if (text === null) output = undefined;
        post({ type: 'out', id: m.id, text });
        return;
      }
      case 'abort':
        if (job?.id === m.id) job = undefined;
        if (output?.id === m.id) output = undefined;
        return;
    }
  });
}
