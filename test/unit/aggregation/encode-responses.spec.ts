import {
  encodeResponses,
  ResponseEncoder,
  ResponseRow,
  sortLabels,
} from '../../../src/modules/aggregation/encode-responses';
import { validateResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';

/** The matrix as readable (task id, worker id, label) triples, in matrix order. */
function decoded(encoded: ReturnType<typeof encodeResponses>): string[][] {
  const { matrix, taskIds, workerIds, labelKeys } = encoded;
  return [...matrix.task].map((t, r) => [
    taskIds[t],
    workerIds[matrix.worker[r]],
    labelKeys[matrix.label[r]],
  ]);
}

const row = (worker: string, task: string, label: string): ResponseRow => ({ worker, task, label });

describe('encodeResponses', () => {
  it('maps ids to dense indexes in order of first appearance and back', () => {
    const sut = encodeResponses([
      row('w2', 'b', 'cat'),
      row('w1', 'a', 'dog'),
      row('w1', 'b', 'dog'),
    ]);

    expect(sut.taskIds).toEqual(['b', 'a']);
    expect(sut.workerIds).toEqual(['w2', 'w1']);
    expect(sut.labelKeys).toEqual(['cat', 'dog']);
    expect(sut.matrix).toMatchObject({ nTasks: 2, nWorkers: 2, nLabels: 2 });
    expect(() => validateResponseMatrix(sut.matrix)).not.toThrow();
    expect(decoded(sut)).toEqual([
      ['b', 'w2', 'cat'],
      ['b', 'w1', 'dog'],
      ['a', 'w1', 'dog'],
    ]);
    expect(sut.gold).toBeUndefined();
  });

  it('keeps only the latest answer of a worker to a task', () => {
    const sut = encodeResponses([
      row('w1', 't1', 'no'),
      row('w2', 't1', 'no'),
      row('w1', 't2', 'no'),
      row('w1', 't1', 'yes'),
      row('w1', 't1', 'maybe'),
      row('w2', 't2', 'yes'),
    ]);

    expect(decoded(sut)).toEqual([
      ['t1', 'w1', 'maybe'],
      ['t1', 'w2', 'no'],
      ['t2', 'w1', 'no'],
      ['t2', 'w2', 'yes'],
    ]);
    expect(sut.replacedAnswers).toBe(2);
    // The replaced labels still name a label index: the label set is about what was answered.
    expect(sut.labelKeys).toEqual(['maybe', 'no', 'yes']);
  });

  it('counts every answer with keepRepeats, still grouped by task', () => {
    const sut = encodeResponses(
      [row('w1', 't1', 'no'), row('w1', 't2', 'no'), row('w1', 't1', 'yes')],
      { keepRepeats: true },
    );

    expect(decoded(sut)).toEqual([
      ['t1', 'w1', 'no'],
      ['t1', 'w1', 'yes'],
      ['t2', 'w1', 'no'],
    ]);
    expect(sut.replacedAnswers).toBe(0);
  });

  it('gives the same matrix as deduplicating by hand on random data with many repeats', () => {
    const rng = mulberry32(7);
    const rows: ResponseRow[] = [];
    for (let i = 0; i < 2000; i++) {
      rows.push(row(`w${randomInt(rng, 15)}`, `t${randomInt(rng, 40)}`, `${randomInt(rng, 4)}`));
    }
    const latest = new Map<string, string>();
    for (const r of rows) latest.set(`${r.task}|${r.worker}`, r.label);

    const sut = encodeResponses(rows);

    const got = decoded(sut).map(([task, worker, label]) => `${task}|${worker}=${label}`);
    const expected = [...latest].map(([key, label]) => `${key}=${label}`);
    expect(got.sort()).toEqual(expected.sort());
    expect(sut.replacedAnswers).toBe(rows.length - latest.size);
    // Grouped by task index.
    for (let r = 1; r < sut.matrix.task.length; r++) {
      expect(sut.matrix.task[r]).toBeGreaterThanOrEqual(sut.matrix.task[r - 1]);
    }
  });

  it('sorts inferred labels numerically when all are numbers, else by code units', () => {
    expect(
      encodeResponses([row('w', 'a', '10'), row('w', 'b', '9'), row('w', 'c', '-1')]).labelKeys,
    ).toEqual(['-1', '9', '10']);
    expect(sortLabels(['b', 'B', 'a', '10', '9'])).toEqual(['10', '9', 'B', 'a', 'b']);
    expect(sortLabels(['1.0', '1', '0.5'])).toEqual(['0.5', '1', '1.0']);
  });

  it('uses the explicit label set order and rejects labels outside it', () => {
    const labelSet = ['yes', 'no', 'unsure'];
    const sut = encodeResponses([row('w', 'a', 'no'), row('w', 'b', 'yes')], { labelSet });

    expect(sut.labelKeys).toEqual(labelSet);
    expect([...sut.matrix.label]).toEqual([1, 0]);
    expect(sut.matrix.nLabels).toBe(3);
    expect(() => encodeResponses([row('w', 'a', 'maybe')], { labelSet })).toThrow(
      /label "maybe" is not in the label set/,
    );
    expect(() => new ResponseEncoder({ labelSet: ['a', 'a'] })).toThrow(RangeError);
  });

  it('encodes gold for answered tasks and ignores gold of unknown tasks', () => {
    const gold = new Map([
      ['b', 'dog'],
      ['zzz', 'cat'],
      ['a', 'bird'],
    ]);
    const sut = encodeResponses(
      [row('w1', 'a', 'cat'), row('w1', 'b', 'dog'), row('w2', 'c', 'cat')],
      {},
      gold,
    );

    // Gold labels of answered tasks join the inferred label set.
    expect(sut.labelKeys).toEqual(['bird', 'cat', 'dog']);
    expect([...sut.gold!]).toEqual([0, 2, -1]);
    expect(sut.goldCount).toBe(2);
    expect(sut.ignoredGold).toBe(1);
    expect(() => validateResponseMatrix(sut.matrix, sut.gold)).not.toThrow();
  });

  it('rejects a gold label outside an explicit label set', () => {
    expect(() =>
      encodeResponses([row('w', 'a', 'yes')], { labelSet: ['yes', 'no'] }, [['a', 'maybe']]),
    ).toThrow(RangeError);
  });

  it('indexes known tasks first, even without answers, and counts them out of goldCount', () => {
    const sut = encodeResponses([row('w', 'b', 'x')], { knownTasks: ['a', 'b'] }, [
      ['a', 'x'],
      ['b', 'x'],
    ]);

    expect(sut.taskIds).toEqual(['a', 'b']);
    expect([...sut.matrix.task]).toEqual([1]);
    expect([...sut.gold!]).toEqual([0, 0]);
    expect(sut.goldCount).toBe(1);
  });

  it('accepts its own indexes through addIndexes, with the same result as add', () => {
    const rows = [row('w1', 'b', 'z'), row('w2', 'a', 'y'), row('w1', 'b', 'y')];
    const viaIndexes = new ResponseEncoder();
    for (const r of rows) {
      const label = viaIndexes.labelIndex(r.label);
      viaIndexes.addIndexes(viaIndexes.workerIndex(r.worker), viaIndexes.taskIndex(r.task), label);
    }

    expect(decoded(viaIndexes.finish())).toEqual(decoded(encodeResponses(rows)));
    const other = new ResponseEncoder();
    expect(() => other.addIndexes(0, 0, 0)).toThrow(/not issued by this encoder/);
  });

  it('returns an empty matrix for no rows', () => {
    const sut = encodeResponses([]);

    expect(sut.matrix).toMatchObject({ nTasks: 0, nWorkers: 0, nLabels: 0 });
    expect(sut.matrix.task).toHaveLength(0);
  });

  it('grows past its initial buffers without losing answers', () => {
    const encoder = new ResponseEncoder();
    for (let i = 0; i < 5000; i++) encoder.add(`w${i % 7}`, `t${i}`, i % 3 === 0 ? 'a' : 'b');

    const sut = encoder.finish();

    expect(encoder.size).toBe(5000);
    expect(sut.matrix.task).toHaveLength(5000);
    expect(sut.matrix.label[3000]).toBe(0);
    expect(sut.matrix.label[3001]).toBe(1);
    expect(() => encoder.add('w', 't', 'a')).toThrow(/after finish/);
  });
});
