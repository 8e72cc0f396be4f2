// Files the page hands to the user: a Blob saved under a name, and the
// issue list as CSV (the forecast formats are src/core/exports.ts).

import { csvCell } from '../core/exports';
import type { IngestIssue } from '../core/types';
import { pageWording } from './page-wording';

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function saveText(text: string, name: string, type: string): void {
  saveBlob(new Blob([text], { type }), name);
}

/** "sales.csv" -> "sales" */
export function baseName(fileName: string | null): string {
  const name = fileName ?? 'skucast';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The issues found while reading the file, one CSV row each (LF, as every CSV skucast writes), in the page's words. */
export function issuesToCsv(issues: readonly IngestIssue[]): string {
  const lines = ['severity,code,row,column,message'];
  for (const i of issues) {
    lines.push(
      [
        i.severity,
        csvCell(i.code),
        i.row ?? '',
        csvCell(i.column ?? ''),
        csvCell(pageWording(i.message)),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
