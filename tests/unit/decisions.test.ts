// Every decision ingestion makes, said once (src/core/decisions.ts): the lines
// the CLI prints, the JSON's `decisions` and the page's "How the file was read".
import { describe, expect, it } from 'vitest';
import { decisionsOf, type Decision } from '../../src/core/decisions';
import { Ingestor, ingestText } from '../../src/core/ingest';
import { periodsAcross } from './wide-fixtures';

const textOf = (ds: Decision[], kind: Decision['kind']): string[] =>
  ds.filter((d) => d.kind === kind).map((d) => d.text);

describe('decisionsOf', () => {
  it('says a Windows-1252 file and its decimal commas, from the notes ingestion made', () => {
    const bytes = Uint8Array.from(
      Buffer.from(
        'Datum;Artikel;Umsatz\n24.01.2023;M\xfcsli;12,5\n31.01.2023;M\xfcsli;3,5\n',
        'latin1',
      ),
    );
    const ing = new Ingestor();
    ing.push(bytes);
    const ds = decisionsOf(ing.finish());
    expect(textOf(ds, 'encoding')[0]).toMatch(/^windows-1252: Read as Windows-1252/);
    expect(textOf(ds, 'numbers')[0]).toMatch(/^Column "Umsatz" uses a decimal comma/);
    expect(textOf(ds, 'mapping')).toEqual(['date=Datum sku=Artikel amount=Umsatz measure=money']);
    // In reading order: the bytes, then the columns, then the weeks.
    expect(ds.map((d) => d.kind)).toEqual([
      'encoding',
      'numbers',
      'layout',
      'mapping',
      'measure',
      'dates',
      'granularity',
      'origin',
    ]);
  });

  it('names a wide layout and a sku of several columns', () => {
    const wide = decisionsOf(ingestText(periodsAcross(3, 10).csv));
    expect(textOf(wide, 'layout')[0]).toMatch(/^wide-periods-across, one row per item/);
    expect(textOf(wide, 'granularity')[0]).toMatch(/^weekly/);
    const parts = decisionsOf(
      ingestText('date,store,item,sales\n2023-01-02,3,17,5\n2023-01-09,3,17,2\n', {
        mapping: { sku: 'store+item' },
      }),
    );
    expect(textOf(parts, 'mapping')).toEqual([
      'date=date sku=store+item amount=sales measure=money',
    ]);
  });

  it('says nothing it did not decide: no gaps or duplicates line for a full weekly file, none at all for an empty one', () => {
    const full = ingestText('Date,SKU,Sales\n2023-01-06,A,1\n2023-01-13,A,2\n2023-01-20,A,3\n');
    const kinds = decisionsOf(full).map((d) => d.kind);
    expect(kinds).not.toContain('gaps');
    expect(kinds).not.toContain('duplicates');
    expect(textOf(decisionsOf(full), 'origin')).toEqual([
      "2023-01-16, the last complete week; no row beyond the file's bulk",
    ]);
    expect(decisionsOf(ingestText(''))).toEqual([]);
  });
});
