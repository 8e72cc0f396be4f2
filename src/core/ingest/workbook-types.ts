// The shapes workbook.ts and the sheet reader it loads on demand (xlsx/) both
// use, apart from either, so that neither imports the other for a type.

/** Which sheet to read: its name, or its 1-based position among the worksheets. */
export type SheetChoice = string | number;

/** A sheet's first rows as text, for the page's mapping form. */
export interface WorkbookPeek {
  /** Worksheet names, in workbook order. */
  sheets: string[];
  /** The sheet read. */
  sheet: string;
  /** The header row (title rows above it skipped), cells as text. */
  headers: string[];
  /** Up to `rows` data rows after it, cells as text. */
  preview: string[][];
}
