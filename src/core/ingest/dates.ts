// Calendar dates as integer day numbers (days since 1970-01-01). All date math
// happens on these integers, never through `Date` objects built from strings,
// so a date is the same calendar day in every time zone (the data contract,
// ../shared/design/CONTRACT.md §1.3).
import { isWeekdayName, monthOfName } from './month-names';

/** Day number of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** Day number of the Monday of the ISO week holding `days`. */
export function mondayOf(days: number): number {
  return days - weekdayOf(days);
}

/** ISO-8601 week-numbering year and week of a day. */
export function isoWeekOf(days: number): { isoYear: number; isoWeek: number } {
  // The ISO year is the calendar year of the week's Thursday.
  const thursday = mondayOf(days) + 3;
  const isoYear = civilFromDays(thursday).year;
  const isoWeek = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return { isoYear, isoWeek };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** YYYY-MM-DD of a day number. */
export function formatDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Sales dates outside these years are typos (0202-01-05, 2203-01-05), and one
 * of them would stretch the shared calendar over centuries: they are refused.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** Day number, or NaN when year/month/day is not a real calendar date. */
export function checkedDays(year: number, month: number, day: number): number {
  if (year < MIN_YEAR || year > MAX_YEAR) return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day);
}

/** Two-digit years as Python's strptime reads them: 69–99 → 19xx, 00–68 → 20xx. */
export function expandYear(digits: string): number {
  const y = Number(digits);
  if (digits.length !== 2) return y;
  return y >= 69 ? 1900 + y : 2000 + y;
}

/**
 * How one date string can be read. Ambiguous numeric dates (`03/01/2023`) keep
 * both readings; the file-wide day-first/month-first choice is made later from
 * all values (../shared/design/CONTRACT.md §1.3).
 */
export interface DateReading {
  kind: 'iso' | 'serial' | 'dmy' | 'bad';
  /** Day number for iso/serial readings. */
  days: number;
  /** dmy: day number if read DD/MM (NaN if impossible). */
  dayFirst: number;
  /** dmy: day number if read MM/DD (NaN if impossible). */
  monthFirst: number;
}

const BAD: DateReading = { kind: 'bad', days: NaN, dayFirst: NaN, monthFirst: NaN };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A time after a date: `10:00`, `10:00:05.123`, `10:00 AM`, `10:00:00Z`, `10:00+01:00`. */
const TIME = /^\d{1,2}(:\d{2}){1,2}([.,]\d+)?\s*([AaPp]\.?[Mm]\.?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** A time without colons: `120000`, `1200`. */
const COMPACT_TIME = /^(\d{6}|\d{4})$/;

/**
 * Cuts a trailing time (`2023-11-24 10:00`, `2023-11-24T10:00Z`) off a date.
 * Anything else after the date (`2023-11-24 garbage`) is kept, so the value
 * reads as no date at all rather than silently as its first part.
 */
export function datePart(text: string): string {
  const s = text.trim();
  let cut = s.indexOf(' ');
  if (cut <= 0) cut = s.indexOf('T');
  if (cut <= 0) return s;
  const time = s.slice(cut + 1).trimStart();
  if (TIME.test(time)) return s.slice(0, cut);
  // A compact date's compact time, as SAP and mainframe extracts write it: 20231124 120000.
  return COMPACT_TIME.test(time) && /^\d{8}$/.test(s.slice(0, cut)) ? s.slice(0, cut) : s;
}

// A date in Japanese, Chinese or Korean: 2023年11月24日, 2023년 11월 24일 (year first).
const CJK_DATE = /^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]$/;

// Numbers split by one separator kind: 2023-11-24, 24/11/2023, 24.11.23.
const SEPARATED = /^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$/;
// Excel serial day numbers (5 digits: 1927–2173), optionally with a time fraction.
const SERIAL = /^\d{5}(\.\d+)?$/;
// Unix time as databases and web shops export it: seconds (10 digits, from
// September 2001) or milliseconds (13 digits), read as the UTC day.
const UNIX_TIME = /^(\d{10}|\d{13})(\.\d+)?$/;
const SECONDS_PER_DAY = 86400;

