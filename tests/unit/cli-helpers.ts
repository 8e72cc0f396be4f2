// Shared by the CLI tests: run the built skucast as a user would, and check a
// document against its JSON schema in docs/.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { repoRoot } from './forecast-helpers';

const bin = resolve(repoRoot, 'bin/skucast.mjs');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export interface CliRunOptions {
  /** Standard input. */
  input?: string | Buffer;
  /** The environment (the test's own when absent). */
  env?: NodeJS.ProcessEnv;
  /** Largest stdout or stderr kept, bytes (node's default is 1 MiB). */
  maxBuffer?: number;
}

/** `node bin/skucast.mjs ...args` from the repository root: exit code, stdout, stderr. */
export function runSkucast(args: readonly string[], opts: CliRunOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    ...(opts.input !== undefined && { input: opts.input }),
    ...(opts.env !== undefined && { env: opts.env }),
    ...(opts.maxBuffer !== undefined && { maxBuffer: opts.maxBuffer }),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A schema of docs/ compiled with every error kept; `errors()` is the last check's, as text. */
export function docSchema(name: string): { valid(doc: unknown): boolean; errors(): string } {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(repoRoot, 'docs', name), 'utf8')) as object,
  );
  return {
    valid: (doc) => validate(doc),
    errors: () => ajv.errorsText(validate.errors),
  };
}
