// What the plan commands share: reading a PLAN file (checked, refused with
// the checker's messages) and the time an entry is stamped with.
import { readFileSync } from 'node:fs';
import { errorText } from '../core/error-text';
import type { Plan } from '../core/plan/plan';
import { validatePlan } from '../core/plan/validate';
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
