// A pivot table's two header rows. Excel puts a pivot's Year and Week (or
// Month) column fields in two rows: the years above, each over the first
// column of its group, and the weeks below without their year:
//
//   ;;2023;;;…;2024;;
//   Artikel;Bezeichnung;KW 1;KW 2;…;1;2;…
//
// The row below is the header; each period cell takes the year above it, so
// it reads as any week or month header does (`2023-W01`, `Jan 2023`).
import { detectColumns } from './columns';
import { shownCell, type IssueLog } from './issues';
import { isPeriod } from './layout';
import { monthOfName } from './month-names';

const YEAR = /^(19|20)\d\d$/;
// A week number without its year, as pivots and planners write it: `KW 5`, `Wk 05`, `W5`, `5`.
const WEEK_NUMBER =
  /^(?:(?:kw|wk|week|w|cw|woche|sem|semaine|semana|settimana|vecka|uge|uke)\.?\s*)?(\d{1,2})$/i;
const BARE_NUMBER = /^\d{1,2}$/;
/** Period cells that must take a year before the two rows are read as one header. */
const MIN_PERIODS = 4;

/**
 * `row` with the years of `above` carried into its period cells; `row` as
 * it is when `above` holds no years over at least a few periods. Bare
 * numbers that never pass 12 could be months or weeks: not guessed.
 */
export function withYearsAbove(
  above: readonly string[] | undefined,
  row: readonly string[],
): readonly string[] {
  if (above === undefined) return row;
  const measures = withPeriodsAbove(above, row);
  if (measures !== row) return measures;
  const titled = yearOfTitle(above);
  if (titled === null && !above.some((c) => YEAR.test(c.trim()))) return row;
  let year = titled ?? '';
  let periods = 0;
  let bare = 0;
  let largest = 0;
  const out = row.map((cell, j) => {
    const over = titled === null ? (above[j] ?? '').trim() : '';
    // A merged year spans the empty cells after it; other text (`2023 Ergebnis`) ends it.
    if (YEAR.test(over)) year = over;
    else if (over !== '') year = '';
    const c = cell.trim();
    if (year === '') return cell;
    const week = WEEK_NUMBER.exec(c);
    if (week) {
      const n = Number(week[1]);
      if (n < 1 || n > 53) return cell;
      periods++;
      if (BARE_NUMBER.test(c)) bare++;
      largest = Math.max(largest, n);
      return `${year}-W${String(n).padStart(2, '0')}`;
    }
    if (monthOfName(c) !== undefined) {
      periods++;
      return `${c} ${year}`;
    }
    return cell;
  });
  if (periods < MIN_PERIODS) return row;
  if (bare === periods && largest <= 12) return row;
  return out;
}

/** A pivot's value name without its aggregate (`Sum of Units`, `Summe von Umsatz`). */
const AGGREGATE = /^(?:sum of|summe von|somme de|suma de|somma di|som van|total)\s+/i;

/** A measure's name (`Units`, `Sum of Sales`) as the role word it holds; null when it names none. */
function measureName(cell: string): string | null {
  const name = cell.trim().replace(AGGREGATE, '');
  if (name === '') return null;
  const m = detectColumns([name]).mapping;
  return m.quantity !== undefined || m.amount !== undefined || m.price !== undefined ? name : null;
}

/**
 * A BI matrix of several values: each period over its measures, merged
 * across them, and the measures below (`2024-W01` over `Units`, `Sales`).
 * Each measure cell becomes `Units 2024-W01`, which the layout reads as a
 * period with its measure; `row` as it is when fewer than a few join.
 */
function withPeriodsAbove(above: readonly string[], row: readonly string[]): readonly string[] {
  let period = '';
  let joined = 0;
  const out = row.map((cell, j) => {
    const over = (above[j] ?? '').trim();
    if (over !== '') period = isPeriod(over) ? over : '';
    const name = period === '' ? null : measureName(cell);
    if (name === null) return cell;
    joined++;
    return `${name} ${period}`;
  });
  return joined < MIN_PERIODS ? row : out;
}

/** Whether the row above holds periods over measures (withPeriodsAbove), not years. */
function isPeriodsOverMeasures(above: readonly string[], row: readonly string[]): boolean {
  return withPeriodsAbove(above, row) !== row;
}

/**
 * The one year a title row names (`Sales 2023 (units)` above `Jan … Dec`):
 * a row of one cell, words with a single year among them; null otherwise
 * (`2022 vs 2023` names two, `FY2023` a fiscal year, not a calendar one).
 */
function yearOfTitle(above: readonly string[]): string | null {
  const cells = above.map((c) => c.trim()).filter((c) => c !== '');
  const title = cells[0];
  if (cells.length !== 1 || title === undefined || !/\p{L}/u.test(title)) return null;
  const years = new Set(title.match(/(?<![\p{L}\d])(19|20)\d\d(?![\p{L}\d])/gu) ?? []);
  return years.size === 1 ? ([...years][0] as string) : null;
}

/** Index of the nearest row above `at` with anything in it (a blank line may part a title from the header); -1 when none. */
export function rowAboveOf(rows: readonly (readonly string[])[], at: number): number {
  for (let i = at - 1; i >= 0; i--) if ((rows[i] ?? []).some((c) => c.trim() !== '')) return i;
  return -1;
}

/** The header of rows whose header row is `at`: that row, with the years of the row above it. */
export function headerOfRows(rows: readonly (readonly string[])[], at: number): string[] {
  return [...withYearsAbove(rows[rowAboveOf(rows, at)], rows[at] ?? [])];
}

/** Whether the years `withYearsAbove` carries come from a title (one year in words), not a pivot's year cells. */
export function isYearTitle(above: readonly string[] | undefined): boolean {
  return above !== undefined && yearOfTitle(above) !== null;
}

/**
 * The header row `row` (row `headerRow` of the file) with the years of the
 * row above (row `aboveRow`) carried in, said in a note when they were.
 */
export function yearsJoined(
  above: readonly string[] | undefined,
  row: string[],
  { aboveRow, headerRow }: { aboveRow: number; headerRow: number },
  log: IssueLog,
): string[] {
  const joined = withYearsAbove(above, row);
  if (joined === row) return row;
  const j = joined.findIndex((h, i) => h !== row[i]);
  const period = `"${shownCell((row[j] ?? '').trim())}" is ${joined[j]}`;
  const title = isYearTitle(above) ? (above?.find((c) => c.trim() !== '') ?? '') : null;
  const matrix = above !== undefined && isPeriodsOverMeasures(above, row);
  log.note({
    severity: 'warning',
    code: 'year-header-row',
    message: matrix
      ? `Row ${aboveRow} holds the periods over the measures of row ${headerRow} (a matrix of several values): each measure took the period above it (${period})`
      : title !== null
        ? `Row ${aboveRow}, a title ("${shownCell(title.trim())}"), names one year, and the periods of row ${headerRow} name none: each took that year (${period})`
        : `Row ${aboveRow} holds the years over the periods of row ${headerRow} (a pivot table's two header rows): each period took the year above it (${period})`,
  });
  return [...joined];
}
