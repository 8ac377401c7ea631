import type { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { dryRunRules } from '../../../src/modules/quality/algorithms/dry-run';
import { parseQualityRule } from '../../../src/modules/quality/algorithms/quality-rule';
import {
  auditEventsFromDryRun,
  bucketAnswers,
  buildAuditReportData,
  BuildAuditReportInput,
} from '../../../src/reports/audit/build-audit-report-data';

const HOUR = 3600_000;

/**
 * 3 workers, 4 tasks, 2 labels. Task 0 is gold (label 0). Consensus: t1 → 1 (0.8), t2 → 0
 * (0.97), t3 → 1 (0.6). With target 0.75, t1 and t2 are confident.
 */
function input(overrides: Partial<BuildAuditReportInput> = {}): BuildAuditReportInput {
  // (task, worker, label) per response.
  const responses = [
    [0, 0, 0],
    [0, 1, 1],
    [0, 2, 0],
    [1, 0, 1],
    [1, 1, 1],
    [1, 2, 0],
    [2, 0, 0],
    [2, 1, 0],
    [3, 2, 1],
  ];
  const matrix: ResponseMatrix = {
    nTasks: 4,
    nWorkers: 3,
    nLabels: 2,
    task: Int32Array.from(responses, r => r[0]),
    worker: Int32Array.from(responses, r => r[1]),
    label: Int32Array.from(responses, r => r[2]),
  };
  return {
    project: { id: 'p', name: 'P', aggregationMethod: 'dawid-skene', confidenceTarget: 0.75 },
    labels: [
      { key: 'no', displayName: 'No' },
      { key: 'yes', displayName: 'Yes' },
    ],
    generatedAt: 1,
    answers: {
      matrix,
      submittedAt: Float64Array.from(responses, (_, r) => r * 0.25 * HOUR),
      durationMs: Float64Array.from(responses, (_, r) => 1000 * (r + 1)),
    },
    workers: [
      { id: 'a', name: 'Ann' },
      { id: 'b', name: 'Bob' },
      { id: 'c', name: 'Cy' },
    ],
    gold: Int32Array.from([0, -1, -1, -1]),
    consensus: {
      probabilities: Float64Array.from([1, 0, 0.2, 0.8, 0.97, 0.03, 0.4, 0.6]),
      labels: Int32Array.from([0, 1, 0, 1]),
      workerAccuracy: Float64Array.from([0.9, 0.7, 0.6]),
    },
    ...overrides,
  };
}

describe(buildAuditReportData.name, () => {
  const sut = buildAuditReportData(input());

  it('scores each worker on gold and on confident consensus, separately', () => {
    expect(sut.workers.map(w => [w.id, w.gold, w.consensus])).toEqual([
      ['a', { correct: 1, total: 1 }, { agreed: 2, total: 2 }],
      ['b', { correct: 0, total: 1 }, { agreed: 2, total: 2 }],
      ['c', { correct: 1, total: 1 }, { agreed: 0, total: 1 }], // t3 is not confident
    ]);
    expect(sut.workers.map(w => w.answers)).toEqual([3, 3, 3]);
    expect(sut.workers.map(w => w.modelAccuracy)).toEqual([0.9, 0.7, 0.6]);
  });

  it('takes median answer times in seconds', () => {
    // Ann answered responses 0, 3, 6 → 1, 4, 7 s; Cy 2, 5, 8 → 3, 6, 9 s.
    expect(sut.workers.map(w => w.medianSeconds)).toEqual([4, 5, 6]);
  });

  it('builds confusion matrices against gold on gold tasks and consensus elsewhere', () => {
    expect(sut.workers.map(w => w.confusion)).toEqual([
      [
        [2, 0],
        [0, 1],
      ],
      [
        [1, 1],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    ]);
    expect(sut.overallConfusion).toEqual([
      [4, 1],
      [1, 3],
    ]);
  });

  it('reports the confidence of non-gold tasks and counts completed tasks', () => {
    expect(sut.taskConfidence).toEqual([0.8, 0.97, 0.6]);
    expect(sut.summary).toMatchObject({
      tasks: 4,
      completedTasks: 3,
      goldTasks: 1,
      answers: 9,
      workers: 3,
    });
  });

  it('measures the consensus on held-out known labels when given', () => {
    const withTruth = buildAuditReportData(
      input({ evaluation: { truth: Int32Array.from([-1, 1, 1, -1]), basis: 'held out' } }),
    );
    expect(withTruth.summary.consensusAccuracy).toEqual({
      correct: 1,
      total: 2,
      basis: 'held out',
    });
    expect(sut.summary.consensusAccuracy).toBeNull();
  });

  it('takes statuses and events from the caller', () => {
    const withStatus = buildAuditReportData(input({ statuses: new Map([['b', 'BLOCKED']]) }));
    expect(withStatus.workers.map(w => w.status)).toEqual(['ACTIVE', 'BLOCKED', 'ACTIVE']);
  });

  it('rejects inputs whose sizes disagree', () => {
    const base = input();
    expect(() => buildAuditReportData({ ...base, workers: base.workers.slice(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      buildAuditReportData({
        ...base,
        answers: { ...base.answers, durationMs: new Float64Array(2) },
      }),
    ).toThrow(RangeError);
  });
});

describe(bucketAnswers.name, () => {
  const m = { task: Int32Array.from([0, 1, 1, 0]) };
  const gold = Int32Array.from([0, -1]);

  it('counts answers and gold answers per bucket aligned to the bucket size, empty buckets included', () => {
    const times = Float64Array.from([0.5 * HOUR, 0.9 * HOUR, 3.2 * HOUR, 3.3 * HOUR]);
    expect(bucketAnswers(times, m, gold, 3600)).toEqual({
      bucketSeconds: 3600,
      buckets: [
        { start: 0, answers: 2, goldAnswers: 1 },
        { start: HOUR, answers: 0, goldAnswers: 0 },
        { start: 2 * HOUR, answers: 0, goldAnswers: 0 },
        { start: 3 * HOUR, answers: 2, goldAnswers: 1 },
      ],
    });
  });

  it('picks the smallest bucket giving at most 60 buckets', () => {
    const twoWeeks = Float64Array.from([0, 14 * 24 * HOUR, 1, 2]);
    expect(bucketAnswers(twoWeeks, m, gold).bucketSeconds).toBe(6 * 3600);
    const twoHours = Float64Array.from([0, 2 * HOUR, 1, 2]);
    expect(bucketAnswers(twoHours, m, gold).bucketSeconds).toBe(300);
    expect(bucketAnswers(new Float64Array(0), { task: new Int32Array(0) }, gold).buckets).toEqual(
      [],
    );
  });
});

describe(auditEventsFromDryRun.name, () => {
  it('turns firings into dry-run events and end states into statuses', () => {
    const rule = parseQualityRule({
      name: 'bad gold',
      collector: { kind: 'GOLD_ACCURACY', minCount: 2 },
      conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
      action: [{ kind: 'BLOCK', durationSeconds: 60 }, { kind: 'NOTIFY' }],
    });
    const flag = parseQualityRule({
      name: 'all the same',
      collector: { kind: 'SAME_ANSWER_SHARE', minCount: 2 },
      conditions: [{ metric: 'share', op: '>=', value: 1 }],
      action: { kind: 'FLAG' },
    });
    const event = (workerId: string, minute: number, correct: boolean) => ({
      workerId,
      submittedAt: minute * 60_000,
      durationMs: 1000,
      isGold: true,
      goldCorrect: correct,
      agreedWithConfidentConsensus: null,
      answerKey: correct ? 'a' : 'b',
    });
    const report = dryRunRules(
      [rule, flag],
      [event('x', 0, false), event('x', 1, false), event('y', 0, true), event('y', 1, true)],
    );
    const { events, statuses } = auditEventsFromDryRun(report);
    expect(events).toEqual([
      {
        at: 60_000,
        workerId: 'x',
        actor: 'bad gold',
        actorKind: 'RULE',
        actions: [
          { kind: 'BLOCK', scope: 'PROJECT', durationSeconds: 60 },
          { kind: 'NOTIFY', scope: 'PROJECT', durationSeconds: null },
        ],
        reason: report.firings[0].reason,
        dryRun: true,
      },
      expect.objectContaining({ workerId: 'x', actor: 'all the same' }),
      expect.objectContaining({ workerId: 'y', actor: 'all the same' }),
    ]);
    expect(statuses).toEqual(
      new Map([
        ['x', 'BLOCKED'],
        ['y', 'FLAGGED'],
      ]),
    );
  });
});
