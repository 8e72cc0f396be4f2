// Rows a report adds around its data. Exports joined one after another
// (`cat jan.csv feb.csv > all.csv`, a report saved page by page) repeat
// their header row; printed reports put `Page 2 of 5` between pages; ERP
// exports put the columns' units (`PCS`, `EUR`) under the header. None is a
// sale, nor a broken row: each kind is told of in one note, not skipped row
// by row (which would fail a nightly job that allows no skipped row).
import type { ConventionNote } from './number-reader';
import { RowTally } from './row-issues';

/** A unit or currency as a units row writes it: `PCS`, `EA`, `kg`, `EUR`, `€`, `(USD)`. */
const UNIT_CELL = /^[([]?[\p{L}$€£¥%]{1,5}[)\]]?$/u;

/** A page number on a line of its own, in the languages headers are read in. */
const PAGE_LINE =
  /^(?:page|seite|pagina|página|pag\.?|pág\.?|side|sida|strona|strana|oldal|sivu|blad)\s*\d+(?:\s*(?:of|von|de|di|sur|av|af|z|ze|van|\/)\s*\d+)?$/i;

export class ReportRows {
  private readonly headers = new RowTally();
  private readonly pages = new RowTally();
  private units: { row: number; cells: string[] } | null = null;

  /**
   * `header`: the header row's cells, trimmed; `cols`: the columns the plan
   * reads; `numeric`: those of numbers (quantity, amount, price); `date`: the date's.
   */
  constructor(
    private readonly header: readonly string[],
    private readonly cols: readonly number[],
    private readonly numeric: readonly number[],
    private readonly date: number,
  ) {}

  /**
   * Whether the first row under the header names the columns' units
   * (`,,PCS,EUR`): no date, and words of a few letters or a currency sign,
   * no digit, in number columns only.
   */
  isUnitsRow(fields: readonly string[], row: number): boolean {
    if ((fields[this.date] ?? '').trim() !== '') return false;
    const cells: string[] = [];
    for (const c of this.cols) {
      const cell = (fields[c] ?? '').trim();
      if (cell === '') continue;
      if (!this.numeric.includes(c) || !UNIT_CELL.test(cell)) return false;
      cells.push(cell);
    }
    if (cells.length === 0) return false;
    this.units = { row, cells };
    return true;
  }

  /** Whether the row repeats the header in every column the plan reads (counted when it does). */
  isHeader(fields: readonly string[], row: number): boolean {
    for (const c of this.cols) if ((fields[c] ?? '').trim() !== this.header[c]) return false;
    this.headers.add(row, '');
    return true;
  }

  /** Whether the row is a page number alone (`Page 2 of 5`, `Seite 2 von 5`; counted when it is). */
  isPageLine(fields: readonly string[], row: number): boolean {
    const cells = fields.filter((f) => f.trim() !== '');
    if (cells.length !== 1 || !PAGE_LINE.test((cells[0] as string).trim())) return false;
    this.pages.add(row, '');
    return true;
  }

  notes(): ConventionNote[] {
    const out: ConventionNote[] = [];
    const { headers, pages, units } = this;
    if (units !== null) {
      out.push({
        code: 'units-row',
        column: '',
        firstRow: units.row,
        message: `Row ${units.row} gives the columns' units (${units.cells.map((c) => `"${c}"`).join(', ')}), not a sale: not read`,
      });
    }
    const h = headers.named[0]?.row ?? 0;
    if (headers.count > 0) {
      out.push({
        code: 'repeated-header',
        column: '',
        firstRow: h,
        message: `${headers.count === 1 ? `Row ${h} repeats` : `${headers.count} rows repeat`} the header (files joined one after another, or a report's pages), from row ${h}: not sales, not read`,
      });
    }
    const p = pages.named[0]?.row ?? 0;
    if (pages.count > 0) {
      out.push({
        code: 'page-lines',
        column: '',
        firstRow: p,
        message: `${pages.count === 1 ? `Row ${p} is a page number` : `${pages.count} rows are page numbers`} between rows of data (a printed report's pages), from row ${p}: not read`,
      });
    }
    return out;
  }
}
