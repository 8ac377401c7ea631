import { encodeUtf8Into, murmurHash3 } from '../../../src/modules/prelabel/algorithms/murmur-hash3';

/** Values printed by Appleby's reference C code (MurmurHash3_x86_32) for the same bytes and seeds. */
const REFERENCE: Array<[string, number, number]> = [
  ['', 0, 0],
  ['', 1, 1364076727],
  ['', 0xffffffff, 2180083513],
  ['a', 0, 1009084850],
  ['ab', 0, 2613040991],
  ['abc', 0, 3017643002],
  ['abcd', 0, 1139631978],
  ['hello', 0, 613153351],
  ['Hello, world!', 0x9747b28c, 612912314],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 799549133],
  ['café', 0, 605818632],
  ['€5', 0, 1945729233],
  ['😀', 0, 3199479546],
  [' the ', 1, 3526427627],
];

function utf8(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 3);
  return bytes.subarray(0, encodeUtf8Into(text, bytes, 0));
}

describe('murmurHash3', () => {
  it.each(REFERENCE)('hashes %j with seed %d like the reference C code', (text, seed, expected) => {
    const bytes = utf8(text);
    expect(murmurHash3(bytes, 0, bytes.length, seed)).toBe(expected);
  });

  it('hashes a range in place, ignoring the bytes around it', () => {
    const padded = utf8('xxhelloyy');
    expect(murmurHash3(padded, 2, 7, 0)).toBe(613153351);
  });
});

describe('encodeUtf8Into', () => {
  it('matches TextEncoder, including astral characters and lone surrogates', () => {
    for (const text of ['plain', 'café', '東京', '😀 ok', 'a\ud800b', '\udc00']) {
      expect([...utf8(text)]).toEqual([...new TextEncoder().encode(text)]);
    }
  });
});
