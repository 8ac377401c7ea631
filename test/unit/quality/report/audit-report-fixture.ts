import type {
  AuditReportData,
  AuditWorker,
} from '../../../../src/modules/quality/report/audit-report-data';

/** Payloads that would run script if any text reached the markup unescaped. */
export const XSS = {
  script: '<script>document.body.setAttribute("data-pwned","1")</script>',
  img: "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">",
  svg: "</title><svg onload=alert(1)><a href='javascript:alert(1)'>x</a>",
  style: '</style><style>body{display:none}</style>',
  entity: 'Tom & Jerry\'s "labels" &lt;',
};

function worker(overrides: Partial<AuditWorker> & Pick<AuditWorker, 'id' | 'name'>): AuditWorker {
  return {
    answers: 40,
    gold: { correct: 8, total: 10 },
    consensus: { agreed: 20, total: 25 },
    medianSeconds: 12.5,
    modelAccuracy: 0.8,
    confusion: [
      [9, 1, 0],
      [2, 7, 1],
      [0, 0, 10],
    ],
    status: 'ACTIVE',
    ...overrides,
  };
}

/** A small report whose every user-visible string is hostile. */
export function hostileReportData(): AuditReportData {
  return {
    project: {
      id: 'p-1',
      name: `Cats ${XSS.script}`,
      status: 'ACTIVE',
      aggregationMethod: 'dawid-skene',
      confidenceTarget: 0.9,
    },
    labels: [
      { key: 'cat', displayName: `Cat ${XSS.img}` },
      { key: 'dog', displayName: XSS.svg },
      { key: 'x<y', displayName: XSS.style },
    ],
    generatedAt: Date.UTC(2026, 0, 15, 12, 30),
    notes: [XSS.entity],
    summary: {
      tasks: 120,
      completedTasks: 90,
      goldTasks: 12,
      answers: 480,
      workers: 3,
      consensusAccuracy: { correct: 45, total: 50, basis: XSS.script },
    },
    workers: [
      worker({ id: 'w-1', name: XSS.img, answers: 300, status: 'BLOCKED' }),
      worker({
        id: 'w-2',
        name: XSS.script,
        answers: 150,
        status: 'FLAGGED',
        gold: { correct: 3, total: 10 },
      }),
      worker({ id: 'w-3', name: XSS.entity, answers: 30, gold: { correct: 0, total: 0 } }),
    ],
    overallConfusion: [
      [90, 10, 0],
      [20, 70, 10],
      [0, 0, 0],
    ],
    confusionReference: XSS.style,
    taskConfidence: [0.3, 0.55, 0.97, 0.995, 1, NaN],
    answersOverTime: {
      bucketSeconds: 3600,
      buckets: [
        { start: Date.UTC(2026, 0, 14, 9), answers: 200, goldAnswers: 20 },
        { start: Date.UTC(2026, 0, 14, 10), answers: 0, goldAnswers: 0 },
        { start: Date.UTC(2026, 0, 14, 11), answers: 280, goldAnswers: 30 },
      ],
    },
    agreement: {
      observedAgreement: { value: 0.71, lower: 0.66, upper: 0.75, level: 0.95 },
      fleissKappa: { value: 0.52, lower: 0.47, upper: 0.58, level: 0.95 },
      krippendorffAlpha: { value: 0.521, lower: 0.47, upper: 0.58, level: 0.95 },
      gwetAC1: { value: -0.1, lower: -0.25, upper: 0.05, level: 0.95 },
      ratedTasks: 120,
      pairableTasks: 118,
    },
    ruleEvents: [
      {
        at: Date.UTC(2026, 0, 14, 11, 5),
        workerId: 'w-1',
        actor: XSS.svg,
        actorKind: 'RULE',
        actions: [{ kind: 'BLOCK', scope: 'GLOBAL', durationSeconds: 86400 }],
        reason: XSS.img,
        dryRun: true,
      },
      {
        at: Date.UTC(2026, 0, 14, 9, 40),
        workerId: 'unknown-worker',
        actor: XSS.entity,
        actorKind: 'ADMIN',
        actions: [{ kind: 'FLAG', scope: 'PROJECT' }],
        reason: 'checked by hand',
      },
    ],
    thresholds: { goldAccuracy: 0.6 },
  };
}

/** A project with nothing in it yet. */
export function emptyReportData(): AuditReportData {
  return {
    project: { id: 'p-0', name: 'Empty', aggregationMethod: 'majority-vote' },
    labels: [
      { key: 'a', displayName: 'A' },
      { key: 'b', displayName: 'B' },
    ],
    generatedAt: 0,
    summary: { tasks: 0, completedTasks: 0, goldTasks: 0, answers: 0, workers: 0 },
    workers: [],
    overallConfusion: [
      [0, 0],
      [0, 0],
    ],
    confusionReference: 'gold',
    taskConfidence: [],
    answersOverTime: { bucketSeconds: 3600, buckets: [] },
    agreement: null,
    ruleEvents: [],
  };
}