/** A cell in Unix time's form (what readDate reads as seconds or milliseconds since 1970). */
export function isUnixTime(text: string): boolean {
  return UNIX_TIME.test(text.trim());
}
// Compact ISO 20231124.
const COMPACT = /^(1[89]\d\d|2\d\d\d)(\d\d)(\d\d)$/;

/** Excel's day 25569 is 1970-01-01 (valid for serials after Excel's fictitious 1900-02-29). */
const EXCEL_EPOCH = 25569;

// ISO weeks, as planners label them: 2024-W05, 2024W05, 2024-W5, W05 2024, W05/2024.
// Also the words planners' exports use: Wk 5 2024, Week 05/2024, KW 05/24 (German), CW 5-2024,
// 2024 KW 05, Sem 05 2024 (French, Spanish), Woche, Settimana, Vecka, Uge, Uke; a two-digit year as in
// dates (expandYear).
const WEEK_WORD = String.raw`(?:w|wk|week|kw|cw|wo|woche|sem|semaine|semana|settimana|vecka|v|uge|uke)\.?`;
const ISO_WEEK = new RegExp(String.raw`^(\d{4})[\s/.-]*${WEEK_WORD}\s*(\d{1,2})$`, 'i');
const WEEK_YEAR = new RegExp(String.raw`^${WEEK_WORD}\s*(\d{1,2})[\s/.,'-]+(\d{4}|\d{2})$`, 'i');
// French retail's `S01-2024` (semaine), `2024 S05`: two digits only, as `S1 2024` is a half-year.
const S_WEEK_YEAR = /^S(\d{2})[\s/.-]+(\d{4})$/i;
const YEAR_S_WEEK = /^(\d{4})[\s/.-]*S(\d{2})$/i;

/** Day number of the Monday of ISO week `week` of `isoYear`, or NaN when that week does not exist. */
export function isoWeekMonday(isoYear: number, week: number): number {
  if (isoYear < MIN_YEAR || isoYear > MAX_YEAR || week < 1 || week > 53) return NaN;
  // Week 1 is the week holding 4 January.
  const monday = mondayOf(daysFromCivil(isoYear, 1, 4)) + (week - 1) * 7;
  return isoWeekOf(monday).isoYear === isoYear ? monday : NaN;
}

// A year and a week number alone, as BI and ERP exports write a week column
// (`2024-05`, `202405`, `2024.05`, `05/2024`): read so only in a column named
// for weeks (columns.ts isYearWeekColumn), since `2024-05` is also May.
const YEAR_NUMBER_WEEK = /^(\d{4})\s*[-/._]?\s*(\d{1,2})$/;
const NUMBER_WEEK_YEAR = /^(\d{1,2})\s*[-/._]\s*(\d{4})$/;

/** A year-and-week cell (`2024-05`, `202405`, `05/2024`) as the day number of its Monday; NaN when it is none. */
export function readYearWeek(text: string): number {
  const s = text.trim();
  const a = YEAR_NUMBER_WEEK.exec(s);
  if (a) return isoWeekMonday(Number(a[1]), Number(a[2]));
  const b = NUMBER_WEEK_YEAR.exec(s);
  return b ? isoWeekMonday(Number(b[2]), Number(b[1])) : NaN;
}

/** An ISO-week label (`2024-W05`) as the day number of its Monday; NaN when it is none. */
export function readIsoWeek(s: string): number {
  const a = ISO_WEEK.exec(s) ?? YEAR_S_WEEK.exec(s);
  if (a) return isoWeekMonday(Number(a[1]), Number(a[2]));
  const french = S_WEEK_YEAR.exec(s);
  if (french) return isoWeekMonday(Number(french[2]), Number(french[1]));
  const b = WEEK_YEAR.exec(s);
  if (!b) return NaN;
  const year = b[2] as string;
  return isoWeekMonday(expandYear(year), Number(b[1]));
}

// An ISO week date, a week and its weekday (1 = Monday), as data warehouses
// write a day: 2024-W05-3, 2024W053.
const ISO_WEEK_DATE = /^(\d{4})-?W(\d{2})-?([1-7])$/i;

