// The little XML a workbook needs: entities and Excel's own escapes, the
// attributes of a tag, and the text of rich-text runs.

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** Excel's escape for characters XML cannot hold: `_x000D_`. */
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

export function unescapeXml(s: string): string {
  let t = s;
  if (t.indexOf('&') !== -1) {
    t = t.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name?: string) =>
      hex !== undefined
        ? String.fromCodePoint(parseInt(hex, 16))
        : dec !== undefined
          ? String.fromCodePoint(Number(dec))
          : (NAMED[name as string] ?? ''),
    );
  }
  if (t.indexOf('_x') !== -1) {
    t = t.replace(OOXML_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return t;
}

const ATTR = /([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function attrs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text); m !== null; m = ATTR.exec(text)) {
    const name = m[1] as string;
    const value = unescapeXml(m[2] ?? m[3] ?? '');
    out.set(name, value);
    // Unprefixed too: `r:id` is also found as `id`.
    const colon = name.indexOf(':');
    if (colon !== -1 && !out.has(name.slice(colon + 1))) out.set(name.slice(colon + 1), value);
  }
  return out;
}

/** The text of every `<t>` in `xml` (rich-text runs), phonetic runs left out. */
const T_ELEMENT = /<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g;
const PHONETIC = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;

export function runsText(xml: string): string {
  const s = xml.indexOf('rPh') !== -1 ? xml.replace(PHONETIC, '') : xml;
  let out = '';
  T_ELEMENT.lastIndex = 0;
  for (let m = T_ELEMENT.exec(s); m !== null; m = T_ELEMENT.exec(s)) out += m[1] as string;
  return unescapeXml(out);
}
