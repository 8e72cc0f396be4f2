// `skucast serve [--port 8000] [--host 127.0.0.1] [--workers N] ...`: the
// prototype's HTTP API (POST /predict) and the CLI's forecast (POST /forecast)
// on a pool of forecast threads (pool.ts), behind node:http (http.ts).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { intOption, optionValue, parseArgs, wantsHelp } from '../../node/args';
import { UsageError, type CliIo, type Command } from '../command';
import { defaultDescriptorPath, readDescriptor } from '../model-choice';
import { reportingUserErrors } from '../user-errors';
import { createServeServer } from './http';
import { ServePool, THREAD_HEAP_MB } from './pool';
import { isServeWorkerThread, serveWorkerThread } from './worker';

const DEFAULTS = { port: 8000, host: '127.0.0.1', queue: 64, maxUploadMb: 200, timeoutS: 120 };

const USAGE = `usage: skucast serve [--port ${DEFAULTS.port}] [--host ${DEFAULTS.host}] [--workers N] [--queue N] [--max-upload MB] [--timeout S] [--cors ORIGIN] [--model-file PATH]

Serves forecasts over HTTP until stopped (SIGTERM or Ctrl-C finish the
requests in flight first). Files are read in memory, never written to disk.

  POST /predict   the prototype's API: multipart "file" (sales CSV or .xlsx)
                  and "metadata" ({"product_id": [0, 2, 5]}); answers what
                  skucast forecast FILE --format seed-json --products 0,2,5 prints
  POST /forecast  multipart "file" plus horizon, model, map, sheet, date-format, layout
                  (form fields or query parameters); answers the JSON export,
                  or the CSV one with Accept: text/csv
  GET /healthz    {"status": "ok", "workers": N, "busy": N, "queued": N}
  GET /           a page describing the routes

  --port N          TCP port (default ${DEFAULTS.port}; 0 picks a free one, printed on stderr)
  --host H          address to listen on (default ${DEFAULTS.host}: this machine only;
                    0.0.0.0 exposes it to the network, with no authentication)
  --workers N       forecast threads, each with the model loaded once
                    (default: one per core, ${availableParallelism()} here)
  --queue N         requests that may wait for a thread (default ${DEFAULTS.queue});
                    beyond them the answer is 503 with Retry-After
  --max-upload MB   largest request body (default ${DEFAULTS.maxUploadMb}); larger gets 413
  --timeout S       longest a request may take, upload and forecast (default
                    ${DEFAULTS.timeoutS}); longer gets 408
  --cors ORIGIN     let pages of ORIGIN call the API from a browser (default: none)
  --model-file PATH TCN descriptor (default: models/tcn.json of the package)

One line per request on stderr: method, route, status, bytes in and out, time.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const valued = [
    'port',
    'host',
    'workers',
    'queue',
    'max-upload',
    'timeout',
    'cors',
    'model-file',
  ];
  const args = parseArgs(argv, valued);
  if (wantsHelp(args)) {
    io.out(USAGE + '\n');
    return 0;
  }
  const extra = [...args.flags].find((f) => f !== 'help' && f !== 'h');
  if (extra !== undefined) {
    throw new UsageError(
      args.options.has(extra) ? `--${extra} needs a value` : `unknown option --${extra}`,
    );
  }
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const port = intOption(args, 'port', DEFAULTS.port, { min: 0, max: 65535 });
  const host = optionValue(args, 'host') ?? DEFAULTS.host;
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1');
  const workers = intOption(args, 'workers', availableParallelism(), { min: 1, max: 256 });
  const queue = intOption(args, 'queue', DEFAULTS.queue, { min: 0, max: 100_000 });
  const maxUploadMb = intOption(args, 'max-upload', DEFAULTS.maxUploadMb, { min: 1, max: 4096 });
  const timeoutS = intOption(args, 'timeout', DEFAULTS.timeoutS, { min: 1, max: 86_400 });
  const cors = optionValue(args, 'cors');
  if (cors !== undefined && !/^(\*|https?:\/\/[^\s/]+)$/.test(cors)) {
    throw new UsageError(
      `--cors takes an origin like https://dashboard.example.com (or *), got "${cors}"`,
    );
  }
  const descriptorPath = optionValue(args, 'model-file') ?? defaultDescriptorPath();
  // Read here too, so a bad path is a usage error before any thread starts.
  await readDescriptor(descriptorPath);
  const bundle = fileURLToPath(import.meta.url);
  if (!/\.m?js$/.test(bundle)) {
    throw new UsageError('skucast serve runs from the bundle: node bin/skucast.mjs serve', false);
  }

  let pool: ServePool;
  try {
    pool = await ServePool.start({ size: workers, queue, bundle, descriptorPath });
  } catch (e) {
    throw new UsageError(`cannot start the forecast threads: ${(e as Error).message}`, false);
  }
  const { server, shutdown } = createServeServer(pool, {
    maxUploadBytes: maxUploadMb * 1024 * 1024,
    timeoutMs: timeoutS * 1000,
    cors,
    log: (line) => io.err(line + '\n'),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await pool.close();
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot listen on ${host}:${port} (${code})`, false);
  }
  const address = server.address();
  const where = typeof address === 'object' && address !== null ? address : { address: host, port };
  const shown = where.address.includes(':') ? `[${where.address}]` : where.address;
  io.err(
    `skucast serve: listening on http://${shown}:${where.port}/ (${workers} forecast thread${workers === 1 ? '' : 's'}, ` +
      `queue ${queue}, max upload ${maxUploadMb} MB, timeout ${timeoutS} s, ${THREAD_HEAP_MB} MB heap per thread)\n`,
  );

  // Runs until SIGTERM or SIGINT: then the requests in flight (and queued) are answered first.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  io.err(`skucast serve: ${signal}: finishing the requests in flight\n`);
  // A second signal does not wait.
  const now = (): never => process.exit(1);
  process.once('SIGTERM', now);
  process.once('SIGINT', now);
  await shutdown();
  await pool.close();
  io.err('skucast serve: stopped\n');
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: "serve the prototype's HTTP API (POST /predict) and forecasts (POST /forecast)",
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    if (isServeWorkerThread()) {
      await serveWorkerThread();
      return 0;
    }
    return reportingUserErrors('serve', USAGE, io, () => run(argv, io));
  },
};
