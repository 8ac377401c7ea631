import {
  type FeedbackAnswerRow,
  publicationTimes,
  publishedAnswers,
} from '../../../src/modules/quality/published-quality';
import { workerFigures } from '../../../src/modules/quality/audit-queries.service';

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-03-01T00:00:00Z');

/** An answer reviewed at `reviewedHour` (hours after T0; null = not reviewed). */
function row(
  n: number,
  options: {
    gold?: boolean;
    correct?: boolean;
    reviewedHour?: number | null;
    completedHour?: number | null;
  } = {},
): FeedbackAnswerRow {
  const gold = options.gold ?? false;
  const completed = options.completedHour ?? null;
  return {
    assignment_id: `a${String(n).padStart(3, '0')}`,
    worker_id: 'w',
    task_id: `t${n}`,
    answer_labels: ['cat'],
    submitted_at: new Date(T0),
    server_duration_ms: 1000 * (n + 1),
    counted: true,
    excluded: false,
    gold_correct: gold ? (options.correct ?? true) : null,
    task_is_gold: gold,
    consensus_labels: gold ? null : ['cat'],
    consensus_confidence: gold ? null : 0.9,
    reviewed_at:
      options.reviewedHour === null ? null : new Date(T0 + (options.reviewedHour ?? 1) * 3600e3),
    task_status: completed === null ? 'OPEN' : 'COMPLETE',
    task_completed_at: completed === null ? null : new Date(T0 + completed * 3600e3),
  };
}

const figures = (rows: FeedbackAnswerRow[], at: number, batch = 10) =>
  workerFigures(publishedAnswers(rows, new Date(at), batch), null);

describe('published worker quality (delayed, batched feedback)', () => {
  it('publishes at every period boundary since the epoch, the same for every worker', () => {
    expect(publicationTimes(new Date(T0 + 5 * 3600e3))).toEqual({
      publishedAt: new Date(T0),
      nextPublicationAt: new Date(T0 + DAY),
    });
    expect(publicationTimes(new Date(T0)).publishedAt).toEqual(new Date(T0));
    expect(publicationTimes(new Date(T0 + 90 * 60e3), 3600).publishedAt).toEqual(
      new Date(T0 + 3600e3),
    );
  });

  it('uses only answers reviewed by the publication time', () => {
    const rows = [row(0), row(1, { reviewedHour: null }), row(2, { reviewedHour: 30 })];
    expect(figures(rows, T0 + DAY)).toMatchObject({ answers: 1, medianSeconds: 1 });
    expect(figures(rows, T0 + 2 * DAY)).toMatchObject({ answers: 2, medianSeconds: 2 });
  });

  it('publishes gold in whole batches, in review order', () => {
    // 13 reviewed gold answers, the 11th to 13th wrong: only the first batch of 10 is published.
    const rows = Array.from({ length: 13 }, (_, n) =>
      row(n, { gold: true, correct: n < 10, reviewedHour: n + 1 }),
    );
    expect(figures(rows.slice(0, 9), T0 + DAY).goldAccuracy).toMatchObject({ count: 0 });
    expect(figures(rows, T0 + DAY).goldAccuracy).toMatchObject({ successes: 10, count: 10 });
    expect(figures(rows, T0 + DAY, 4).goldAccuracy).toMatchObject({ successes: 10, count: 12 });
    // Every answer still counts as an answer; only the score waits for its batch.
    expect(figures(rows, T0 + DAY).answers).toBe(13);
  });

  it('counts agreement only with the consensus of tasks completed by the publication time', () => {
    const rows = [
      row(0, { completedHour: 2 }),
      row(1), // open: its consensus still moves
      row(2, { completedHour: 30 }), // completed after this publication
    ];
    expect(figures(rows, T0 + DAY).consensusAgreement).toMatchObject({ successes: 1, count: 1 });
    expect(figures(rows, T0 + 2 * DAY).consensusAgreement).toMatchObject({ count: 2 });
  });

  it('does not change when a new answer arrives between publications, gold or not', () => {
    const rows = [row(0, { completedHour: 2 }), row(1, { gold: true })];
    const before = figures(rows, T0 + DAY);
    for (const next of [row(5, { gold: true, reviewedHour: 25 }), row(6, { reviewedHour: null })]) {
      rows.push(next);
      expect(figures(rows, T0 + DAY)).toEqual(before);
    }
  });
});
