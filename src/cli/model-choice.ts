// Which models a `skucast` run may use, shared by `forecast` and `backtest`:
// the classical library always; the TCN when the run can use it, loaded in a
// worker thread (model-host.ts) while the file is read.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorText } from '../core/error-text';
import { isSequenceInput, type FeaturePresence } from '../core/features';
import { modelChoices } from '../core/forecast-library';
import { parseModelDescriptor, type ModelDescriptor } from '../core/model-descriptor';
import { tcnModel } from '../core/models/tcn';
import { tcnTunedModel } from '../core/models/tcn-tuned';
import type { GlobalModel } from '../core/models/types';
import type { WeeklyTable } from '../core/types';
import { UsageError } from './command';
import { startModelHost, type ModelHost } from './model-host';

/** models/tcn.json of the package: beside bin/ when bundled, two levels up from src/cli/ in development. */
export function defaultDescriptorPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    resolve(here, '../models/tcn.json'),
    resolve(here, '../../models/tcn.json'),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  return resolve(here, '../models/tcn.json');
}

export async function readDescriptor(descriptorPath: string): Promise<ModelDescriptor> {
  try {
    return parseModelDescriptor(JSON.parse(await readFile(descriptorPath, 'utf8')));
  } catch (e) {
    throw new UsageError(
      `cannot read the model descriptor ${descriptorPath}: ${errorText(e)}`,
      false,
    );
  }
}

/** Every alias `--model` accepts, TCN included (it is loaded only when the run needs it). */
export const MODEL_CHOICES: readonly string[] = [...modelChoices(), 'tcn', 'tcn_tuned'];

/** A model that is the network (plain or with its head refitted): it needs the model file loaded. */
export function isNetwork(alias: string): boolean {
  return alias === 'tcn' || alias === 'tcn_tuned';
}

/** Checks a `--model` value (one alias, or with `list` several comma-separated). */
export function parseModelList(text: string, option: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError(`--${option} needs at least one model`);
  for (const n of names) {
    if (!MODEL_CHOICES.includes(n)) {
      throw new UsageError(
        `--${option}: unknown model "${n}"; choose from ${MODEL_CHOICES.join(', ')}`,
      );
    }
  }
  return names;
}

/** A TCN being loaded for a run. */
export interface TcnHandle {
  desc: ModelDescriptor;
  host: ModelHost;
  /** The TCN as a library model, for the table's optional columns. */
  model(table: WeeklyTable): GlobalModel;
  /** tcn_tuned on the same runner, once loaded, when the file outputs hidden features (else undefined). */
  tuned(hiddenWidth: number): GlobalModel | undefined;
}

/**
 * Starts loading the TCN: in its own thread when running from the bundle, or
 * in this thread when `inThisThread` (a `skucast serve` worker is a thread
 * already, and keeps the model for every request it answers).
 */
export async function startTcn(descriptorPath: string, inThisThread = false): Promise<TcnHandle> {
  const desc = await readDescriptor(descriptorPath);
  const host = startModelHost(
    resolve(dirname(descriptorPath), desc.onnx),
    desc,
    inThisThread ? undefined : fileURLToPath(import.meta.url),
  );
  return {
    desc,
    host,
    model(table: WeeklyTable): GlobalModel {
      const presence: FeaturePresence = {
        age: table.report.hasAge,
        gender: table.report.hasGender,
        quantity: table.report.hasQuantity,
      };
      return tcnModel(desc, (x, batch) => host.run(x, batch), presence);
    },
    tuned(hiddenWidth: number): GlobalModel | undefined {
      if (hiddenWidth <= 0 || !isSequenceInput(desc)) return undefined;
      return tcnTunedModel(desc, (x, batch) => host.runHidden(x, batch), hiddenWidth);
    },
  };
}
