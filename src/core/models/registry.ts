// The library's models: a plain list, as statsforecast keeps them. Adding a
// model is adding it here; every entry must pass tests/unit/model-contract.test.ts.

import { ets } from './ets';
import { holt } from './holt';
import { adida, croston, imapa, tsb } from './intermittent';
import { ses } from './ses';
import { otm, theta } from './theta';
import { drift, historicAverage, naive, seasonalNaive, windowAverage } from './simple';
import type { LocalModel, Model, ModelAlias } from './types';

/** Every classical model, in the order reports list them. The TCN joins at run time (it needs a runner). */
export const LOCAL_MODELS: readonly LocalModel[] = [
  naive,
  seasonalNaive,
  windowAverage,
  historicAverage,
  drift,
  ses,
  holt,
  ets,
  theta,
  otm,
  croston,
  tsb,
  adida,
  imapa,
] as LocalModel[];

/**
 * Where a series goes when a model cannot take it (too short): the first entry
 * whose minimum history it meets. historic_average takes any series with one week.
 */
export const FALLBACK_CHAIN: readonly LocalModel[] = [historicAverage] as LocalModel[];

export function findModel(alias: string, models: readonly Model[]): Model | undefined {
  return models.find((m) => m.alias === (alias as ModelAlias));
}
