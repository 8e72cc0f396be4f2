// Issue 24 part B in the core: names kept as written, statsforecast's long
// format read with no mapping, a reading pinned by a profile (no guessing,
// the header reported), and the CSV header in statsforecast's names.
import { describe, expect, it } from 'vitest';
import { detectColumns, ingestText, Ingestor, type IngestOptions } from '../../src/core/ingest';
import {
  missingColumns,
  parseProfile,
  profileJson,
  profileOf,
  profileReading,
} from '../../src/core/reading-profile';
import { renamedHeaderLine, withColumnNames } from '../../src/core/output-names';
import { weeklyTableToCsv } from '../../src/core/weekly-csv';
import { buildXlsx } from './xlsx-build';

const skus = (text: string): string[] => ingestText(text).series.map((s) => s.sku);

describe('names are kept as written', () => {
  it('" A1", "A1" and "A1 " are three skus, each as the file writes it', () => {
    const text = 'Date,SKU,Units\n2024-01-01, A1,1\n2024-01-01,A1,2\n2024-01-01,A1 ,4\n';
    expect(skus(text).sort()).toEqual([' A1', 'A1', 'A1 ']);
    const t = ingestText(text);
    expect(t.series.find((s) => s.sku === ' A1')?.rows[0]?.quantity).toBe(1);
    // The weekly CSV writes them as they are (no quoting needed for spaces).
    expect(weeklyTableToCsv(t)).toContain('\n A1,-1,2024-01-01,');
  });

  it('an all-blank sku is still a missing sku: the row is skipped with an issue', () => {
    const t = ingestText('Date,SKU,Units\n2024-01-01,   ,1\n2024-01-01,B,2\n');
    expect(t.series.map((s) => s.sku)).toEqual(['B']);
    expect(t.report.skippedByReason).toEqual({ 'missing-sku': 1 });
  });

  it('categories and the parts of a several-column sku keep their spaces too', () => {
    const t = ingestText('Date,Store,Item,Category,Units\n2024-01-01, 3,17 ,Food ,1\n', {
      mapping: { sku: 'Store+Item' },
    });
    expect(t.series[0]?.sku).toBe(' 3 · 17 ');
    expect(t.series[0]?.parts).toEqual([' 3', '17 ']);
    expect(t.series[0]?.category).toBe('Food ');
    // A blank category is no category, as before.
    const blank = ingestText('Date,SKU,Category,Units\n2024-01-01,A,  ,1\n');
    expect(blank.series[0]?.category).toBe('');
  });

  it('with no sku column, the seed ids still know a category written with spaces', () => {
    const seed = ingestText(
      'Date,Product Category,Price per Unit,Total Amount\n2024-01-01,Beauty,50,50\n',
    );
    const spaced = ingestText(
      'Date,Product Category,Price per Unit,Total Amount\n2024-01-01, Beauty,50,50\n',
    );
    expect(spaced.series[0]?.sku).toBe(' Beauty · 50');
    expect(spaced.series[0]?.seed_id).toBe(seed.series[0]?.seed_id);
    expect(seed.series[0]?.seed_id).toBeGreaterThanOrEqual(0);
  });
});