/** Reads one date string (already without its time) in every way it can be read. */
export function readDate(raw: string): DateReading {
  const s = datePart(raw);
  if (s.length < 5) return BAD;
  if (!isDigit(s.charCodeAt(0))) return readWritten(s);
  const weekDate = ISO_WEEK_DATE.exec(s);
  if (weekDate) {
    const monday = isoWeekMonday(Number(weekDate[1]), Number(weekDate[2]));
    if (monday !== monday) return BAD;
    return { kind: 'iso', days: monday + Number(weekDate[3]) - 1, dayFirst: NaN, monthFirst: NaN };
  }
  if (s.length <= 8) {
    // An ISO week reads as its Monday, so a weekly file labelled by week lines up with dated ones.
    const week = readIsoWeek(s);
    if (week === week) return { kind: 'iso', days: week, dayFirst: NaN, monthFirst: NaN };
  }
  const cjk = CJK_DATE.exec(s);
  if (cjk) {
    const days = checkedDays(Number(cjk[1]), Number(cjk[2]), Number(cjk[3]));
    return Number.isNaN(days) ? BAD : { kind: 'iso', days, dayFirst: NaN, monthFirst: NaN };
  }
  const m = SEPARATED.exec(s);
  if (m) {
    const [, a = '', , b = '', c = ''] = m;
    if (a.length === 4) {
      // Year first: ISO YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD).
      if (c.length > 2) return BAD;
      const days = checkedDays(Number(a), Number(b), Number(c));
      return Number.isNaN(days) ? BAD : { kind: 'iso', days, dayFirst: NaN, monthFirst: NaN };
    }
    if (a.length > 2 || (c.length !== 2 && c.length !== 4)) return BAD;
    const year = expandYear(c);
    const dayFirst = checkedDays(year, Number(b), Number(a));
    const monthFirst = checkedDays(year, Number(a), Number(b));
    if (Number.isNaN(dayFirst) && Number.isNaN(monthFirst)) return BAD;
    return { kind: 'dmy', days: NaN, dayFirst, monthFirst };
  }
  if (SERIAL.test(s)) {
    const days = Math.floor(Number(s)) - EXCEL_EPOCH;
    if (civilFromDays(days).year > MAX_YEAR) return BAD;
    return { kind: 'serial', days, dayFirst: NaN, monthFirst: NaN };
  }
  const u = UNIX_TIME.exec(s);
  if (u) {
    const seconds = (u[1] as string).length === 13 ? Number(s) / 1000 : Number(s);
    const days = Math.floor(seconds / SECONDS_PER_DAY);
    if (civilFromDays(days).year > MAX_YEAR) return BAD;
    return { kind: 'serial', days, dayFirst: NaN, monthFirst: NaN };
  }
  const c = COMPACT.exec(s);
  if (c) {
    const days = checkedDays(Number(c[1]), Number(c[2]), Number(c[3]));
    return Number.isNaN(days) ? BAD : { kind: 'iso', days, dayFirst: NaN, monthFirst: NaN };
  }
  return readWritten(s);
}

