// Builds small .xlsx workbooks for tests: the XML parts Excel writes, zipped
// with fflate. Cells can be shared or inline strings, numbers, date cells
// (built-in and custom date formats), bare serial numbers, formulas with a
// cached value and booleans; sheets can have merged cells and be hidden.
import { strToU8, zipSync } from 'fflate';
import Papa from 'papaparse';

export type CellSpec =
  | string
  | number
  | null
  | { date: string; style?: 'builtin' | 'custom' }
  | { serial: number }
  | { formula: string; value: number | string }
  | { inline: string }
  | { bool: boolean };

export interface SheetSpec {
  name: string;
  rows: CellSpec[][];
  merges?: string[];
  hidden?: boolean;
  /** Row number of rows[0] (default 1). */
  firstRow?: number;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function letter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}

/** Excel serial of a YYYY-MM-DD date (1900 system). */
export function serialOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86400000 + 25569;
}

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="#,##0.00\\ &quot;€&quot;"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="left"/></xf><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>`;

export function buildXlsx(sheets: SheetSpec[], opts: { sharedStrings?: boolean } = {}): Uint8Array {
  const shared = opts.sharedStrings ?? true;
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const sst = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const cellXml = (c: CellSpec, ref: string): string => {
    if (c === null) return '';
    if (typeof c === 'number')
      return `<c r="${ref}" s="${Number.isInteger(c) ? 0 : 3}"><v>${c}</v></c>`;
    if (typeof c === 'string') {
      if (c === '') return '';
      return shared
        ? `<c r="${ref}" t="s"><v>${sst(c)}</v></c>`
        : `<c r="${ref}" t="inlineStr"><is><t>${esc(c)}</t></is></c>`;
    }
    if ('date' in c) {
      return `<c r="${ref}" s="${c.style === 'custom' ? 2 : 1}"><v>${serialOf(c.date)}</v></c>`;
    }
    if ('serial' in c) return `<c r="${ref}"><v>${c.serial}</v></c>`;
    if ('formula' in c) {
      return typeof c.value === 'number'
        ? `<c r="${ref}"><f>${esc(c.formula)}</f><v>${c.value}</v></c>`
        : `<c r="${ref}" t="str"><f>${esc(c.formula)}</f><v>${esc(c.value)}</v></c>`;
    }
    if ('inline' in c) {
      return `<c r="${ref}" t="inlineStr"><is><r><t xml:space="preserve">${esc(c.inline)}</t></r></is></c>`;
    }
    return `<c r="${ref}" t="b"><v>${c.bool ? 1 : 0}</v></c>`;
  };
  const files: Record<string, Uint8Array> = {};
  sheets.forEach((sheet, k) => {
    const first = sheet.firstRow ?? 1;
    const rows = sheet.rows
      .map((cells, i) => {
        const r = first + i;
        const xml = cells.map((c, j) => cellXml(c, `${letter(j)}${r}`)).join('');
        return xml === '' ? '' : `<row r="${r}" spans="1:${cells.length}">${xml}</row>`;
      })
      .join('');
    const merges = sheet.merges?.length
      ? `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`
      : '';
    files[`xl/worksheets/sheet${k + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="1" width="12" customWidth="1"/></cols><sheetData>${rows}</sheetData>${merges}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`,
    );
  });
  files['[Content_Types].xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
  );
  files['_rels/.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  files['xl/workbook.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr defaultThemeVersion="166925"/><sheets>${sheets
      .map(
        (s, k) =>
          `<sheet name="${esc(s.name)}" sheetId="${k + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${k + 1}"/>`,
      )
      .join('')}</sheets></workbook>`,
  );
  const n = sheets.length;
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
      .map(
        (_, k) =>
          `<Relationship Id="rId${k + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${k + 1}.xml"/>`,
      )
      .join(
        '',
      )}<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  files['xl/styles.xml'] = strToU8(STYLES);
  files['xl/sharedStrings.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings
      .map((s) =>
        s.trim() !== s
          ? `<si><t xml:space="preserve">${esc(s)}</t></si>`
          : `<si><t>${esc(s)}</t></si>`,
      )
      .join('')}</sst>`,
  );
  return zipSync(files, { level: 6 });
}

/** A CSV text as rows of cells. */
export function csvRows(text: string): string[][] {
  return Papa.parse<string[]>(text.trim()).data;
}

/**
 * The seed schema's rows as a spreadsheet holds them: numbers as numbers,
 * dates as date cells (built-in, custom format or bare serials by turns), the
 * amount as a formula with its cached value, genders as inline strings.
 */
export function seedSheetRows(rows: string[][]): CellSpec[][] {
  const [header, ...data] = rows;
  return [
    header as string[],
    ...data.map((r, i): CellSpec[] => {
      const [id, date, customer, gender, age, category, qty, price, total] = r as string[];
      const dateCell: CellSpec =
        i % 3 === 0
          ? { date: date as string }
          : i % 3 === 1
            ? { date: date as string, style: 'custom' }
            : { serial: (Date.parse(`${date}T00:00:00Z`) / 86400000 + 25569) as number };
      return [
        Number(id),
        dateCell,
        customer as string,
        { inline: gender as string },
        Number(age),
        category as string,
        Number(qty),
        Number(price),
        { formula: `G${i + 2}*H${i + 2}`, value: Number(total) },
      ];
    }),
  ];
}
