// The table builder takes rows from any reader: fed the records of a CSV one
// by one, as a spreadsheet reader would, it builds what ingesting the text builds.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ingestText } from '../../src/core/ingest';
import { IssueLog } from '../../src/core/ingest/issues';
import { TableBuilder } from '../../src/core/ingest/table-builder';

function buildFromRows(rows: string[][], mapping = {}): ReturnType<TableBuilder['finish']> {
  const builder = new TableBuilder(new IssueLog(200), mapping);
  const [headers, ...data] = rows;
  if (headers !== undefined && builder.begin(headers)) {
    data.forEach((cells, i) => builder.addRow(cells, i + 2));
  }
  return builder.finish();
}

describe('TableBuilder', () => {
  it('builds the seed sample from rows as ingestion does from its text', () => {
    const text = readFileSync('tests/fixtures/ingest/small.csv', 'utf8');
    const rows = Papa.parse<string[]>(text.trim()).data;
    expect(buildFromRows(rows)).toEqual(ingestText(text));
  });

  it('reports problems in the same words, rows numbered by the reader', () => {
    const text = 'Date,Sales,Store\n2023-01-02,5,A\n2023-01-03,1,200,B\nnot a date,3,A\n';
    const rows = Papa.parse<string[]>(text.trim()).data;
    expect(buildFromRows(rows)).toEqual(ingestText(text));
  });

  it('refuses unusable headers, and says the file is empty without them', () => {
    const rows = [
      ['Store', 'Colour'],
      ['A', 'red'],
    ];
    expect(buildFromRows(rows).report.issues[0]?.code).toBe('no-date-column');
    expect(buildFromRows([]).report.issues[0]?.code).toBe('empty-file');
  });
});