describe("statsforecast's long format", () => {
  const text = 'unique_id,ds,y\nA,2024-01-01,3\nA,2024-01-08,4\nB,2024-01-01,5\n';

  it('unique_id, ds, y read with no mapping: y as the units sold, and the reason says so', () => {
    const t = ingestText(text);
    expect(t.report.mapping).toEqual({ sku: 'unique_id', date: 'ds', quantity: 'y' });
    expect(t.report.measure).toBe('units');
    expect(t.report.measureReason).toMatch(/statsforecast's long format/);
    expect(t.series.map((s) => [s.sku, s.rows.map((r) => r.quantity)])).toEqual([
      ['A', [3, 4]],
      ['B', [5, 0]],
    ]);
    // The page's mapping form sees the same roles.
    expect(detectColumns(['unique_id', 'ds', 'y']).mapping).toEqual({
      sku: 'unique_id',
      date: 'ds',
      quantity: 'y',
    });
  });

  it('y is found also when unique_id or ds was chosen, and only beside them', () => {
    expect(ingestText(text, { mapping: { sku: 'unique_id' } }).report.mapping.quantity).toBe('y');
    expect(detectColumns(['date', 'sku', 'y', 'sales']).mapping.quantity).toBeUndefined();
    expect(ingestText('Date,SKU,y\n2024-01-01,A,1\n').report.issues[0]?.code).toBe(
      'no-amount-column',
    );
  });
});

describe('a reading profile', () => {
  const today = 'Datum,Artikel,Menge\n25/01/2024,A,3\n02/01/2024,B,1\n';

  it('pins what was decided, and reads tomorrow the same way, new columns left unread', () => {
    const t = ingestText(today);
    expect(t.report.header).toEqual(['Datum', 'Artikel', 'Menge']);
    const profile = profileOf(t.report, {});
    expect(profile).toEqual({
      profile_version: 1,
      mapping: { date: 'Datum', sku: 'Artikel', quantity: 'Menge' },
      layout: 'long',
      measure: 'units',
      date_format: 'DMY',
      header: ['Datum', 'Artikel', 'Menge'],
    });
    expect(parseProfile(profileJson(profile))).toEqual(profile);
    // Tomorrow: only dates that read both ways, and a promotion column.
    const tomorrow = 'Datum,Artikel,Menge,Promo\n02/01/2024,A,3,1\n';
    expect(ingestText(tomorrow).report.firstDate).toBe('2024-02-01');
    const pinned = ingestText(tomorrow, { ...profileReading(profile), detect: false });
    expect(pinned.report.firstDate).toBe('2024-01-02');
    expect(pinned.report.hasPromo).toBeUndefined();
    expect(ingestText(tomorrow).report.hasPromo).toBe(true);
  });

  it("a workbook's profile pins its sheet and the header found below a title row", async () => {
    const book = buildXlsx([
      { name: 'Notes', rows: [['nothing here']] },
      {
        name: 'Sales',
        rows: [['Weekly sales'], ['Date', 'Item', 'Units'], [{ date: '2024-01-01' }, 'A', 3]],
      },
    ]);
    const read = async (opts: IngestOptions) => {
      const ing = new Ingestor(opts);
      ing.push(book);
      return ing.finishAsync();
    };
    const profile = profileOf((await read({ sheet: 'Sales' })).report, {});
    expect(profile.sheet).toBe('Sales');
    expect(profile.header).toEqual(['Date', 'Item', 'Units']);
    const again = await read({ ...profileReading(profile), detect: false });
    expect(again.report.sheet).toBe('Sales');
    expect(again.series.map((s) => s.sku)).toEqual(['A']);
  });

  it('a several-column sku is saved as its columns, and read back as one', () => {
    const t = ingestText('Date,Store,Item,Units\n2024-01-01,3,17,1\n');
    const profile = profileOf(t.report, {});
    expect(profile.mapping.sku).toEqual(['Store', 'Item']);
    expect(profileReading(profile).mapping.sku).toBe('Store+Item');
  });

  it("names the profile's columns a header lacks; extra ones do not matter", () => {
    const mapping = { date: 'Datum', sku: ['Store', 'Item'], quantity: 'Menge' };
    expect(missingColumns(mapping, ['datum', 'Store', 'Item', 'Menge', 'New'])).toEqual([]);
    expect(missingColumns(mapping, ['Datum', 'Store', 'Qty'])).toEqual([
      { role: 'sku', column: 'Item' },
      { role: 'quantity', column: 'Menge' },
    ]);
  });

  it('a broken profile gets a message, not a guess', () => {
    const good = profileJson(profileOf(ingestText(today).report, {}));
    expect(parseProfile('{')).toMatch(/^not JSON/);
    expect(parseProfile('[]')).toMatch(/JSON object/);
    expect(parseProfile(good.replace('"layout"', '"layuot"'))).toMatch(/unknown key "layuot"/);
    expect(parseProfile(good.replace('"Menge"', '""'))).toMatch(/mapping.quantity/);
    expect(parseProfile(good.replace('"DMY"', '"DDMMYY"'))).toMatch(/date_format/);
    expect(parseProfile(good.replace('"profile_version": 1', '"profile_version": 2'))).toMatch(
      /profile_version 2/,
    );
  });
});

describe("statsforecast's names in the CSV header", () => {
  it('renames sku and week_start only, whole cells outside quotes', () => {
    expect(renamedHeaderLine('sku,cutoff,week_start,y\n', 'statsforecast')).toBe(
      'unique_id,cutoff,ds,y\n',
    );
    expect(renamedHeaderLine('sku,"a,sku",week_start_x\n', 'statsforecast')).toBe(
      'unique_id,"a,sku",week_start_x\n',
    );
    expect(renamedHeaderLine('sku,week_start\n', 'skucast')).toBe('sku,week_start\n');
  });

  it('renames the header however the chunks fall, and leaves the rows alone', () => {
    const csv = 'sku,week_start,p50\nsku,2024-01-01,1\n';
    for (let cut = 1; cut < csv.length; cut++) {
      const chunks = [csv.slice(0, cut), csv.slice(cut)];
      expect([...withColumnNames(chunks, 'statsforecast')].join('')).toBe(
        'unique_id,ds,p50\nsku,2024-01-01,1\n',
      );
    }
  });
});
