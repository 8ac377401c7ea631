import {
  HASHED_TEXT_DEFAULTS,
  HashedTextFeaturizerSpec,
  parseFeaturizerSpec,
} from '../../../src/modules/prelabel/algorithms/featurizer-spec';
import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import { hashedTextReference } from './fixtures/hashed-text-reference';

function textSpec(overrides: Partial<HashedTextFeaturizerSpec> = {}): HashedTextFeaturizerSpec {
  return parseFeaturizerSpec({
    kind: 'hashed-text',
    field: 'text',
    dimension: 64,
    ...overrides,
  }) as HashedTextFeaturizerSpec;
}

function featurizeOne(spec: unknown, payload: unknown): Float32Array {
  const featurizer = createFeaturizer(spec);
  const out = new Float32Array(featurizer.dimension);
  const outcome = featurizer.featurizeInto(payload, out, 0);
  expect(outcome).toEqual({ ok: true });
  return out;
}

describe('parseFeaturizerSpec', () => {
  it('fills the documented defaults into a hashed-text spec', () => {
    expect(parseFeaturizerSpec({ kind: 'hashed-text', field: 'a.b', dimension: 1024 })).toEqual({
      kind: 'hashed-text',
      field: 'a.b',
      dimension: 1024,
      ...HASHED_TEXT_DEFAULTS,
    });
  });

  it.each([
    [{ kind: 'nope', field: 'x', dimension: 3 }, /kind/],
    [{ kind: 'numeric-vector', field: 'x', dimension: 0 }, /dimension/],
    [{ kind: 'numeric-vector', field: 'x', dimension: 2.5 }, /dimension/],
    [{ kind: 'numeric-vector', field: 'a..b', dimension: 3 }, /empty segment/],
    [{ kind: 'numeric-vector', field: 'x', dimension: 3, extra: 1 }, /unknown featurizer key/],
    [{ kind: 'hashed-text', field: 'x', dimension: 8, wordNgrams: [2, 1] }, /wordNgrams/],
    [{ kind: 'hashed-text', field: 'x', dimension: 8, charNgrams: [1, 11] }, /charNgrams/],
    [
      { kind: 'hashed-text', field: 'x', dimension: 8, wordNgrams: null, charNgrams: null },
      /needs/,
    ],
    [{ kind: 'hashed-text', field: 'x', dimension: 8, weighting: 'tfidf' }, /weighting/],
    [{ kind: 'hashed-text', field: 'x', dimension: 8, version: 2 }, /version/],
    ['hashed-text', /object/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFeaturizerSpec(spec)).toThrow(message);
  });
});

describe('numeric-vector featurizer', () => {
  const spec = { kind: 'numeric-vector', field: 'a.b', dimension: 3 };

  it('copies the vector at a nested path', () => {
    expect([...featurizeOne(spec, { a: { b: [1.5, -2, 0] } })]).toEqual([1.5, -2, 0]);
  });

  it('follows numeric segments into arrays', () => {
    const out = featurizeOne(
      { kind: 'numeric-vector', field: 'items.1', dimension: 2 },
      {
        items: [
          [9, 9],
          [3, 4],
        ],
      },
    );
    expect([...out]).toEqual([3, 4]);
  });

  it.each([
    [{}, 'missing-field'],
    [{ a: null }, 'missing-field'],
    [{ a: { b: null } }, 'missing-field'],
    [{ a: { b: 'text' } }, 'wrong-type'],
    [{ a: { b: [1, 2] } }, 'wrong-length'],
    [{ a: { b: [1, 2, 3, 4] } }, 'wrong-length'],
    [{ a: { b: [1, NaN, 3] } }, 'not-finite'],
    [{ a: { b: [1, '2', 3] } }, 'not-finite'],
    [{ a: { b: [1, null, 3] } }, 'not-finite'],
    [null, 'missing-field'],
    ['string payload', 'missing-field'],
  ])('skips %j as %s and leaves the row all zeros', (payload, reason) => {
    const featurizer = createFeaturizer(spec);
    const out = new Float32Array([7, 7, 7, 7, 7]);
    const outcome = featurizer.featurizeInto(payload, out, 1);
    expect(outcome).toMatchObject({ ok: false, reason });
    expect([...out]).toEqual([7, 0, 0, 0, 7]);
  });

  it('does not resolve inherited properties such as constructor or __proto__', () => {
    const featurizer = createFeaturizer({
      kind: 'numeric-vector',
      field: 'constructor',
      dimension: 1,
    });
    expect(featurizer.featurizeInto({}, new Float32Array(1), 0)).toMatchObject({
      reason: 'missing-field',
    });
  });
});

