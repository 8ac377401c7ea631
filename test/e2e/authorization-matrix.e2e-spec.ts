import { randomBytes, randomUUID } from 'node:crypto';
import { exportLogisticRegressionToOnnx } from '../../src/modules/prelabel/onnx-export';
import {
  errorCode,
  GraphQLClient,
  type GraphQLResponse,
  type TestServer,
  useTestServer,
} from '../helpers/test-server';
import { liveClient, liveErrorCode } from '../helpers/live-client';
import { signInNewAdmin } from '../helpers/admin-client';
import { sentimentProjectInput } from '../helpers/e2e-project-input';

/**
 * The authorization matrix (issue 3, "Done when"): every query and mutation of the schema, called
 * as each kind of caller, with the outcome each must get. `OK` means data and no error; anything
 * else is the `extensions.code` the caller must receive.
 *
 * The matrix must list exactly the schema's operations: a new query or mutation without an entry
 * fails `covers every operation`, and so does an entry for an operation that no longer exists.
 * To add one: pick the row preset that states who may do it (or write the six outcomes out), and
 * a `call` that builds the request — with fresh data when the operation changes state, so each
 * caller meets the same situation.
 *
 * Callers: `requester` owns every project the fixtures create, `worker` holds every assignment
 * they create; `otherRequester` and `otherWorker` have the same roles and own nothing of it.
 * Each user holds one role only (the admin is ADMIN only).
 */

type Caller = 'anonymous' | 'worker' | 'otherWorker' | 'requester' | 'otherRequester' | 'admin';
const CALLERS: Caller[] = [
  'anonymous',
  'worker',
  'otherWorker',
  'requester',
  'otherRequester',
  'admin',
];
type Outcome = 'OK' | string;
type Expectations = Record<Caller, Outcome>;
type Request = [query: string, variables?: Record<string, unknown>];

interface MatrixEntry {
  readonly operation: string;
  readonly expect: Expectations;
  /** Builds the request `caller` sends; may create fresh data first (through `fx`). */
  readonly call: (fx: Fixtures, caller: Caller) => Promise<Request> | Request;
  /** Subscriptions go over graphql-ws; `OK` there means the subscription was taken up. */
  readonly transport?: 'websocket';
}

/** Anyone, signed in or not. */
const EVERYONE: Expectations = {
  anonymous: 'OK',
  worker: 'OK',
  otherWorker: 'OK',
  requester: 'OK',
  otherRequester: 'OK',
  admin: 'OK',
};
/** Any signed-in user, about themselves. */
const SIGNED_IN: Expectations = { ...EVERYONE, anonymous: 'UNAUTHENTICATED' };
/** A resource owned by `requester`: the owner and admins; another requester must not learn it exists. */
const OWNER_OR_ADMIN: Expectations = {
  anonymous: 'UNAUTHENTICATED',
  worker: 'UNAUTHORIZED',
  otherWorker: 'UNAUTHORIZED',
  requester: 'OK',
  otherRequester: 'NOT_FOUND',
  admin: 'OK',
};
/** Requesters about their own things, admins about everything. */
const ANY_REQUESTER_OR_ADMIN: Expectations = { ...OWNER_OR_ADMIN, otherRequester: 'OK' };
/** A worker's own lease or history: that worker only; other workers get NOT_FOUND. */
const HOLDING_WORKER: Expectations = {
  anonymous: 'UNAUTHENTICATED',
  worker: 'OK',
  otherWorker: 'NOT_FOUND',
  requester: 'UNAUTHORIZED',
  otherRequester: 'UNAUTHORIZED',
  admin: 'UNAUTHORIZED',
};
/** Owner, admin or a granted reviewer (none granted here): others get NOT_FOUND. */
const OWNER_ADMIN_OR_REVIEWER: Expectations = {
  ...OWNER_OR_ADMIN,
  worker: 'NOT_FOUND',
  otherWorker: 'NOT_FOUND',
};
/** Any worker, for themselves. */
const ANY_WORKER: Expectations = { ...HOLDING_WORKER, otherWorker: 'OK' };
/** Requesters, for themselves; not admins (who have no balance of their own). */
const REQUESTERS_ONLY: Expectations = {
  anonymous: 'UNAUTHENTICATED',
  worker: 'UNAUTHORIZED',
  otherWorker: 'UNAUTHORIZED',
  requester: 'OK',
  otherRequester: 'OK',
  admin: 'UNAUTHORIZED',
};
/** Admins only. */
const ADMIN_ONLY: Expectations = {
  anonymous: 'UNAUTHENTICATED',
  worker: 'UNAUTHORIZED',
  otherWorker: 'UNAUTHORIZED',
  requester: 'UNAUTHORIZED',
  otherRequester: 'UNAUTHORIZED',
  admin: 'OK',
};

const PROJECT_FIELDS = 'id status';
const ASSIGNMENT_FIELDS = 'id status';
const byId = (operation: string, fields: string, type = 'ID!') =>
  `mutation ($id: ${type}) { ${operation}(id: $id) { ${fields} } }`;

/** The featurizer of the matrix's pre-label model: hashed words of the payload's text. */
const MATRIX_FEATURIZER = { kind: 'hashed-text' as const, field: 'text', dimension: 8 };

