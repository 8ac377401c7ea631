/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, SMHasher, public domain):
 *
 *   for each little-endian 4-byte block k:  k ← rotl(k·c1, 15)·c2;  h ← rotl(h ⊕ k, 13)·5 + 0xe6546b64
 *   tail (1–3 bytes) k:                     h ← h ⊕ (rotl(k·c1, 15)·c2)
 *   finalise:                               h ← fmix32(h ⊕ length)
 *
 * with c1 = 0xcc9e2d51, c2 = 0x1b873593 and all arithmetic mod 2³². It is the hash of
 * scikit-learn's HashingVectorizer and of Vowpal Wabbit, so hashed features stay reproducible in
 * other tools. Reference: https://github.com/aappleby/smhasher/blob/master/src/MurmurHash3.cpp
 * (MurmurHash3_x86_32). Known values (e.g. "hello", seed 0 → 0x248bfa47) are checked in the tests
 * against the reference C code.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * MurmurHash3_x86_32 of `bytes[start, end)` with `seed`, as an unsigned 32-bit integer.
 * Reads the range in place: hashing an n-gram costs no allocation.
 */
export function murmurHash3(bytes: Uint8Array, start: number, end: number, seed: number): number {
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  let h = seed | 0;
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[i + 2] << 16;
    if (tail >= 2) k ^= bytes[i + 1] << 8;
    k ^= bytes[i];
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Writes the UTF-8 encoding of `text` into `out` from `offset`; returns the offset after the last
 * byte. Lone surrogates become U+FFFD, as TextEncoder does. `out` must have room for
 * 3 × text.length bytes from `offset` (the UTF-8 worst case per UTF-16 code unit).
 */
export function encodeUtf8Into(text: string, out: Uint8Array, offset: number): number {
  let p = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    p = writeCodePoint(c, out, p);
  }
  return p;
}

/** Writes one code point as UTF-8 at `p`; returns the next offset. */
export function writeCodePoint(c: number, out: Uint8Array, p: number): number {
  if (c < 0x80) {
    out[p++] = c;
  } else if (c < 0x800) {
    out[p++] = 0xc0 | (c >> 6);
    out[p++] = 0x80 | (c & 0x3f);
  } else if (c < 0x10000) {
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  } else {
    out[p++] = 0xf0 | (c >> 18);
    out[p++] = 0x80 | ((c >> 12) & 0x3f);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  }
  return p;
}
