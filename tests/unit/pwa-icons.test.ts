// The build's icon rasteriser and PNG encoder (scripts/pwa/icons.ts): the
// manifest's icons are drawn from public/favicon.svg with no download.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, parseIconSvg, renderIcon } from '../../scripts/pwa/icons';

const favicon = readFileSync(path.join(__dirname, '../../public/favicon.svg'), 'utf8');

/** Width, height and RGBA pixels of a PNG written by encodePng (filter 0 rows). */
function decode(png: Buffer): { w: number; h: number; rgba: Uint8Array } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const w = png.readUInt32BE(16);
  const h = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    if (png.toString('ascii', o + 4, o + 8) === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    rgba.set(raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1)), y * w * 4);
  return { w, h, rgba };
}

const pixel = (img: { w: number; rgba: Uint8Array }, x: number, y: number): number[] => [
  ...img.rgba.subarray((y * img.w + x) * 4, (y * img.w + x) * 4 + 4),
];

describe('install icons', () => {
  const src = parseIconSvg(favicon);

  it('reads the favicon: a rounded square and one stroked line', () => {
    expect(src.size).toBe(16);
    expect(src.rect).toMatchObject({ width: 16, height: 16, rx: 3, fill: [0x25, 0x63, 0xeb, 255] });
    expect(src.strokes).toHaveLength(1);
    expect(src.strokes[0]!.points).toEqual([
      [3, 12],
      [6, 8],
      [9, 10],
      [13, 4],
    ]);
  });

  it('draws a 192 px icon with transparent rounded corners and the line in white', () => {
    const img = decode(encodePng(renderIcon(src, { px: 192 }), 192, 192));
    expect([img.w, img.h]).toEqual([192, 192]);
    expect(pixel(img, 0, 0)[3]).toBe(0);
    expect(pixel(img, 96, 20)).toEqual([0x25, 0x63, 0xeb, 255]);
    // (6, 8) in icon units is on the line.
    expect(pixel(img, 72, 96)).toEqual([255, 255, 255, 255]);
  });

  it('draws the maskable icon full-bleed, the line inside the safe zone', () => {
    const px = 512;
    const img = decode(encodePng(renderIcon(src, { px, maskable: true }), px, px));
    expect(pixel(img, 0, 0)).toEqual([0x25, 0x63, 0xeb, 255]);
    // Every white pixel lies within the central circle of radius 40%.
    let outside = 0;
    let white = 0;
    for (let y = 0; y < px; y++) {
      for (let x = 0; x < px; x++) {
        if (pixel(img, x, y)[0] === 0x25) continue;
        white++;
        if (Math.hypot(x + 0.5 - px / 2, y + 0.5 - px / 2) >= 0.4 * px) outside++;
      }
    }
    expect(white).toBeGreaterThan(1000);
    expect(outside).toBe(0);
  });

  it('refuses SVG it would not draw as a browser does', () => {
    expect(() => parseIconSvg('<svg viewBox="0 0 16 16"><circle r="3"/></svg>')).toThrow(/circle/);
    expect(() =>
      parseIconSvg(
        '<svg viewBox="0 0 16 16"><rect width="16" height="16" fill="#2563eb"/><path d="M1 1C2 2 3 3 4 4" stroke="#fff"/></svg>',
      ),
    ).toThrow(/path/);
  });
});
