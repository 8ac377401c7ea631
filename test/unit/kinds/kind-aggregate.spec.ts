import { KIND_AGGREGATORS, aggregateKind } from '../../../src/modules/kinds/kind-aggregate';
import { boxesKind } from '../../../src/modules/kinds/boxes-kind';
import { pairwiseKind } from '../../../src/modules/kinds/pairwise-kind';
import { ratingKind } from '../../../src/modules/kinds/rating-kind';
import { spansKind } from '../../../src/modules/kinds/spans-kind';
import { settingsOf } from './kind-test-helpers';

/** Workers w1..wn all giving `answer` (or `answers[i]`) to one task. */
function task(taskId: string, payload: Record<string, unknown>, answers: unknown[]) {
  return { taskId, payload, answers: answers.map((answer, i) => ({ worker: `w${i}`, answer })) };
}

describe('aggregateKind (batch aggregation of the structured kinds in the product)', () => {
  it('gives each answered task a consensus in the kind’s answer shape, skipping unanswered tasks', () => {
    const settings = settingsOf(spansKind, { entityTypes: ['PER', 'LOC'] });
    const per = { start: 0, end: 2, label: 'PER' };
    const results = aggregateKind('TEXT_SPANS', 'hmm-crowd', settings, [
      task('a', { text: 'Ada Lovelace wrote' }, [
        { spans: [per] },
        { spans: [per] },
        { spans: [] },
      ]),
      task('b', { text: 'nothing here' }, []),
      task('c', { text: 'in Paris' }, [{ spans: [{ start: 1, end: 2, label: 'LOC' }] }]),
    ]);
    expect(results.map(r => r.taskId)).toEqual(['a', 'c']);
    expect(results[0].answer).toEqual({ spans: [per] });
    expect(results[1].answer).toEqual({ spans: [{ start: 1, end: 2, label: 'LOC' }] });
    for (const r of results) {
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    // The same answers through token Dawid–Skene agree here.
    const ds = aggregateKind('TEXT_SPANS', 'token-dawid-skene', settings, [
      task('a', { text: 'Ada Lovelace wrote' }, [{ spans: [per] }, { spans: [per] }]),
    ]);
    expect(ds[0].answer).toEqual({ spans: [per] });
    // So does the default, HMM-crowd with its spans re-typed.
    const typed = aggregateKind('TEXT_SPANS', KIND_AGGREGATORS.TEXT_SPANS![0], settings, [
      task('a', { text: 'Ada Lovelace wrote' }, [{ spans: [per] }, { spans: [per] }]),
    ]);
    expect(typed[0].answer).toEqual({ spans: [per] });
    expect(typed[0].confidence).toBeGreaterThan(0);
  });

  it('fuses boxes, grades ratings and ranks pairs', () => {
    const boxSettings = settingsOf(boxesKind, { classes: ['car'] });
    const box = (x: number) => ({ x, y: 10, w: 40, h: 30, label: 'car' });
    const [fused] = aggregateKind('BOUNDING_BOXES', 'box-fusion', boxSettings, [
      task('img', { image: 'a.png', width: 200, height: 100 }, [
        { boxes: [box(10)] },
        { boxes: [box(12)] },
        { boxes: [box(11)] },
      ]),
    ]);
    expect(fused.answer).toEqual({
      boxes: [expect.objectContaining({ x: 11, y: 10, w: 40, h: 30, label: 'car' })],
    });

    const ratingSettings = settingsOf(ratingKind, { min: 1, max: 5 });
    const rated = aggregateKind('RATING', 'ordinal', ratingSettings, [
      task('r1', {}, [{ rating: 4 }, { rating: 4 }, { rating: 4 }]),
      task('r2', {}, [{ rating: 1 }, { rating: 1 }, { rating: 1 }]),
    ]);
    // Scale values (min + grade index), high above low.
    const [high, low] = rated.map(r => (r.answer as { rating: number }).rating);
    expect(high).toBeGreaterThan(low);
    expect([high, low].every(g => Number.isInteger(g) && g >= 1 && g <= 5)).toBe(true);

    const pairSettings = settingsOf(pairwiseKind, {});
    const pairs = aggregateKind('PAIRWISE', 'noisy-bt', pairSettings, [
      task('p1', { left: { id: 'x', text: 'X' }, right: 'y' }, [
        { preferred: 'x' },
        { preferred: 'x' },
        { preferred: 'y' },
      ]),
      task('p2', { left: 'y', right: 'z' }, [{ preferred: 'y' }, { preferred: 'y' }]),
    ]);
    expect(pairs.map(p => p.answer)).toEqual([{ preferred: 'x' }, { preferred: 'y' }]);
    for (const p of pairs) expect(p.confidence).toBeGreaterThan(0.5);
  });

  it('refuses a method its kind does not have (the service checks it first)', () => {
    expect(KIND_AGGREGATORS.TEXT_SPANS).toEqual([
      'hmm-crowd-typed',
      'hmm-crowd',
      'token-dawid-skene',
    ]);
    expect(KIND_AGGREGATORS.SINGLE_CHOICE).toBeUndefined();
    expect(() => aggregateKind('RATING', 'dawid-skene', {}, [])).toThrow(RangeError);
  });
});