/** A valid project-scoped rule for the quality entries. */
const MATRIX_RULE = {
  name: 'matrix',
  collector: { kind: 'GOLD_ACCURACY', minCount: 3 },
  conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
  action: { kind: 'FLAG' },
};

/** Webhooks: an endpoint of `requester`'s (not even an admin manages another user's endpoints). */
const OWN_ENDPOINT: Expectations = { ...OWNER_OR_ADMIN, admin: 'NOT_FOUND' };

const MATRIX: MatrixEntry[] = [
  // --- auth -------------------------------------------------------------------------------
  {
    operation: 'signUp',
    expect: EVERYONE,
    call: () => [
      `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
      {
        input: {
          email: `m-${randomBytes(6).toString('hex')}@example.test`,
          password: 'a-long-password',
          displayName: 'matrix',
          roles: ['WORKER'],
        },
      },
    ],
  },
  {
    operation: 'logIn',
    expect: EVERYONE,
    call: fx => [
      `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`,
      { input: { email: fx.requesterLogin.email, password: fx.requesterLogin.password } },
    ],
  },
  { operation: 'me', expect: SIGNED_IN, call: () => [`query { me { id } }`] },
  { operation: 'apiKeys', expect: SIGNED_IN, call: () => [`query { apiKeys { id } }`] },
  {
    operation: 'createApiKey',
    expect: SIGNED_IN,
    call: (_fx, caller) => [
      `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'matrix', scopes: [ROLE_OF[caller] ?? 'WORKER'] } },
    ],
  },
  {
    operation: 'revokeApiKey',
    // An API key is its creator's own: anyone else, admins included, gets NOT_FOUND.
    expect: {
      ...SIGNED_IN,
      worker: 'NOT_FOUND',
      otherWorker: 'NOT_FOUND',
      otherRequester: 'NOT_FOUND',
      admin: 'NOT_FOUND',
    },
    call: async fx => [byId('revokeApiKey', 'id'), { id: await fx.requesterApiKey() }],
  },

  // --- projects ---------------------------------------------------------------------------
  {
    operation: 'createProject',
    expect: { ...ANY_REQUESTER_OR_ADMIN, admin: 'UNAUTHORIZED' },
    call: () => [
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`,
      { input: projectInput() },
    ],
  },
  {
    operation: 'updateProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($id: ID!) { updateProject(id: $id, input: { name: "renamed" }) { ${PROJECT_FIELDS} } }`,
      { id: await fx.project({ launch: false }) },
    ],
  },
  {
    operation: 'launchProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('launchProject', PROJECT_FIELDS),
      { id: await fx.project({ launch: false }) },
    ],
  },
  {
    operation: 'pauseProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('pauseProject', PROJECT_FIELDS),
      { id: await fx.project({ launch: true }) },
    ],
  },
  {
    operation: 'resumeProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('resumeProject', PROJECT_FIELDS),
      { id: await fx.project({ launch: true, pause: true }) },
    ],
  },
  {
    operation: 'completeProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('completeProject', PROJECT_FIELDS),
      { id: await fx.project({ launch: true }) },
    ],
  },
  {
    operation: 'archiveProject',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('archiveProject', PROJECT_FIELDS),
      { id: await fx.project({ launch: false }) },
    ],
  },
  {
    operation: 'project',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`,
      { id: fx.sharedProjectId },
    ],
  },
  {
    operation: 'projects',
    expect: ANY_REQUESTER_OR_ADMIN,
    call: () => [`query { projects(first: 5) { totalCount nodes { id } } }`],
  },

  // --- tasks ------------------------------------------------------------------------------
  {
    operation: 'importTasks',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created skipped } }`,
      { input: { projectId: fx.sharedProjectId, tasks: [{ payload: { text: 'more' } }] } },
    ],
  },
  {
    operation: 'task',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($id: ID!) { task(id: $id) { id isGold goldLabels goldAnswer consensus { labels answer } } }`,
      { id: fx.sharedTaskId },
    ],
  },

  // --- assignments: workers ---------------------------------------------------------------
  {
    operation: 'nextAssignment',
    expect: ANY_WORKER,
    call: async fx => [
      `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { ${ASSIGNMENT_FIELDS} task { id payload } } }`,
      { projectId: await fx.project({ launch: true }) },
    ],
  },
  {
    operation: 'submitAssignment',
    expect: HOLDING_WORKER,
    call: async fx => [
      `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { ${ASSIGNMENT_FIELDS} } }`,
      { input: { assignmentId: (await fx.leasedAssignment()).id, answer: { labels: ['pos'] } } },
    ],
  },
  {
    operation: 'returnAssignment',
    expect: HOLDING_WORKER,
    call: async fx => [
      byId('returnAssignment', ASSIGNMENT_FIELDS),
      { id: (await fx.leasedAssignment()).id },
    ],
  },
  {
    operation: 'myAssignments',
    expect: ANY_WORKER,
    call: () => [`query { myAssignments(first: 5) { totalCount nodes { id } } }`],
  },
  {
    operation: 'myAssignment',
    expect: HOLDING_WORKER,
    call: async fx => [
      `query ($id: ID!) { myAssignment(id: $id) { ${ASSIGNMENT_FIELDS} } }`,
      { id: (await fx.sharedLease()).id },
    ],
  },
  {
    operation: 'myTask',
    expect: HOLDING_WORKER,
    call: async fx => [
      `query ($id: ID!) { myTask(id: $id) { id payload instructions } }`,
      { id: (await fx.sharedLease()).taskId },
    ],
  },

  // --- assignments: review ----------------------------------------------------------------
  {
    operation: 'projectAssignments',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `query ($projectId: ID!) { projectAssignments(projectId: $projectId, first: 5) { totalCount } }`,
      { projectId: (await fx.sharedLease()).projectId },
    ],
  },
  {
    operation: 'approveAssignment',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('approveAssignment', ASSIGNMENT_FIELDS),
      { id: await fx.submittedAssignment() },
    ],
  },
  {
    operation: 'approveAssignments',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($ids: [ID!]!) { approveAssignments(ids: $ids) { ${ASSIGNMENT_FIELDS} } }`,
      { ids: [await fx.submittedAssignment()] },
    ],
  },
  {
    operation: 'rejectAssignment',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($id: ID!) { rejectAssignment(id: $id, reason: "off topic") { ${ASSIGNMENT_FIELDS} } }`,
      { id: await fx.submittedAssignment() },
    ],
  },
  {
    operation: 'rejectAssignments',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($ids: [ID!]!) { rejectAssignments(ids: $ids, reason: "off topic") { ${ASSIGNMENT_FIELDS} } }`,
      { ids: [await fx.submittedAssignment()] },
    ],
  },
  {
    operation: 'reverseRejection',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      byId('reverseRejection', ASSIGNMENT_FIELDS),
      { id: await fx.rejectedAssignment() },
    ],
  },

  // --- worker blocks ----------------------------------------------------------------------
  {
    operation: 'blockWorker',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`,
      {
        input: {
          workerId: fx.ids.blockedWorker,
          projectId: await fx.project({ launch: false }),
          reason: 'spam',
        },
      },
    ],
  },
  {
    operation: 'unblockWorker',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($id: ID!) { unblockWorker(blockId: $id) { id liftedAt } }`,
      { id: await fx.block() },
    ],
  },
  {
    operation: 'workerBlocks',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($projectId: ID) { workerBlocks(projectId: $projectId) { id } }`,
      { projectId: fx.sharedProjectId },
    ],
  },

  // --- quality rules, exclusions and the audit log ------------------------------------------
  {
    operation: 'createQualityRule',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($projectId: ID!, $rule: JSONObject!) { createQualityRule(projectId: $projectId, rule: $rule) { id } }`,
      { projectId: await fx.project({ launch: false }), rule: MATRIX_RULE },
    ],
  },
  {
    operation: 'updateQualityRule',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($id: ID!) { updateQualityRule(ruleId: $id, enabled: true) { id enabled } }`,
      { id: await fx.qualityRule() },
    ],
  },
  {
    operation: 'deleteQualityRule',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($id: ID!) { deleteQualityRule(ruleId: $id) { id enabled } }`,
      { id: await fx.qualityRule() },
    ],
  },
  {
    operation: 'qualityRules',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($projectId: ID!) { qualityRules(projectId: $projectId) { id } }`,
      { projectId: fx.sharedProjectId },
    ],
  },
  {
    operation: 'dryRunQualityRule',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($projectId: ID!, $rule: JSONObject!) { dryRunQualityRule(projectId: $projectId, rule: $rule) { answers } }`,
      { projectId: fx.sharedProjectId, rule: MATRIX_RULE },
    ],
  },
  {
    operation: 'qualityAuditLog',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($projectId: ID) { qualityAuditLog(projectId: $projectId) { id } }`,
      { projectId: fx.sharedProjectId },
    ],
  },
  {
    operation: 'workerQualityAudit',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!, $w: ID!) { workerQualityAudit(projectId: $p, workerId: $w) { answers goldAccuracy { count } modelConfusion } }`,
      { p: fx.sharedProjectId, w: fx.ids.blockedWorker },
    ],
  },
  {
    operation: 'projectQualityAudit',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { projectQualityAudit(projectId: $p) { confidenceCounts agreement } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'myQuality',
    expect: ANY_WORKER,
    call: fx => [
      `query ($p: ID) { myQuality(projectId: $p) { answers goldAccuracy { count } blocks { reason } } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'myQualification',
    expect: ANY_WORKER,
    call: async fx => [
      `query ($p: ID!) { myQualification(projectId: $p) { status answered required retryAfter } }`,
      { p: await fx.project({ launch: true }) },
    ],
  },
  {
    operation: 'workerCatalogue',
    expect: ANY_WORKER,
    call: () => [`query { workerCatalogue { projectId tasksLeft qualificationStatus } }`, {}],
  },
  // --- live updates (subscriptions over WebSocket) --------------------------------------------
  {
    operation: 'newWork',
    expect: ANY_WORKER,
    transport: 'websocket',
    call: fx => [
      `subscription ($p: [ID!]) { newWork(projectIds: $p) { projectId } }`,
      { p: [fx.sharedProjectId] },
    ],
  },
  {
    operation: 'leaseWarnings',
    expect: ANY_WORKER,
    transport: 'websocket',
    call: () => [`subscription { leaseWarnings { assignmentId expired } }`, {}],
  },
  {
    operation: 'goldExposure',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { goldExposure(projectId: $p) { cap goldTasks tasks { taskId servedWorkers } } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'projectProgress',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { projectProgress(projectId: $p) { answersPerHour answersNeeded etaSeconds } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'retireGoldTasks',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($p: ID!, $ids: [ID!]!) { retireGoldTasks(projectId: $p, taskIds: $ids) { taskId retiredAt } }`,
      { p: fx.sharedProjectId, ids: [await fx.goldTask()] },
    ],
  },
  {
    operation: 'auditReport',
    expect: OWNER_OR_ADMIN,
    call: fx => [`query ($p: ID!) { auditReport(projectId: $p) }`, { p: fx.sharedProjectId }],
  },
  {
    operation: 'excludeWorkerAnswers',
    expect: ADMIN_ONLY,
    call: async fx => [
      `mutation ($w: ID!, $p: ID) { excludeWorkerAnswers(workerId: $w, projectId: $p, reason: "spam") { answers } }`,
      { w: fx.ids.blockedWorker, p: await fx.project({ launch: false }) },
    ],
  },
  {
    operation: 'includeWorkerAnswers',
    expect: ADMIN_ONLY,
    call: async fx => [
      `mutation ($w: ID!, $p: ID) { includeWorkerAnswers(workerId: $w, projectId: $p, reason: "appeal") { answers } }`,
      { w: fx.ids.blockedWorker, p: await fx.project({ launch: false }) },
    ],
  },

  // --- money (offline: no Stripe key, so card payments and connected accounts are refused) --
  {
    operation: 'myBalances',
    expect: REQUESTERS_ONLY,
    call: () => [`{ myBalances { available } }`],
  },
  { operation: 'myFundings', expect: REQUESTERS_ONLY, call: () => [`{ myFundings { id } }`] },
  {
    operation: 'cardPaymentsAvailable',
    expect: REQUESTERS_ONLY,
    call: () => [`{ cardPaymentsAvailable }`],
  },
  {
    operation: 'createFunding',
    expect: {
      ...REQUESTERS_ONLY,
      requester: 'PAYMENTS_OFFLINE',
      otherRequester: 'PAYMENTS_OFFLINE',
    },
    call: () => [
      `mutation ($input: CreateFundingInput!) { createFunding(input: $input) { funding { id } } }`,
      { input: { amount: 100, currency: 'usd', idempotencyKey: randomUUID() } },
    ],
  },
  // --- aggregation ------------------------------------------------------------------------
  {
    operation: 'aggregationMethods',
    // Only the registry's public method names.
    expect: SIGNED_IN,
    call: () => [`query { aggregationMethods { name } }`],
  },
  {
    operation: 'runAggregation',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `mutation ($p: ID!) { runAggregation(projectId: $p) { id status } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'aggregationRun',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `query ($id: ID!) { aggregationRun(id: $id) { id status } }`,
      { id: await fx.aggregationRun() },
    ],
  },
  {
    operation: 'exportResults',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { exportResults(projectId: $p, format: CSV) { taskCount } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'resultsPage',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { resultsPage(projectId: $p, first: 5) { totalCount } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'workerQuality',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `query ($p: ID!, $w: ID!) { workerQuality(projectId: $p, workerId: $w) { answers } }`,
      { p: await fx.aggregatedProject(), w: await fx.workerId() },
    ],
  },

  // --- pre-labels -------------------------------------------------------------------------
  {
    operation: 'registerModel',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `mutation ($input: RegisterModelInput!) { registerModel(input: $input) { id } }`,
      { input: fx.modelInput(fx.sharedProjectId) },
    ],
  },
  {
    operation: 'modelVersions',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { modelVersions(projectId: $p) { id } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'startPrelabeling',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($input: StartPrelabelingInput!) { startPrelabeling(input: $input) { id } }`,
      { input: { projectId: fx.sharedProjectId, modelVersionId: await fx.modelVersion() } },
    ],
  },
  {
    operation: 'prelabelRun',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `query ($id: ID!) { prelabelRun(id: $id) { id } }`,
      { id: await fx.prelabelRun() },
    ],
  },
  {
    operation: 'trainModel',
    // The matrix project has no completed task yet: the owner and admins pass authorization and
    // meet the training-data check; everyone else is stopped before it.
    expect: { ...OWNER_OR_ADMIN, requester: 'BAD_USER_INPUT', admin: 'BAD_USER_INPUT' },
    call: fx => [
      `mutation ($input: TrainModelInput!) { trainModel(input: $input) { id } }`,
      { input: { projectId: fx.sharedProjectId, featurizer: MATRIX_FEATURIZER } },
    ],
  },

  {
    operation: 'projectMoney',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($id: ID!) { projectMoney(projectId: $id) { escrow } }`,
      { id: fx.sharedProjectId },
    ],
  },
  {
    operation: 'awardBonus',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($input: AwardBonusInput!) { awardBonus(input: $input) { amount } }`,
      {
        input: {
          assignmentId: await fx.submittedAssignment(),
          amount: 1,
          currency: 'usd',
          reason: 'matrix',
          idempotencyKey: randomUUID(),
        },
      },
    ],
  },
  { operation: 'myEarnings', expect: ANY_WORKER, call: () => [`{ myEarnings { earned } }`] },
  { operation: 'myPayouts', expect: ANY_WORKER, call: () => [`{ myPayouts { totalCount } }`] },
  {
    operation: 'myPayoutAccount',
    // No connected account offline: the answer is null.
    expect: { ...ANY_WORKER, worker: 'NO_DATA', otherWorker: 'NO_DATA' },
    call: () => [`{ myPayoutAccount { payoutsEnabled } }`],
  },
  {
    operation: 'connectPayoutAccount',
    expect: { ...ANY_WORKER, worker: 'PAYMENTS_OFFLINE', otherWorker: 'PAYMENTS_OFFLINE' },
    call: () => [
      `mutation ($input: ConnectPayoutAccountInput!) { connectPayoutAccount(input: $input) { url } }`,
      { input: { refreshUrl: 'https://q.example/r', returnUrl: 'https://q.example/d' } },
    ],
  },
  {
    operation: 'myLedgerEntries',
    expect: SIGNED_IN,
    call: () => [`{ myLedgerEntries(first: 5) { totalCount } }`],
  },
  {
    operation: 'recordManualFunding',
    expect: ADMIN_ONLY,
    call: fx => [
      `mutation ($input: RecordManualFundingInput!) { recordManualFunding(input: $input) { id } }`,
      {
        input: {
          requesterId: fx.ids.requester,
          amount: 100,
          currency: 'usd',
          reference: 'matrix',
          idempotencyKey: randomUUID(),
        },
      },
    ],
  },
  {
    operation: 'createPayouts',
    expect: ADMIN_ONLY,
    call: () => [
      `mutation ($input: CreatePayoutsInput!) { createPayouts(input: $input) { payouts { id } } }`,
      { input: { idempotencyKey: randomUUID(), minimumAmount: 1_000_000_000 } },
    ],
  },
  {
    operation: 'createPayout',
    expect: ADMIN_ONLY,
    call: async fx => {
      await fx.earnings();
      return [
        `mutation ($input: CreatePayoutInput!) { createPayout(input: $input) { id } }`,
        { input: { workerId: await fx.workerId(), currency: 'usd', idempotencyKey: randomUUID() } },
      ];
    },
  },
  {
    operation: 'sendPendingPayouts',
    expect: ADMIN_ONLY,
    call: () => [`mutation { sendPendingPayouts }`],
  },
  {
    operation: 'markPayoutPaid',
    expect: ADMIN_ONLY,
    call: async fx => [
      `mutation ($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { id } }`,
      {
        input: {
          payoutId: await fx.pendingPayout(),
          reference: 'matrix',
          idempotencyKey: randomUUID(),
        },
      },
    ],
  },
  {
    operation: 'markPayoutFailed',
    expect: ADMIN_ONLY,
    call: async fx => [
      `mutation ($input: MarkPayoutFailedInput!) { markPayoutFailed(input: $input) { id } }`,
      {
        input: {
          payoutId: await fx.pendingPayout(),
          reason: 'matrix',
          idempotencyKey: randomUUID(),
        },
      },
    ],
  },
  { operation: 'payouts', expect: ADMIN_ONLY, call: () => [`{ payouts { totalCount } }`] },
  {
    operation: 'adminUsers',
    expect: ADMIN_ONLY,
    call: () => [`{ adminUsers(search: "example", first: 5) { id email roles activeBlocks } }`],
  },
  { operation: 'trialBalance', expect: ADMIN_ONLY, call: () => [`{ trialBalance { balanced } }`] },
  {
    operation: 'paymentsReconciliation',
    expect: ADMIN_ONLY,
    call: () => [`{ paymentsReconciliation { ok } }`],
  },
  // --- webhooks: each user manages only their own endpoints (admins too) -------------------
  {
    operation: 'createWebhookEndpoint',
    expect: ANY_REQUESTER_OR_ADMIN,
    call: () => [
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url: 'https://example.com/hook', events: ['task.completed'] } },
    ],
  },
  {
    operation: 'webhookEndpoints',
    expect: ANY_REQUESTER_OR_ADMIN,
    call: () => [`query { webhookEndpoints { id } }`],
  },
  {
    operation: 'setWebhookEndpointEnabled',
    expect: OWN_ENDPOINT,
    call: async fx => [
      `mutation ($id: ID!) { setWebhookEndpointEnabled(id: $id, enabled: true) { id } }`,
      { id: await matrixEndpoint(fx) },
    ],
  },
  {
    operation: 'rotateWebhookSecret',
    expect: OWN_ENDPOINT,
    call: async fx => [
      `mutation ($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 60) { secret } }`,
      { id: await matrixEndpoint(fx) },
    ],
  },
  {
    operation: 'webhookDeliveries',
    expect: OWN_ENDPOINT,
    call: async fx => [
      `query ($id: ID!) { webhookDeliveries(endpointId: $id) { id } }`,
      { id: await matrixEndpoint(fx) },
    ],
  },
  {
    operation: 'replayWebhookDeliveries',
    expect: OWN_ENDPOINT,
    call: async fx => [
      `mutation ($input: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $input) }`,
      { input: { endpointId: await matrixEndpoint(fx), from: '2020-01-01T00:00:00Z' } },
    ],
  },
  // --- review (issue 13): owner, admin or a granted reviewer; others never learn it exists ---
  {
    operation: 'reviewQueue',
    expect: OWNER_ADMIN_OR_REVIEWER,
    call: fx => [
      `query ($p: ID!) { reviewQueue(projectId: $p) { totalCount items { taskId } } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'reviewTask',
    expect: OWNER_ADMIN_OR_REVIEWER,
    call: fx => [
      `query ($t: ID!) { reviewTask(taskId: $t) { taskId answers { worker workerId } } }`,
      { t: fx.sharedTaskId },
    ],
  },
  {
    operation: 'decideReview',
    expect: OWNER_ADMIN_OR_REVIEWER,
    call: async fx => {
      const projectId = await fx.project({ launch: false });
      const data = await fx.clients.requester.ok(
        `query ($id: ID!) { project(id: $id) { tasks(first: 1) { nodes { id } } } }`,
        { id: projectId },
      );
      return [
        `mutation ($t: ID!) { decideReview(input: { taskId: $t, labels: ["pos"] }) { labels } }`,
        { t: data.project.tasks.nodes[0].id },
      ];
    },
  },
  {
    operation: 'reviewableProjects',
    expect: SIGNED_IN,
    call: () => [`{ reviewableProjects { projectId owner } }`],
  },
  {
    operation: 'projectReviewers',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { projectReviewers(projectId: $p) { userId } }`,
      { p: fx.sharedProjectId },
    ],
  },
  {
    operation: 'grantReviewer',
    expect: OWNER_OR_ADMIN,
    call: async fx => [
      `mutation ($p: ID!, $e: String!) { grantReviewer(projectId: $p, email: $e) { userId } }`,
      { p: await fx.project({ launch: false }), e: (await fx.freshUser()).email },
    ],
  },
  {
    operation: 'revokeReviewer',
    expect: OWNER_OR_ADMIN,
    call: async fx => {
      const projectId = await fx.project({ launch: false });
      const user = await fx.freshUser();
      await fx.clients.requester.ok(
        `mutation ($p: ID!, $e: String!) { grantReviewer(projectId: $p, email: $e) { userId } }`,
        { p: projectId, e: user.email },
      );
      return [
        `mutation ($p: ID!, $u: ID!) { revokeReviewer(projectId: $p, userId: $u) { userId } }`,
        { p: projectId, u: user.id },
      ];
    },
  },
  {
    operation: 'projectMoneyPreview',
    expect: OWNER_OR_ADMIN,
    call: fx => [
      `query ($p: ID!) { projectMoneyPreview(projectId: $p) { toReserve toRelease } }`,
      { p: fx.sharedProjectId },
    ],
  },
];

