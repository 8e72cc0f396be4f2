// A sheet's rows to the table builder: the header row found among the first
// rows (title rows above it skipped), then each data row as numbers, dates
// and text, the cells the builder can take as numbers handed over as numbers.
import { civilFromDays } from '../dates';
import { headerRowIndex, HEADER_SEARCH_ROWS } from '../header-row';
import { PreKind } from '../scan-cells';
import { headerOfRows } from '../year-header';
import type { PreReadSink } from '../table-builder';
import { cellText, EMPTY, isBlank, serialDay, type Cell } from './sheet';

/** Index of the header row among a sheet's first rows (title rows above it skipped). */
export function headerIndex(rows: Cell[][], requested?: string[]): number {
  return headerRowIndex(
    rows.map((r) => Array.from(r, cellText)),
    requested,
  );
}

/** The header row `at` of a sheet's first rows as text, a pivot's years above it joined to its weeks. */
export function headerTexts(rows: readonly Cell[][], at: number): string[] {
  const texts = rows.slice(Math.max(0, at - 1), at + 1).map((r) => Array.from(r, cellText));
  return headerOfRows(texts, texts.length - 1);
}

/** Rows to the sink: the header row found first, then each data row as numbers, dates and text. */
export class SheetFeeder {
  private held: { row: number; cells: Cell[] }[] = [];
  private kinds: Uint8Array | null = null;
  private fields: string[] = [];
  private pre = new Float64Array(0);
  private width = 0;
  /** False once the sink refused the header: the rest is not read. */
  open = true;

  constructor(
    private readonly sink: PreReadSink,
    private readonly date1904: boolean,
    private readonly requested: string[],
  ) {}

  get begun(): boolean {
    return this.kinds !== null;
  }

  /** True when the header row was found and begun with. */
  get sawRows(): boolean {
    return this.begun || this.held.length > 0;
  }

  row(row: number, cells: Cell[]): boolean {
    if (isBlank(cells)) return true;
    if (this.kinds === null) {
      this.held.push({ row, cells });
      if (this.held.length >= HEADER_SEARCH_ROWS) this.start();
      return this.open;
    }
    this.feed(row, cells);
    return true;
  }

  /** At the end of the sheet: a sheet shorter than the header search still needs its header. */
  end(): void {
    if (this.kinds === null && this.held.length > 0) this.start();
  }

  private start(): void {
    const held = this.held;
    this.held = [];
    const at = headerIndex(
      held.map((h) => h.cells),
      this.requested,
    );
    const headers = headerTexts(
      held.map((h) => h.cells),
      at,
    );
    // Trailing columns without a name are not part of the table.
    while (headers.length > 0 && (headers[headers.length - 1] as string).trim() === '')
      headers.pop();
    // The rows after the header, as text: a sheet of weeks across tells counts from money by them.
    const sample = held.slice(at + 1).map((h) => Array.from(h.cells, cellText));
    if (!this.sink.begin(headers, ',', sample)) {
      this.open = false;
      this.kinds = new Uint8Array(0);
      return;
    }
    this.width = headers.length;
    this.kinds = this.sink.preReadKinds();
    this.fields = new Array<string>(this.width).fill('');
    this.pre = new Float64Array(this.width).fill(NaN);
    for (const h of held.slice(at + 1)) this.feed(h.row, h.cells);
  }

  private feed(row: number, cells: Cell[]): void {
    if (!this.open) return;
    const kinds = this.kinds as Uint8Array;
    const fields = this.fields;
    const pre = this.pre;
    for (let col = 0; col < this.width; col++) {
      const c = cells[col] ?? EMPTY;
      const kind = kinds[col] as number;
      pre[col] = NaN;
      fields[col] = '';
      if (kind === PreKind.Skip) continue;
      if (kind === PreKind.Number && c.num === c.num) {
        pre[col] = c.num;
      } else if (kind === PreKind.IsoDate && c.day === c.day) {
        const { year, month, day } = civilFromDays(c.day);
        pre[col] = year * 10000 + month * 100 + day;
      } else if (kind === PreKind.IsoDate && c.num === c.num && c.num >= 10000 && c.num < 100000) {
        // A serial number without a date format, in the date column.
        const { year, month, day } = civilFromDays(serialDay(c.num, this.date1904));
        pre[col] = year * 10000 + month * 100 + day;
      } else {
        fields[col] = cellText(c);
      }
    }
    this.sink.addPreRead(fields, pre, row);
  }
}
