// The app's install icons, drawn at build time from public/favicon.svg with no
// download and no native dependency: a tiny rasteriser for the one SVG subset
// the icon uses (a rounded <rect> and stroked <path>s of straight M/L segments,
// round caps and joins), anti-aliased by supersampling, and a minimal PNG
// encoder over node:zlib. Anything else in the SVG is an error, not a silent
// difference from what a browser would draw.

import { deflateSync } from 'node:zlib';

interface Rect {
  width: number;
  height: number;
  rx: number;
  fill: Rgba;
}

interface Stroke {
  points: [number, number][];
  width: number;
  color: Rgba;
}

export interface IconSource {
  /** viewBox size (square) */
  size: number;
  rect: Rect;
  strokes: Stroke[];
}

type Rgba = [number, number, number, number];

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function color(value: string | undefined, what: string): Rgba {
  if (value === '#fff' || value === 'white') return [255, 255, 255, 255];
  const m = /^#([0-9a-f]{6})$/i.exec(value ?? '');
  if (!m?.[1]) throw new Error(`icon: ${what} colour "${value}" is not #rrggbb`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

/** Absolute points of a path made only of M/m/L/l commands (implicit repeats allowed). */
function pathPoints(d: string): [number, number][] {
  if (/[^MmLl\d\s,.eE-]/.test(d)) throw new Error(`icon: path "${d}" has commands other than M/L`);
  const tokens = d.match(/[MmLl]|-?\d*\.?\d+(?:e-?\d+)?/g) ?? [];
  const points: [number, number][] = [];
  let cmd = '';
  let x = 0;
  let y = 0;
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i] as string;
    if (/^[MmLl]$/.test(t)) {
      cmd = t;
      i++;
      continue;
    }
    const dx = Number(tokens[i]);
    const dy = Number(tokens[i + 1]);
    if (!cmd || Number.isNaN(dx) || Number.isNaN(dy)) throw new Error(`icon: bad path "${d}"`);
    const relative = cmd === 'm' || cmd === 'l';
    x = relative ? x + dx : dx;
    y = relative ? y + dy : dy;
    if ((cmd === 'M' || cmd === 'm') && points.length > 0)
      throw new Error('icon: one subpath per <path>');
    points.push([x, y]);
    // After a moveto, further pairs are linetos.
    if (cmd === 'M') cmd = 'L';
    if (cmd === 'm') cmd = 'l';
    i += 2;
  }
  if (points.length < 2) throw new Error(`icon: path "${d}" draws nothing`);
  return points;
}

/** Reads the icon SVG; throws on anything this rasteriser does not draw. */
export function parseIconSvg(svg: string): IconSource {
  const viewBox = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  if (!viewBox || viewBox[1] !== viewBox[2])
    throw new Error('icon: needs a square viewBox 0 0 N N');
  const size = Number(viewBox[1]);
  const tags = svg.match(/<(?!\/)(?!svg\b)[a-z]+\b[^>]*>/gi) ?? [];
  let rect: Rect | undefined;
  const strokes: Stroke[] = [];
  for (const tag of tags) {
    const name = /^<([a-z]+)/i.exec(tag)?.[1];
    if (name === 'rect') {
      rect = {
        width: Number(attr(tag, 'width')),
        height: Number(attr(tag, 'height')),
        rx: Number(attr(tag, 'rx') ?? 0),
        fill: color(attr(tag, 'fill'), 'rect fill'),
      };
    } else if (name === 'path') {
      if ((attr(tag, 'fill') ?? 'none') !== 'none')
        throw new Error('icon: filled paths unsupported');
      strokes.push({
        points: pathPoints(attr(tag, 'd') ?? ''),
        width: Number(attr(tag, 'stroke-width') ?? 1),
        color: color(attr(tag, 'stroke'), 'stroke'),
      });
    } else {
      throw new Error(`icon: <${name}> is not supported by the build's rasteriser`);
    }
  }
  if (!rect) throw new Error('icon: needs a background <rect>');
  return { size, rect, strokes };
}

function insideRoundedRect(x: number, y: number, w: number, h: number, r: number): boolean {
  if (x < 0 || y < 0 || x > w || y > h) return false;
  const cx = Math.min(Math.max(x, r), w - r);
  const cy = Math.min(Math.max(y, r), h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distanceToSegment(
  px: number,
  py: number,
  [ax, ay]: [number, number],
  [bx, by]: [number, number],
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * vx + (py - ay) * vy) / len2));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

export interface RenderOptions {
  /** Output size in pixels (square). */
  px: number;
  /**
   * Maskable: the background fills the whole square (no rounded corners) and the
   * strokes are scaled into the central safe zone (a circle of 40% of the size).
   */
  maskable?: boolean;
}

/** RGBA pixels of the icon at `px` × `px`, 4×4 supersampled. */
export function renderIcon(src: IconSource, { px, maskable = false }: RenderOptions): Uint8Array {
  const out = new Uint8Array(px * px * 4);
  const SS = 4;
  // icon units per pixel; the maskable variant draws the strokes at 60% around the centre.
  const unit = src.size / px;
  const contentScale = maskable ? 0.6 : 1;
  const c = src.size / 2;
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const ux = (x + (sx + 0.5) / SS) * unit;
          const uy = (y + (sy + 0.5) / SS) * unit;
          let rgba: Rgba | undefined;
          if (maskable || insideRoundedRect(ux, uy, src.rect.width, src.rect.height, src.rect.rx)) {
            rgba = src.rect.fill;
          }
          // Stroke space: the maskable icon's strokes shrink towards the centre.
          const qx = c + (ux - c) / contentScale;
          const qy = c + (uy - c) / contentScale;
          for (const s of src.strokes) {
            for (let i = 1; i < s.points.length; i++) {
              const a = s.points[i - 1] as [number, number];
              const b = s.points[i] as [number, number];
              if (distanceToSegment(qx, qy, a, b) <= s.width / 2) {
                rgba = s.color;
                break;
              }
            }
          }
          if (rgba) {
            // Premultiplied accumulation, so edges blend towards transparent, not black.
            acc[0] = (acc[0] as number) + rgba[0] * rgba[3];
            acc[1] = (acc[1] as number) + rgba[1] * rgba[3];
            acc[2] = (acc[2] as number) + rgba[2] * rgba[3];
            acc[3] = (acc[3] as number) + rgba[3];
          }
        }
      }
      const a = acc[3] as number;
      const o = (y * px + x) * 4;
      if (a > 0) {
        out[o] = Math.round((acc[0] as number) / a);
        out[o + 1] = Math.round((acc[1] as number) / a);
        out[o + 2] = Math.round((acc[2] as number) / a);
        out[o + 3] = Math.round(a / (SS * SS));
      }
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 255] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** An 8-bit RGBA PNG (no filtering, zlib level 9). */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
