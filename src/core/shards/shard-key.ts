// Which shard a sku belongs to: a hash of its key (the sku as the weekly
// table writes it, `3 · 17` for a sku of several columns), never of row
// order, so every process of a batch job that reads the same file (or a file
// with the rows shuffled, or more rows of the same skus) puts the sku in the
// same shard. FNV-1a 64 over the key's UTF-8 bytes, then murmur3's fmix64 so
// the bits a shard count reads depend on every byte (FNV-1a's low bits are
// close to the XOR of the bytes' low bits: "A1".."A9" would not spread over 2
// shards), then shard = ⌊hi32 × N / 2³²⌋. Integer arithmetic on 32-bit halves
// only: the same shard on every platform and engine.

/** A shard of a batch job: `index` of `count` (0-based, as Kubernetes and AWS Batch number them). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards a job may have: hi32 × count stays an exact double. */
export const MAX_SHARDS = 1 << 20;

/** (a × b) mod 2⁶⁴ of two numbers given as 32-bit halves, into out[0] (hi), out[1] (lo). */
function mul64(ah: number, al: number, bh: number, bl: number, out: Uint32Array): void {
  // al × bl in full from 16-bit pieces; the cross terms only reach the high half.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const midSum = (low >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff);
  const lo = ((midSum & 0xffff) << 16) | (low & 0xffff);
  const carry =
    Math.floor(mid1 / 0x10000) + Math.floor(mid2 / 0x10000) + Math.floor(midSum / 0x10000);
  const hi = (a1 * b1 + carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  out[0] = hi;
  out[1] = lo >>> 0;
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const FNV_PRIME_HI = 0x00000100;
const FNV_PRIME_LO = 0x000001b3;

/** The 64-bit hash of a key as [hi, lo] (FNV-1a 64 of its UTF-8 bytes, then fmix64). */
export function skuKeyHash(key: string): [number, number] {
  const h = new Uint32Array([FNV_OFFSET_HI, FNV_OFFSET_LO]);
  const byte = (b: number): void => {
    h[1] = ((h[1] as number) ^ b) >>> 0;
    mul64(h[0] as number, h[1] as number, FNV_PRIME_HI, FNV_PRIME_LO, h);
  };
  for (let i = 0; i < key.length; i++) {
    let c = key.codePointAt(i) as number;
    if (c > 0xffff) i++;
    // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
    else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) byte(c);
    else if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    } else {
      byte(0xf0 | (c >> 18));
      byte(0x80 | ((c >> 12) & 0x3f));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    }
  }
  fmix64(h);
  return [h[0] as number, h[1] as number];
}

/** murmur3's 64-bit finaliser: k ^= k >> 33; k *= C1; k ^= k >> 33; k *= C2; k ^= k >> 33. */
function fmix64(h: Uint32Array): void {
  const shift33 = (): void => {
    // k >> 33 has hi 0 and lo hi >>> 1.
    h[1] = ((h[1] as number) ^ ((h[0] as number) >>> 1)) >>> 0;
  };
  shift33();
  mul64(h[0] as number, h[1] as number, 0xff51afd7, 0xed558ccd, h);
  shift33();
  mul64(h[0] as number, h[1] as number, 0xc4ceb9fe, 0x1a85ec53, h);
  shift33();
}

/** The shard (0 … count − 1) of a sku key. */
export function shardOfKey(key: string, count: number): number {
  const [hi] = skuKeyHash(key);
  return Math.floor((hi * count) / 0x100000000);
}
