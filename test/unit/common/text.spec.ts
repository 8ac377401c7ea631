import { isStorableJson, isStorableText } from '../../../src/common/text';

describe('isStorableText / isStorableJson', () => {
  it('refuses NUL anywhere, in values and keys', () => {
    expect(isStorableText('a\u0000')).toBe(false);
    expect(isStorableText('plain ünïcode 🐈')).toBe(true);
    expect(isStorableJson({ a: [{ b: 'x\u0000' }] })).toBe(false);
    expect(isStorableJson({ ['k\u0000']: 1 })).toBe(false);
  });

  it('refuses lone surrogates but accepts pairs', () => {
    expect(isStorableJson({ t: '\ud83d\udc08' })).toBe(true);
    expect(isStorableJson({ t: 'a\ud83d' })).toBe(false);
    expect(isStorableJson({ t: '\udc08b' })).toBe(false);
  });

  it('accepts numbers, booleans and nulls', () => {
    expect(isStorableJson({ n: 1, b: true, z: null, list: [1, 'two', { three: 3 }] })).toBe(true);
  });
});
