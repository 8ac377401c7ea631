import { sameLabels, validateAnswer } from '../../../src/modules/marketplace/validate-answer';

const options = [
  { key: 'red', displayName: 'Red' },
  { key: 'green', displayName: 'Green' },
  { key: 'blue', displayName: 'Blue' },
];
const single = { kind: 'SINGLE_CHOICE' as const, labels: options };
const multi = { kind: 'MULTI_LABEL' as const, labels: options };

describe('validateAnswer', () => {
  it('accepts exactly one known key for single choice', () => {
    expect(validateAnswer(single, ['green'])).toEqual({ ok: true, labels: ['green'] });
  });

  it.each([
    [[], /exactly one/],
    [['red', 'blue'], /exactly one/],
    [['purple'], /Unknown label "purple"/],
    [['Red'], /Unknown label/],
    [[' red'], /Unknown label/],
  ])('refuses %j for single choice', (labels, message) => {
    const result = validateAnswer(single, labels);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('accepts distinct known keys for multi-label and stores them in schema order', () => {
    expect(validateAnswer(multi, ['blue', 'red'])).toEqual({ ok: true, labels: ['red', 'blue'] });
    expect(validateAnswer(multi, ['green'])).toEqual({ ok: true, labels: ['green'] });
  });

  it.each([
    [[], /at least one/],
    [['red', 'red'], /repeat/],
    [['red', 'pink'], /Unknown label "pink"/],
  ])('refuses %j for multi-label', (labels, message) => {
    const result = validateAnswer(multi, labels);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('does not mutate its input', () => {
    const labels = ['blue', 'red'];
    validateAnswer(multi, labels);
    expect(labels).toEqual(['blue', 'red']);
  });
});

describe('sameLabels', () => {
  it('compares label sets in any order', () => {
    expect(sameLabels(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameLabels(['a'], ['a'])).toBe(true);
    expect(sameLabels(['a'], ['b'])).toBe(false);
    expect(sameLabels(['a', 'b'], ['a'])).toBe(false);
    expect(sameLabels(['a', 'a'], ['a', 'b'])).toBe(false);
    expect(sameLabels([], [])).toBe(true);
  });
});
