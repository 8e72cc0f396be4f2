// `--names skucast|statsforecast`: the CSV outputs' column names, for a
// pipeline that hands them on to statsforecast (unique_id, ds).
import { NAME_STYLES, withColumnNames, type NameStyle } from '../core/output-names';
import { optionValue, type ParsedArgs } from '../node/args';
import { UsageError } from './command';

export const NAMES_OPTIONS = ['names'];

export const NAMES_USAGE = `  --names N           the CSV's column names: skucast (default: sku,
                      week_start) or statsforecast (unique_id, ds); the JSON
                      keeps its documented keys`;

/** `--names` as given; a bad value is a usage error. */
export function namesOption(args: ParsedArgs): NameStyle {
  const text = optionValue(args, 'names');
  const style = (text ?? 'skucast').trim().toLowerCase() as NameStyle;
  if (!NAME_STYLES.includes(style)) {
    throw new UsageError(`bad --names "${text}": expected ${NAME_STYLES.join(' or ')}`);
  }
  return style;
}

/** A CSV output (chunks, header first) in `style`'s names. */
export function namedCsv(chunks: Iterable<string>, style: NameStyle): Iterable<string> {
  return style === 'skucast' ? chunks : withColumnNames(chunks, style);
}

/** The stderr note when --names cannot apply (a JSON output; Parquet's columns are renamed), else null. */
export function namesNote(style: NameStyle, format: string): string | null {
  return style !== 'skucast' && format !== 'csv' && format !== 'parquet'
    ? `note: --names ${style} renames the CSV's columns; the ${format} output keeps its documented keys (sku, week_start)`
    : null;
}
