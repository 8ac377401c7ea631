import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { dryRunRules, ProjectAnswerEvent } from '../../../src/modules/quality/algorithms/dry-run';
import { evaluateRule } from '../../../src/modules/quality/algorithms/evaluate-rule';
import { parseQualityRule } from '../../../src/modules/quality/algorithms/quality-rule';
import { historyFromEvents } from '../../../src/modules/quality/algorithms/worker-history';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Blocks on the project when gold accuracy < 0.5 over the last 4 golds (4 needed). */
const blockOnGold = (durationSeconds?: number) =>
  parseQualityRule({
    name: 'gold below 50%',
    collector: { kind: 'GOLD_ACCURACY', window: { lastN: 4 }, minCount: 4 },
    conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
    action: [
      durationSeconds ? { kind: 'BLOCK', durationSeconds } : { kind: 'BLOCK' },
      { kind: 'REOPEN_TASKS', answers: 'ALL' },
    ],
  });

const flagFast = parseQualityRule({
  name: 'too fast',
  collector: { kind: 'ANSWER_TIME', window: { lastN: 3 }, minCount: 3 },
  conditions: [{ metric: 'medianSeconds', op: '<', value: 2 }],
  action: { kind: 'FLAG' },
});

/**
 * Worker `good` answers gold right; `bad` answers gold wrong; `fast` answers in one second.
 * Each answers one task per minute, every other task gold, for `minutes` minutes.
 */
function project(minutes: number): ProjectAnswerEvent[] {
  const events: ProjectAnswerEvent[] = [];
  for (let m = 0; m < minutes; m++) {
    const isGold = m % 2 === 0;
    for (const workerId of ['good', 'bad', 'fast']) {
      events.push({
        workerId,
        taskId: `task-${m}`,
        submittedAt: m * MINUTE,
        durationMs: workerId === 'fast' ? 1000 : 15_000,
        isGold,
        goldCorrect: isGold ? workerId !== 'bad' : null,
        agreedWithConfidentConsensus: null,
        answerKey: workerId === 'bad' ? 'no' : 'yes',
      });
    }
  }
  return events;
}

describe(dryRunRules.name, () => {
  it('reports who would have been blocked and flagged, when, and why, without acting', () => {
    const events = project(20);
    const sut = dryRunRules([blockOnGold(), flagFast], events);

    // `bad`'s 4th gold is at minute 6; `fast`'s 3rd answer at minute 2.
    expect(sut.firings.map(f => [f.ruleName, f.workerId, f.at / MINUTE])).toEqual([
      ['too fast', 'fast', 2],
      ['gold below 50%', 'bad', 6],
    ]);
    const block = sut.firings[1];
    expect(block.evidence).toMatchObject({ count: 4, successes: 0, metrics: { accuracy: 0 } });
    expect(block.reason).toContain('gold accuracy 0.0% (0 of 4');
    expect(block.answersToExclude).toBe(7); // minutes 0..6

    const byId = Object.fromEntries(sut.workers.map(w => [w.workerId, w]));
    expect(byId.bad).toMatchObject({
      answers: 20,
      answersReplayed: 7,
      answersPrevented: 13,
      firings: 1,
      firstFiredAt: 6 * MINUTE,
      blockedAtEnd: true,
      blockedUntil: null,
    });
    expect(byId.fast).toMatchObject({
      flaggedAtEnd: true,
      blockedAtEnd: false,
      answersPrevented: 0,
    });
    expect(byId.good).toMatchObject({
      firings: 0,
      answersReplayed: 20,
      blockedAtEnd: false,
      flaggedAtEnd: false,
    });
    expect(sut.totals).toEqual({
      answers: 60,
      workers: 3,
      firings: 2,
      workersTouched: 2,
      workersBlockedAtEnd: 1,
      workersFlaggedAtEnd: 1,
      answersPrevented: 13,
    });
    expect([sut.from, sut.to]).toEqual([0, 19 * MINUTE]);
  });

  it('lets a worker back after a timed block and blocks again if the evidence still holds', () => {
    const events = project(200).filter(e => e.workerId === 'bad');
    const sut = dryRunRules([blockOnGold(3600)], events);
    // Blocked at minute 6 for an hour; back at 66 with the same 4 bad golds in the window.
    expect(sut.firings.map(f => f.at / MINUTE)).toEqual([6, 66, 126, 186]);
    // Replayed: minutes 0..6, then one answer at each return (66, 126, 186).
    expect(sut.workers[0]).toMatchObject({ answersReplayed: 7 + 3, answersPrevented: 200 - 10 });
    expect(sut.workers[0].blockedUntil).toBe(186 * MINUTE + HOUR);
  });

  it('gives the same report whatever order the events come in', () => {
    const events = project(30);
    const expected = dryRunRules([blockOnGold(600), flagFast], events);
    const rng = mulberry32(7);
    const shuffled = [...events];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = randomInt(rng, i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect(dryRunRules([blockOnGold(600), flagFast], shuffled)).toEqual(expected);
  });

  it('finds the same evidence the live evaluation sees at the moment of firing', () => {
    const events = project(12);
    const [firing] = dryRunRules([blockOnGold()], events).firings;
    const history = historyFromEvents(
      events.filter(e => e.workerId === firing.workerId && e.submittedAt <= firing.at),
    );
    const live = evaluateRule(blockOnGold(), history, firing.at);
    expect(live.fired).toBe(true);
    expect(live.evidence).toEqual(firing.evidence);
    expect(live.reason).toBe(firing.reason);
  });

  it('counts the window for REOPEN_TASKS on WINDOW', () => {
    const rule = parseQualityRule({
      name: 'same answer',
      collector: { kind: 'SAME_ANSWER_SHARE', window: { lastN: 5 }, minCount: 5 },
      conditions: [{ metric: 'share', op: '>=', value: 1 }],
      action: { kind: 'REOPEN_TASKS', answers: 'WINDOW' },
    });
    const sut = dryRunRules(
      [rule],
      project(12).filter(e => e.workerId === 'bad'),
    );
    expect(sut.firings).toHaveLength(1);
    expect(sut.firings[0]).toMatchObject({ at: 4 * MINUTE, answersToExclude: 5 });
    expect(sut.workers[0].answersPrevented).toBe(0);
  });

  it('returns an empty report for an empty history', () => {
    const sut = dryRunRules([flagFast], []);
    expect(sut).toEqual({
      firings: [],
      workers: [],
      totals: {
        answers: 0,
        workers: 0,
        firings: 0,
        workersTouched: 0,
        workersBlockedAtEnd: 0,
        workersFlaggedAtEnd: 0,
        answersPrevented: 0,
      },
      from: null,
      to: null,
    });
  });
});
