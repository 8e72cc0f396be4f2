// `--shard K/N` and `--shard env/N`: which part of the skus a process of a
// batch job takes (src/core/shards/shard-key.ts says which skus). `env/N`
// reads K from the index the batch engine gives each process: Kubernetes'
// Indexed Job sets JOB_COMPLETION_INDEX, AWS Batch's array job
// AWS_BATCH_JOB_ARRAY_INDEX (GNU parallel: `--shard {}/N` with {} from 0 to N−1).
// Not the internal --shard-host flag (shard-host.ts), which runs the worker
// threads of one process.
import { MAX_SHARDS, type ShardSpec } from '../core/shards/shard-key';
import { optionValue, type ParsedArgs } from '../node/args';
import { UsageError } from './command';

export const SHARD_OPTIONS = ['shard'];

/** The index variables `env/N` reads, first found wins. */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

export const SHARD_USAGE = `  --shard K/N         only the skus whose key hashes into shard K of N
                      (K from 0): one process of a batch job; env/N takes K
                      from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
                      AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)`;

function whole(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** `--shard` as given, or undefined; a bad value or a missing index variable is a UsageError. */
export function shardOption(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv = process.env,
): ShardSpec | undefined {
  const text = optionValue(args, 'shard');
  if (text === undefined) {
    if (args.flags.has('shard'))
      throw new UsageError('--shard needs K/N or env/N, e.g. --shard 0/4');
    return undefined;
  }
  const m = /^([^/]+)\/([^/]+)$/.exec(text.trim());
  const count = m ? whole(m[2] as string) : null;
  if (!m || count === null || count < 1 || count > MAX_SHARDS) {
    throw new UsageError(
      `--shard must be K/N or env/N with N a whole number of shards from 1 to ${MAX_SHARDS} (e.g. 0/4, env/4), got "${text}"`,
    );
  }
  const k = m[1] as string;
  if (k === 'env') return { index: indexFromEnv(count, env), count };
  const index = whole(k);
  if (index === null || index >= count) {
    throw new UsageError(`--shard ${text}: K must be a whole number from 0 to ${count - 1}`);
  }
  return { index, count };
}

function indexFromEnv(count: number, env: NodeJS.ProcessEnv): number {
  const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== '');
  if (name === undefined) {
    throw new UsageError(
      `--shard env/${count} takes the shard from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job), and neither is set; outside a batch engine give it as --shard K/${count}`,
      false,
    );
  }
  const value = env[name] as string;
  const index = whole(value.trim());
  if (index === null || index >= count) {
    throw new UsageError(
      `--shard env/${count}: ${name} is "${value}", not a shard of ${count} (0 to ${count - 1}): is the job's parallelism ${count}?`,
      false,
    );
  }
  return index;
}

/** The line stderr gets: which shard this process is and how many skus it took. */
export function shardLine(shard: ShardSpec, skus: number, total: number): string {
  return `shard: ${shard.index}/${shard.count}: ${skus.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} skus`;
}
