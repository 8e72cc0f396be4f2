// The part of papaparse's API skucast uses. @types/papaparse references Node's
// types (for its stream mode), which would put `process` and `Buffer` in scope
// of src/core and the browser code; the browser-side configs map 'papaparse'
// here instead (tsconfig.core/worker/app.json "paths").

export interface ParseConfig {
  delimiter?: string;
  newline?: string;
  /** Rows to parse; 0 = all. */
  preview?: number;
  skipEmptyLines?: boolean | 'greedy';
}

export interface ParseError {
  type: string;
  code: string;
  message: string;
  row?: number;
}

export interface ParseResult<T> {
  data: T[];
  errors: ParseError[];
  meta: {
    delimiter: string;
    linebreak: string;
    aborted: boolean;
    truncated: boolean;
    cursor: number;
  };
}

export function parse<T>(input: string, config?: ParseConfig): ParseResult<T>;

declare const Papa: { parse: typeof parse };
export default Papa;