let matrixEndpointId: Promise<string> | undefined;
function matrixEndpoint(fx: Fixtures): Promise<string> {
  matrixEndpointId ??= fx.clients.requester
    .ok(
      `mutation { createWebhookEndpoint(input: { url: "https://example.com/m", events: ["task.completed"] }) { endpoint { id } } }`,
    )
    .then(data => data.createWebhookEndpoint.endpoint.id as string);
  return matrixEndpointId;
}

const ROLE_OF: Partial<Record<Caller, string>> = {
  worker: 'WORKER',
  otherWorker: 'WORKER',
  requester: 'REQUESTER',
  otherRequester: 'REQUESTER',
  admin: 'ADMIN',
};

function projectInput() {
  return sentimentProjectInput({
    name: 'Matrix project',
    instructions: 'Label the sentiment.',
    rewardAmount: 10,
    overlap: { minOverlap: 2 },
  });
}

/** Data the matrix calls act on, made through the public API as its owners. */
class Fixtures {
  sharedProjectId = '';
  sharedTaskId = '';
  private lease?: { id: string; taskId: string; projectId: string };
  private workerUserId?: string;
  private modelVersionId?: string;
  private prelabelRunId?: string;
  private aggregationRunId?: string;
  private aggregatedProjectId?: string;

  constructor(
    readonly clients: Record<Caller, GraphQLClient>,
    readonly requesterLogin: { email: string; password: string },
    readonly ids: { blockedWorker: string; requester: string },
  ) {}

