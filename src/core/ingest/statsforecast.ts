// statsforecast's (and mlforecast's, neuralforecast's) long format: a series
// id `unique_id`, a date `ds` and one value `y`. `unique_id` and `ds` are sku
// and date synonyms (columns.ts); `y` is too short a name to be a synonym of
// anything in other files, so it is read as the quantity only beside the other two.

/** The format's three column names. */
export const STATSFORECAST_COLUMNS = { sku: 'unique_id', date: 'ds', value: 'y' } as const;

/** The measure's reason in the report when the file is in this format. */
export const STATSFORECAST_MEASURE_REASON =
  "units: statsforecast's long format (unique_id, ds, y), its y read as the units sold";

/**
 * The index of the `y` column when the headers (as columns.ts normalizeHeader
 * leaves them) are statsforecast's long format: unique_id, ds and y, other
 * columns beside them allowed; else -1.
 */
export function statsforecastValueAt(normalized: readonly string[]): number {
  if (!normalized.includes('uniqueid') || !normalized.includes('ds')) return -1;
  return normalized.indexOf(STATSFORECAST_COLUMNS.value);
}
