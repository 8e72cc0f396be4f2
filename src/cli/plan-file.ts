// What the plan commands share: reading a PLAN file (checked, refused with
// the checker's messages), the time an entry is stamped with, and their
// number and required options.
import { readFileSync } from 'node:fs';
import { errorText } from '../core/error-text';
import type { Plan } from '../core/plan/plan';
import { validatePlan } from '../core/plan/validate';
import { optionValue, type ParsedArgs } from '../node/args';
import { UsageError } from './command';

/**
 * Now, as ISO time; `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds
 * convention) fixes it, so a script or a test gets the same bytes each run.
 */
export function planNow(env: NodeJS.ProcessEnv = process.env): string {
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) {
    return new Date(Number(epoch) * 1000).toISOString();
  }
  return new Date().toISOString();
}

/** The plan in `path`, checked; a file that cannot be read or is no valid plan is a UsageError (exit 2). */
export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the plan ${path}: ${errorText(e)}`, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON, so not a skucast plan`, false);
  }
  const plan = validatePlan(json);
  if (Array.isArray(plan)) throw new UsageError(`${path}: ${plan.join('; ')}`, false);
  return plan;
}

/** A number option: absent is undefined, anything but a plain number is a usage error. */
export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const text = optionValue(args, name);
  if (text === undefined) return undefined;
  const n = /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  return n;
}

export function required(args: ParsedArgs, name: string): string {
  const v = optionValue(args, name);
  if (v === undefined || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}
