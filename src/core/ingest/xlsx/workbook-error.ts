// Why a workbook cannot be read: a file error's code and message, thrown
// anywhere in the sheet reader and caught once, at its entry (index.ts).
export class WorkbookError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