describe('hashed-text featurizer', () => {
  it.each(hashedTextReference)(
    'matches the independent reference for $text',
    ({ text, dimension, wordNgrams, charNgrams, tf }) => {
      const spec = textSpec({
        dimension,
        wordNgrams,
        charNgrams,
        weighting: 'tf',
        normalization: 'none',
      });
      expect([...featurizeOne(spec, { text })]).toEqual(tf);
    },
  );

  it('puts a single word unigram in bucket |h| mod D with the sign of h (hand-checked)', () => {
    // murmur3("ab", seed 0) = 2613040991 = 0x9bc0d35f, i.e. h = 2613040991 − 2³² = −1681926305:
    // sign −1, bucket 1681926305 mod 1024 = 161.
    const out = featurizeOne(
      textSpec({
        dimension: 1024,
        wordNgrams: [1, 1],
        charNgrams: null,
        weighting: 'tf',
        normalization: 'none',
      }),
      { text: 'AB' },
    );
    const nonZero = [...out.keys()].filter(j => out[j] !== 0);
    expect(nonZero).toEqual([161]);
    expect(out[161]).toBe(-1);
  });

  it('applies log-tf per bucket and then L2 normalisation', () => {
    const base = { ...hashedTextReference[0] };
    const spec = textSpec({
      dimension: base.dimension,
      wordNgrams: base.wordNgrams,
      charNgrams: base.charNgrams,
    });
    const out = featurizeOne(spec, { text: base.text });
    const logTf = base.tf.map(x => Math.sign(x) * Math.log1p(Math.abs(x)));
    const norm = Math.sqrt(logTf.reduce((sum, x) => sum + x * x, 0));
    for (let j = 0; j < out.length; j++) expect(out[j]).toBeCloseTo(logTf[j] / norm, 6);
    expect(out.reduce((sum, x) => sum + x * x, 0)).toBeCloseTo(1, 6);
  });

  it('gives the same features to texts that differ only in case, width, ligatures and punctuation', () => {
    const spec = textSpec();
    expect(featurizeOne(spec, { text: 'Ｆine CAFÉ!!' })).toEqual(
      featurizeOne(spec, { text: '  ﬁne   café ' }),
    );
  });

  it('keeps an empty text as an all-zero row, not a skip', () => {
    expect([...featurizeOne(textSpec({ dimension: 8 }), { text: '' })]).toEqual(Array(8).fill(0));
    expect([...featurizeOne(textSpec({ dimension: 8 }), { text: '!!! ...' })]).toEqual(
      Array(8).fill(0),
    );
  });

  it('skips a missing or non-string field', () => {
    const featurizer = createFeaturizer(textSpec({ dimension: 4 }));
    const out = new Float32Array(4).fill(3);
    expect(featurizer.featurizeInto({ body: 'x' }, out, 0)).toMatchObject({
      reason: 'missing-field',
    });
    expect(featurizer.featurizeInto({ text: 42 }, out, 0)).toMatchObject({ reason: 'wrong-type' });
    expect([...out]).toEqual([0, 0, 0, 0]);
  });

  it('handles texts far longer than the initial workspace', () => {
    const spec = textSpec({ dimension: 16, weighting: 'tf', normalization: 'none' });
    const words = Array.from({ length: 2000 }, (_, i) => `w${i % 7}`).join(' ');
    const out = featurizeOne(spec, { text: words });
    // 7 distinct words repeated ~286 times each: their buckets hold counts in the hundreds.
    expect(out.some(x => Math.abs(x) > 100)).toBe(true);
    // Featurizing a short text afterwards is unaffected by the grown workspace.
    const featurizer = createFeaturizer(spec);
    const again = new Float32Array(16);
    featurizer.featurizeInto({ text: words }, again, 0);
    featurizer.featurizeInto({ text: hashedTextReference[0].text }, again, 0);
    const fresh = featurizeOne(spec, { text: hashedTextReference[0].text });
    expect([...again]).toEqual([...fresh]);
  });
});

describe('featurizeBatch', () => {
  it('writes row-major rows, reports skips in row order, and is deterministic', () => {
    const featurizer = createFeaturizer(textSpec({ dimension: 32 }));
    const payloads = [
      { text: 'good film' },
      { title: 'no text' },
      { text: 'bad film' },
      { text: 7 },
    ];
    const first = new Float32Array(4 * 32).fill(9);
    const result = featurizer.featurizeBatch(payloads, first);
    expect(result.featurized).toBe(2);
    expect(result.skipped).toEqual([
      { row: 1, reason: 'missing-field', message: expect.any(String) },
      { row: 3, reason: 'wrong-type', message: expect.any(String) },
    ]);
    expect(first.subarray(32, 64).every(x => x === 0)).toBe(true);
    expect([...first.subarray(0, 32)]).toEqual([...featurizeOne(featurizer.spec, payloads[0])]);
    expect([...first.subarray(64, 96)]).toEqual([...featurizeOne(featurizer.spec, payloads[2])]);

    const second = new Float32Array(4 * 32);
    createFeaturizer(textSpec({ dimension: 32 })).featurizeBatch(payloads, second);
    expect(second).toEqual(first);
    // The same featurizer again: its reused scratch state leaves no trace between rows.
    const third = new Float32Array(4 * 32).fill(-1);
    featurizer.featurizeBatch(payloads, third);
    expect(third).toEqual(first);
  });

  it('refuses an output buffer that is too short', () => {
    const featurizer = createFeaturizer({ kind: 'numeric-vector', field: 'v', dimension: 2 });
    expect(() =>
      featurizer.featurizeBatch([{ v: [1, 2] }, { v: [3, 4] }], new Float32Array(3)),
    ).toThrow(RangeError);
  });
});
