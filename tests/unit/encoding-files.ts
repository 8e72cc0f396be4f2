// Sales exports in the encodings planners' files come in, generated for the
// encoding tests (ingest-encoding*.test.ts) and the fuzz suite: a German units
// export and its bytes in Windows-1252 and UTF-16.
import { mulberry32 } from '../../src/core/random';

/**
 * Windows-1252 bytes of `text`, from the code page's own table for the
 * characters these files use (written out, not taken from the code under test).
 */
const CP1252: Record<string, number> = {
  '€': 0x80,
  '„': 0x84,
  '“': 0x93,
  '–': 0x96,
  '—': 0x97,
  Ä: 0xc4,
  Ö: 0xd6,
  Ü: 0xdc,
  ß: 0xdf,
  ä: 0xe4,
  é: 0xe9,
  ö: 0xf6,
  ü: 0xfc,
  '³': 0xb3,
};

/** The bytes of `text` in a single-byte code page: ASCII as it is, the rest from `table`. */
function singleByte(text: string, table: Record<string, number>, name: string): Uint8Array {
  return Uint8Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x80) return code;
    const b = table[c];
    if (b === undefined) throw new Error(`no ${name} byte for ${c} in this test's table`);
    return b;
  });
}

/** Windows-1252's bytes 0xA0–0xFF are the characters U+00A0–U+00FF (Latin-1), as the code page defines them. */
const LATIN1: Record<string, number> = Object.fromEntries(
  Array.from({ length: 0x60 }, (_, i) => [String.fromCharCode(0xa0 + i), 0xa0 + i]),
);

export function cp1252(text: string): Uint8Array {
  return singleByte(text, { ...LATIN1, ...CP1252 }, 'Windows-1252');
}

/** Windows-1250 bytes of Polish letters, from the code page's own table (as CP1252). */
const CP1250: Record<string, number> = {
  ą: 0xb9,
  ć: 0xe6,
  ę: 0xea,
  ł: 0xb3,
  ń: 0xf1,
  ó: 0xf3,
  ś: 0x9c,
  ź: 0x9f,
  ż: 0xbf,
  Ą: 0xa5,
  Ć: 0xc6,
  Ę: 0xca,
  Ł: 0xa3,
  Ń: 0xd1,
  Ó: 0xd3,
  Ś: 0x8c,
  Ź: 0x8f,
  Ż: 0xaf,
  // Czech and Hungarian
  á: 0xe1,
  é: 0xe9,
  í: 0xed,
  ú: 0xfa,
  ý: 0xfd,
  č: 0xe8,
  Č: 0xc8,
  ď: 0xef,
  ě: 0xec,
  ň: 0xf2,
  ř: 0xf8,
  š: 0x9a,
  Š: 0x8a,
  ť: 0x9d,
  ů: 0xf9,
  ž: 0x9e,
  Ž: 0x8e,
  ö: 0xf6,
  ő: 0xf5,
  Ő: 0xd5,
  ü: 0xfc,
  ű: 0xfb,
  Ö: 0xd6,
};

export function windows1250(text: string): Uint8Array {
  return singleByte(text, CP1250, 'Windows-1250');
}

export function utf16(text: string, order: 'le' | 'be', bom = true): Uint8Array {
  const units = (bom ? '\uFEFF' : '') + text;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const c = units.charCodeAt(i);
    out[2 * i + (order === 'le' ? 0 : 1)] = c & 0xff;
    out[2 * i + (order === 'le' ? 1 : 0)] = c >> 8;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const HEADER = 'Belegdatum;Artikelbezeichnung;Warengruppe;Menge (Stück);Umsatz';
const ITEMS: [string, string, number][] = [
  ['Müsli – Nuss 500 g', 'Frühstück', 3.49],
  ['Weißbier 0,5 l', 'Getränke', 1.19],
  ['Gutschein 10 €', 'Geschenke', 10],
  ['Käse „Gouda“ jung', 'Molkerei', 2.29],
];

/** A German units export: dd.mm.yyyy dates, decimal commas, `rows` rows from 2024-01-01 on. */
export function germanExport(rows: number, seed = 23): string {
  const rand = mulberry32(seed);
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const [name, group, price] = ITEMS[Math.floor(rand() * ITEMS.length)] as [
      string,
      string,
      number,
    ];
    const day = new Date(Date.UTC(2024, 0, 1 + Math.floor((i * 140) / rows)));
    const date = `${String(day.getUTCDate()).padStart(2, '0')}.${String(day.getUTCMonth() + 1).padStart(2, '0')}.${day.getUTCFullYear()}`;
    const qty = 1 + Math.floor(rand() * 6);
    const amount = (qty * price).toFixed(2).replace('.', ',');
    lines.push(`${date};${name};${group};${qty};${amount}`);
  }
  return lines.join('\r\n') + '\r\n';
}