// Dates with the month's name: 05-Jan-24, 5 Jan 2024, 5. Januar 2024, 05/Jan/2024.
const DAY_NAMED_YEAR = /^(\d{1,2})\.?[\s/-]*(\p{L}+)\.?[\s/,-]+(\d{4}|\d{2})$/u;
// Jan 5, 2024, January 5th 2024.
const NAMED_DAY_YEAR = /^(\p{L}+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/u;
// 2024-Jan-05.
const YEAR_NAMED_DAY = /^(\d{4})[\s/-]+(\p{L}+)\.?[\s/-]+(\d{1,2})$/u;
// A weekday before a date: Mon 01/01/2024, Monday, January 1, 2024, Mo., 01.01.2024.
const WEEKDAY_FIRST = /^(\p{L}+)\.?,?\s+(.+)$/u;
// A range, read as its first day: 2024-01-01 - 2024-01-07, 01/01/2024 to 01/07/2024.
const RANGE = /^(.+?)\s*(?:\s[-–]\s|–|\sto\s|\sbis\s|\sau\s|\sal\s)\s*(.+)$/;
/** Longest written date read: `Wednesday, September 25th, 2024 10:00:00 AM` is 44 characters. */
const MAX_WRITTEN_DATE = 64;
// A time after a written date: 5 Jan 2024 10:00.
const TRAILING_TIME = /^(.*?)[\sT,]+(\d{1,2}:\d{2}.*)$/;

function namedDate(year: string, month: string, day: string): DateReading {
  const m = monthOfName(month);
  const days = m === undefined ? NaN : checkedDays(expandYear(year), m, Number(day));
  return Number.isNaN(days) ? BAD : { kind: 'iso', days, dayFirst: NaN, monthFirst: NaN };
}

/**
 * What numbers alone do not say: a week label (2024 KW 05), a month's name, a
 * weekday before the date, a range. Tried only after every numeric form, so
 * the common dates cost nothing more.
 */
function readWritten(s: string, depth = 0): DateReading {
  // No written date is this long; a cell that is may be megabytes the patterns must not scan.
  if (s.length > MAX_WRITTEN_DATE) return BAD;
  const week = readIsoWeek(s);
  if (week === week) return { kind: 'iso', days: week, dayFirst: NaN, monthFirst: NaN };
  let m = DAY_NAMED_YEAR.exec(s);
  if (m) return namedDate(m[3] as string, m[2] as string, m[1] as string);
  m = NAMED_DAY_YEAR.exec(s);
  if (m) return namedDate(m[3] as string, m[1] as string, m[2] as string);
  m = YEAR_NAMED_DAY.exec(s);
  if (m) return namedDate(m[1] as string, m[2] as string, m[3] as string);
  if (depth > 0) return BAD;
  m = TRAILING_TIME.exec(s);
  if (m && TIME.test(m[2] as string)) return readWritten(m[1] as string, 1);
  m = WEEKDAY_FIRST.exec(s);
  if (m && isWeekdayName(m[1] as string)) return readDate(m[2] as string);
  m = RANGE.exec(s);
  if (m) {
    const from = readDate(m[1] as string);
    const to = readDate(m[2] as string);
    if (from.kind === 'bad' || to.kind === 'bad') return BAD;
    if (from.kind !== 'dmy' || to.kind !== 'dmy') return from;
    // Each reading of the first day holds only if the last day reads the same way.
    const dayFirst = to.dayFirst === to.dayFirst ? from.dayFirst : NaN;
    const monthFirst = to.monthFirst === to.monthFirst ? from.monthFirst : NaN;
    return dayFirst === dayFirst || monthFirst === monthFirst
      ? { kind: 'dmy', days: NaN, dayFirst, monthFirst }
      : BAD;
  }
  return BAD;
}

/** `Jan 2024`, `January 2024`, `Jan-24`, `2024-01`, `2024/01`: the month's first day, else NaN. */
// A year and a month as ERP and BI exports write a month column: 202405.
const YEAR_MONTH_DIGITS = /^((?:19|20)\d\d)(0[1-9]|1[0-2])$/;

/**
 * A month cell of a column known to hold months: a label (`2024-05`, `May
 * 2024`) or a year and month in six digits (`202405`), which alone could be
 * a week or an order number; NaN when it is none.
 */
export function readMonthCell(text: string): number {
  const m = YEAR_MONTH_DIGITS.exec(text.trim());
  return m ? daysFromCivil(Number(m[1]), Number(m[2]), 1) : readMonth(text);
}

/** Whether a cell is a year and a month in six digits (`202405`). */
export function isYearMonthDigits(text: string): boolean {
  return YEAR_MONTH_DIGITS.test(text.trim());
}

export function readMonth(text: string): number {
  const s = text.trim();
  const ym = /^(\d{4})[-/.](\d{1,2})$/.exec(s);
  if (ym) {
    const m = Number(ym[2]);
    return m >= 1 && m <= 12 ? daysFromCivil(Number(ym[1]), m, 1) : NaN;
  }
  const named = /^(\p{L}+)\.?[\s\-/']*(\d{2}|\d{4})$/u.exec(s);
  if (!named) return NaN;
  const month = monthOfName(named[1] as string);
  if (month === undefined) return NaN;
  const y = named[2] as string;
  return daysFromCivil(expandYear(y), month, 1);
}