  async init(): Promise<void> {
    // Launching reserves escrow (docs/money.md): the requester needs funds.
    await this.clients.admin.ok(
      `mutation ($input: RecordManualFundingInput!) { recordManualFunding(input: $input) { id } }`,
      {
        input: {
          requesterId: this.ids.requester,
          amount: 10_000_000,
          currency: 'usd',
          reference: 'matrix funding',
          idempotencyKey: randomUUID(),
        },
      },
    );
    this.sharedProjectId = await this.project({ launch: true });
    const data = await this.clients.requester.ok(
      `query ($id: ID!) { project(id: $id) { tasks(first: 1) { nodes { id } } } }`,
      { id: this.sharedProjectId },
    );
    this.sharedTaskId = data.project.tasks.nodes[0].id;
  }

  /** A fresh project of `requester`, with two tasks; launched (and paused) on request. */
  async project(options: { launch: boolean; pause?: boolean }): Promise<string> {
    const owner = this.clients.requester;
    const created = await owner.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      { input: projectInput() },
    );
    const id = created.createProject.id as string;
    await owner.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      {
        input: {
          projectId: id,
          tasks: [
            { externalId: 'a', payload: { text: 'good' } },
            { externalId: 'b', payload: { text: 'bad' } },
          ],
        },
      },
    );
    if (options.launch) await owner.ok(byId('launchProject', 'id'), { id });
    if (options.pause) await owner.ok(byId('pauseProject', 'id'), { id });
    return id;
  }

  /** A fresh worker account (a reviewer to grant), made through the public sign-up. */
  async freshUser(): Promise<{ id: string; email: string }> {
    const email = `reviewer-${randomUUID()}@example.com`;
    const data = await this.clients.anonymous.ok(
      `mutation ($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
      {
        input: { email, password: 'correct horse battery', displayName: 'Rev', roles: ['WORKER'] },
      },
    );
    return { id: data.signUp.user.id, email };
  }

  /** A fresh gold task in the shared project; returns its id. */
  async goldTask(): Promise<string> {
    const externalId = `gold-${randomBytes(4).toString('hex')}`;
    await this.clients.requester.ok(
      `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
      {
        input: {
          projectId: this.sharedProjectId,
          tasks: [{ externalId, payload: { text: 'gold' }, goldLabel: 'pos' }],
        },
      },
    );
    const data = await this.clients.requester.ok(
      `query ($p: ID!) { goldExposure(projectId: $p) { tasks { taskId externalId } } }`,
      { p: this.sharedProjectId },
    );
    return data.goldExposure.tasks.find(
      (task: { externalId: string }) => task.externalId === externalId,
    ).taskId;
  }

  /** A fresh lease held by `worker` on a task of a fresh project of `requester`. */
  async leasedAssignment(): Promise<{ id: string; taskId: string; projectId: string }> {
    const projectId = await this.project({ launch: true });
    const data = await this.clients.worker.ok(
      `mutation ($projectId: ID) { nextAssignment(projectId: $projectId) { id task { id } } }`,
      { projectId },
    );
    return { id: data.nextAssignment.id, taskId: data.nextAssignment.task.id, projectId };
  }

  /** One lease of `worker`, shared by read-only calls. */
  async sharedLease(): Promise<{ id: string; taskId: string; projectId: string }> {
    this.lease ??= await this.leasedAssignment();
    return this.lease;
  }

  async submittedAssignment(): Promise<string> {
    const { id } = await this.leasedAssignment();
    await this.clients.worker.ok(
      `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
      { input: { assignmentId: id, answer: { labels: ['pos'] } } },
    );
    return id;
  }

  async rejectedAssignment(): Promise<string> {
    const id = await this.submittedAssignment();
    await this.clients.requester.ok(
      `mutation ($id: ID!) { rejectAssignment(id: $id, reason: "wrong") { id } }`,
      { id },
    );
    return id;
  }

  async block(): Promise<string> {
    const projectId = await this.project({ launch: false });
    const data = await this.clients.requester.ok(
      `mutation ($input: BlockWorkerInput!) { blockWorker(input: $input) { id } }`,
      { input: { workerId: this.ids.blockedWorker, projectId, reason: 'spam' } },
    );
    return data.blockWorker.id;
  }

  async qualityRule(): Promise<string> {
    const data = await this.clients.requester.ok(
      `mutation ($projectId: ID!, $rule: JSONObject!) { createQualityRule(projectId: $projectId, rule: $rule) { id } }`,
      { projectId: await this.project({ launch: false }), rule: MATRIX_RULE },
    );
    return data.createQualityRule.id;
  }

  async workerId(): Promise<string> {
    this.workerUserId ??= (await this.clients.worker.ok(`{ me { id } }`)).me.id as string;
    return this.workerUserId;
  }

  /** Approves a fresh answer of `worker`, after settling any pending payout of theirs. */
  async earnings(): Promise<void> {
    const pending = await this.clients.admin.ok(
      `query ($id: ID) { payouts(status: PENDING, workerId: $id) { nodes { id } } }`,
      { id: await this.workerId() },
    );
    for (const { id } of pending.payouts.nodes) {
      await this.clients.admin.ok(
        `mutation ($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { id } }`,
        { input: { payoutId: id, reference: 'matrix', idempotencyKey: randomUUID() } },
      );
    }
    const id = await this.submittedAssignment();
    await this.clients.requester.ok(byId('approveAssignment', 'id'), { id });
  }

  /** A fresh PENDING payout of `worker` (offline, so it waits to be marked by hand). */
  async pendingPayout(): Promise<string> {
    await this.earnings();
    const data = await this.clients.admin.ok(
      `mutation ($input: CreatePayoutInput!) { createPayout(input: $input) { id } }`,
      { input: { workerId: await this.workerId(), currency: 'usd', idempotencyKey: randomUUID() } },
    );
    return data.createPayout.id;
  }

  /** A fresh, valid model for `projectId` (a tiny softmax regression exported by Quorum). */
  modelInput(projectId: string) {
    const weights = Float32Array.from({ length: 8 * 2 }, (_, i) => ((i % 5) - 2) / 10);
    const bytes = exportLogisticRegressionToOnnx(
      { nFeatures: 8, nClasses: 2, weights, bias: new Float32Array(2) },
      { featurizer: MATRIX_FEATURIZER, labelKeys: ['pos', 'neg'], version: 'matrix' },
    );
    return {
      projectId,
      version: `v-${randomBytes(4).toString('hex')}`,
      modelBase64: Buffer.from(bytes).toString('base64'),
      featurizer: MATRIX_FEATURIZER,
      labelKeys: ['pos', 'neg'],
    };
  }

  /** One model version of the shared project, registered by its owner. */
  async modelVersion(): Promise<string> {
    this.modelVersionId ??= (
      await this.clients.requester.ok(
        `mutation ($input: RegisterModelInput!) { registerModel(input: $input) { id } }`,
        { input: this.modelInput(this.sharedProjectId) },
      )
    ).registerModel.id as string;
    return this.modelVersionId;
  }

  async prelabelRun(): Promise<string> {
    this.prelabelRunId ??= (
      await this.clients.requester.ok(
        `mutation ($input: StartPrelabelingInput!) { startPrelabeling(input: $input) { id } }`,
        { input: { projectId: this.sharedProjectId, modelVersionId: await this.modelVersion() } },
      )
    ).startPrelabeling.id as string;
    return this.prelabelRunId;
  }

  /** A project where `worker` answered and an aggregation ran, so worker quality exists. */
  async aggregatedProject(): Promise<string> {
    if (!this.aggregatedProjectId) {
      const lease = await this.leasedAssignment();
      await this.clients.worker.ok(
        `mutation ($input: SubmitAssignmentInput!) { submitAssignment(input: $input) { id } }`,
        { input: { assignmentId: lease.id, answer: { labels: ['pos'] } } },
      );
      await this.clients.requester.ok(
        `mutation ($p: ID!) { runAggregation(projectId: $p) { id } }`,
        { p: lease.projectId },
      );
      this.aggregatedProjectId = lease.projectId;
    }
    return this.aggregatedProjectId;
  }

  async aggregationRun(): Promise<string> {
    this.aggregationRunId ??= (
      await this.clients.requester.ok(
        `mutation ($p: ID!) { runAggregation(projectId: $p) { id } }`,
        { p: this.sharedProjectId },
      )
    ).runAggregation.id as string;
    return this.aggregationRunId;
  }

  async requesterApiKey(): Promise<string> {
    const data = await this.clients.requester.ok(
      `mutation { createApiKey(input: { name: "to revoke", scopes: [REQUESTER] }) { apiKey { id } } }`,
    );
    return data.createApiKey.apiKey.id;
  }
}

/**
 * A subscription's outcome: the code of its first error, UNAUTHENTICATED when the socket was
 * refused (4403: no valid credential), or OK once the server serves it.
 */
async function subscriptionOutcome(
  server: TestServer,
  token: string | undefined,
  [query, variables]: Request,
): Promise<Outcome> {
  const live = server.app.services.live;
  const client = liveClient(server.url, token);
  const before = live.subscriberCount;
  try {
    const taken = live.whenSubscribers(n => n > before).then(() => 'OK' as const);
    const subscription = client.subscribe(query, variables);
    const outcome = await Promise.race([taken, subscription.next()]);
    if (outcome === 'OK') return outcome;
    const code = liveErrorCode(outcome);
    return code === 'CLOSED_4403' ? 'UNAUTHENTICATED' : (code ?? 'NO_DATA');
  } finally {
    await client.close();
    // Gone on the server too, before the next caller counts.
    await live.whenSubscribers(n => n <= before);
  }
}

function outcomeOf(result: GraphQLResponse, operation: string): Outcome {
  if (result.errors?.length) return String(errorCode(result));
  const value = (result.data as Record<string, unknown> | null | undefined)?.[operation];
  return value === undefined || value === null ? 'NO_DATA' : 'OK';
}

describe('authorization matrix (e2e)', () => {
  const server = useTestServer({ env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '10000' } });
  let fx: Fixtures;

  beforeAll(async () => {
    const requester = await server.signUp(['REQUESTER']);
    const admin = await signInNewAdmin(server);
    const blocked = await server.signUp(['WORKER']);
    const clients: Record<Caller, GraphQLClient> = {
      anonymous: server.anonymous(),
      worker: (await server.signUp(['WORKER'])).client,
      otherWorker: (await server.signUp(['WORKER'])).client,
      requester: requester.client,
      otherRequester: (await server.signUp(['REQUESTER'])).client,
      admin,
    };
    fx = new Fixtures(clients, requester, {
      blockedWorker: blocked.userId,
      requester: requester.userId,
    });
    await fx.init();
  }, 60_000);

  it('covers every operation of the schema, and only those', () => {
    const schema = server.app.schema;
    const operations = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
      ...Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
    ].sort();
    const listed = MATRIX.map(entry => entry.operation).sort();
    expect({
      missingFromMatrix: operations.filter(name => !listed.includes(name)),
      notInSchema: listed.filter(name => !operations.includes(name)),
      listedTwice: listed.filter((name, i) => listed.indexOf(name) !== i),
    }).toEqual({ missingFromMatrix: [], notInSchema: [], listedTwice: [] });
  });

  it.each(MATRIX.map(entry => [entry.operation, entry] as const))(
    '%s',
    async (operation, entry) => {
      const actual = {} as Expectations;
      for (const caller of CALLERS) {
        const [query, variables] = await entry.call(fx, caller);
        actual[caller] =
          entry.transport === 'websocket'
            ? await subscriptionOutcome(server, fx.clients[caller].token, [query, variables])
            : outcomeOf(await fx.clients[caller].query(query, variables), operation);
      }
      expect(actual).toEqual(entry.expect);
    },
    30_000,
  );
});
