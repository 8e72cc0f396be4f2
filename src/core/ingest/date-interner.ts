// Each distinct date of a file read once: a row's date becomes the index of
// its reading. Readings stay unresolved until the whole file is seen, because
// day-first vs month-first is a file-wide choice (the data contract,
// ../shared/design/CONTRACT.md §1.3); distinct dates are few, so this is cheap.
import { datePart, readDate, type DateReading } from './dates';

/** The dates read so far, by index, for the weekly table. */
export interface DateView {
  readonly readings: readonly DateReading[];
  /** The date part of the cell, as written. */
  readonly text: readonly string[];
  /** The first row each date was seen in. */
  readonly firstRow: readonly number[];
}

/** ISO keys (yyyymmdd) the direct table covers: 20 years. */
const ISO_SPAN = 200_000;
/** Raw cell texts remembered: timestamped files have a new one per row, memory must stay flat. */
const MAX_RAW = 100_000;

/** The text of an ISO date key y*10000 + m*100 + d (as the scanner read `YYYY-MM-DD`). */
export function isoKeyText(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export class DateInterner implements DateView {
  readonly readings: DateReading[] = [];
  readonly text: string[] = [];
  readonly firstRow: number[] = [];
  /** By date part and by raw cell text: the index, or null for a text that is no date. */
  private readonly byText = new Map<string, number | null>();
  private readonly byRaw = new Map<string, number | null>();
  private readonly byIsoKey = new Map<number, number | null>();
  /** Index + 1 by ISO key - isoBase (0 = not seen): the hot path's lookup, no hashing. */
  private isoTable = new Int32Array(0);
  private isoBase = 0;

  /** The index of an ISO key's date (see scan-cells' isoDateKey), or null when it is no date. */
  isoIndex(isoKey: number, row: number): number | null {
    const k = isoKey - this.isoBase;
    // Bounded by the table, not the span: it is empty until the first ISO date (year 0001 is a key too).
    const hit = k >= 0 && k < this.isoTable.length ? (this.isoTable[k] as number) : 0;
    return hit !== 0 ? hit - 1 : this.isoMiss(isoKey, row);
  }

  /** The index of a cell's date, or null when it is no date. */
  rawIndex(raw: string, row: number): number | null {
    const di = this.byRaw.get(raw);
    return di !== undefined ? di : this.intern(raw, row);
  }

  /** Through the Map; fills the direct table when the key is in its span. */
  private isoMiss(isoKey: number, row: number): number | null {
    let di = this.byIsoKey.get(isoKey);
    if (di === undefined) {
      di = this.intern(isoKeyText(isoKey), row);
      this.byIsoKey.set(isoKey, di);
    }
    if (this.isoTable.length === 0) {
      // The span is centred on the first date seen.
      this.isoBase = (Math.floor(isoKey / 10000) - ISO_SPAN / 20000) * 10000;
      this.isoTable = new Int32Array(ISO_SPAN);
    }
    const k = isoKey - this.isoBase;
    if (di !== null && k >= 0 && k < ISO_SPAN) this.isoTable[k] = di + 1;
    return di;
  }

  private intern(raw: string, row: number): number | null {
    const text = datePart(raw);
    let di = this.byText.get(text);
    if (di === undefined) {
      const reading = readDate(text);
      if (reading.kind === 'bad') {
        di = null;
      } else {
        di = this.readings.length;
        this.readings.push(reading);
        this.text.push(text);
        this.firstRow.push(row);
      }
      this.byText.set(text, di);
    }
    // Past the bound only the date-part cache applies.
    if (this.byRaw.size < MAX_RAW) this.byRaw.set(raw, di);
    return di;
  }
}
