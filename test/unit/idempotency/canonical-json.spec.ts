import { canonicalJson, requestHash } from '../../../src/modules/idempotency/canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text for the same value built in another key order', () => {
    const first = { projectId: 'p', tasks: [{ externalId: 'a', payload: { x: 1, y: 2 } }] };
    const second = { tasks: [{ payload: { y: 2, x: 1 }, externalId: 'a' }], projectId: 'p' };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
    expect(requestHash(first)).toBe(requestHash(second));
  });

  it('treats omitted, undefined and null object properties alike', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: null })).toBe('{"a":1}');
    expect(requestHash({ a: 1 })).toBe(requestHash({ a: 1, goldLabel: null }));
  });

  it('keeps array order and turns undefined array items into null', () => {
    expect(canonicalJson([2, 1, undefined])).toBe('[2,1,null]');
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
  });

  it('writes dates as ISO strings and non-finite numbers as null', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.006Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.006Z"}',
    );
    expect(canonicalJson([NaN, Infinity, -0, 1.5])).toBe('[null,null,0,1.5]');
  });

  it('escapes strings and keys as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak \u2028' })).toBe(
      JSON.stringify({ 'k"ey': 'line\nbreak \u2028' }),
    );
  });

  it('tells different values apart', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
    expect(requestHash({ a: [] })).not.toBe(requestHash({ a: {} }));
    expect(requestHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
