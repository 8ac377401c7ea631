/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AggregationRunStatus =
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SUPERSEDED';

/** An answer: label keys of the project’s schema (choice kinds) or a structured value (the other kinds). */
export type AnswerInput = {
  /** SINGLE_CHOICE: exactly one key. MULTI_LABEL: one or more distinct keys. */
  labels?: Array<string> | null | undefined;
  /** TEXT_SPANS `{ spans: [{ start, end, label }] }` (token indexes of WorkerTask.tokens, end exclusive); BOUNDING_BOXES `{ boxes: [{ x, y, w, h, label }] }` (pixels); RATING `{ rating }`; PAIRWISE `{ preferred }` (an item id). Refusals: BAD_USER_INPUT with `reason` the kind’s issue code. */
  value?: Record<string, unknown> | null | undefined;
};

export type AssignmentStatus =
  | 'APPROVED'
  | 'EXPIRED'
  | 'LEASED'
  | 'REJECTED'
  | 'RETURNED'
  | 'SUBMITTED';

export type AuditAction =
  | 'BLOCK'
  | 'EXCLUDE_ANSWERS'
  | 'FLAG'
  | 'INCLUDE_ANSWERS'
  | 'NOTIFY'
  | 'REJECT_PENDING'
  | 'REOPEN_TASKS'
  | 'RULE_CREATED'
  | 'RULE_DISABLED'
  | 'RULE_UPDATED'
  | 'UNBLOCK';

export type AuditActorKind =
  | 'RULE'
  | 'USER';

export type AwardBonusInput = {
  /** Minor units, > 0; the platform fee is added on top. */
  amount: number;
  /** The answered assignment the bonus rewards. */
  assignmentId: string | number;
  /** Must be the assignment’s currency. */
  currency: string;
  idempotencyKey: string;
  /** Shown to the worker; 1 to 1,000 characters. */
  reason: string;
};

export type BlockWorkerInput = {
  /** Until when; omit for until lifted. */
  endsAt?: string | null | undefined;
  /** Block on this project only. Omit to block everywhere (admins only). */
  projectId?: string | number | null | undefined;
  /** 1 to 2,000 characters; kept for audits. */
  reason: string;
  workerId: string | number;
};

export type ConnectPayoutAccountInput = {
  /** Where Stripe sends the worker when the link expired or was used. */
  refreshUrl: string;
  /** Where Stripe sends the worker after onboarding. */
  returnUrl: string;
};

export type CreateApiKeyInput = {
  name: string;
  /** Roles the key may use; each must be one of yours. */
  scopes: Array<Role>;
};

export type CreateFundingInput = {
  /** Minor units, > 0. */
  amount: number;
  /** Checkout: where Stripe sends a payer who gives up. */
  cancelUrl?: string | null | undefined;
  /** ISO 4217 code, any case. */
  currency: string;
  idempotencyKey: string;
  method?: FundingMethod;
  /** Checkout: where Stripe sends the payer after paying. */
  successUrl?: string | null | undefined;
};

export type CreateProjectInput = {
  /** A name from aggregationMethods; default the registry’s default method. */
  aggregationMethod?: string | null | undefined;
  /** Lease length, 30 s to 7 days; default 600. */
  assignmentDurationSeconds?: number | null | undefined;
  /** 0 to 30 days; default 3 days. */
  autoApprovalDelaySeconds?: number | null | undefined;
  /** ISO 4217 code, any case (stored lower case). */
  currency: string;
  /** Most distinct workers one gold task is served to, 1 to 1,000,000; default 50. */
  goldExposureCap?: number | null | undefined;
  /** Share of gold tasks served, 0 to 0.5. */
  goldRate?: number | null | undefined;
  /** Gold score that counts as correct, 0 to 1; default the kind’s (docs/kinds.md). */
  goldThreshold?: number | null | undefined;
  /** Retry-safe creation: a repeat with the same key returns the same project. */
  idempotencyKey?: string | null | undefined;
  /** Markdown shown to workers. */
  instructions?: string | null | undefined;
  labelSchema: LabelSchemaInput;
  /** Model gate trust threshold: Wilson lower bound on the model's gold accuracy, 0 to 1; default 0.85. */
  modelGateMinAccuracy?: number | null | undefined;
  /** Retrain the pre-label model every this many newly completed tasks, 1 to 1,000,000; default null (off). Needs a model on the project to start from (its featurizer). */
  modelRetrainEvery?: number | null | undefined;
  name: string;
  overlap: OverlapInput;
  /** Share of training answers that must be right, 0 to 1; default 0.8. */
  qualificationPassMark?: number | null | undefined;
  /** Wait before a failed worker may retry, 0 to 365 days; default 1 day. */
  qualificationRetryDelaySeconds?: number | null | undefined;
  /** Training gold tasks before real work, 0 (none, the default) to 1,000. */
  qualificationTaskCount?: number | null | undefined;
  /** 0 to 30 days; default 7 days. */
  rejectionReversalWindowSeconds?: number | null | undefined;
  /** Reward per approved assignment in minor units (cents), 0 to 1,000,000. */
  rewardAmount: number;
  /** Show workers the model pre-label of each task; default false (it biases answers). */
  showPrelabelsToWorkers?: boolean | null | undefined;
};

export type DecideReviewInput = {
  /** Choice kinds: the final label keys, exactly one for single choice, any set for multi-label. */
  labels?: Array<string> | null | undefined;
  /** Also add a gold task with this payload and answer (owner or admin only: gold is served and paid). */
  makeGold?: boolean;
  taskId: string | number;
  /** Structured kinds: the final answer, as AnswerInput.value, checked by the kind’s validation. */
  value?: Record<string, unknown> | null | undefined;
};

export type FundingMethod =
  | 'CHECKOUT_SESSION'
  | 'MANUAL'
  | 'PAYMENT_INTENT';

export type FundingStatus =
  | 'EXPIRED'
  | 'FAILED'
  | 'PENDING'
  | 'SUCCEEDED';

/** One task to import. */
export type ImportTaskItem = {
  /** Your id for the item (1 to 255 characters, unique in the project). Re-importing an existing externalId skips it; items without one are always created, so retry those with an idempotencyKey. */
  externalId?: string | null | undefined;
  /** Gold answer of a structured kind (spans, boxes, rating, pairwise), in the shape of AnswerInput.value; checked like a worker’s answer. */
  goldAnswer?: Record<string, unknown> | null | undefined;
  /** Gold answer of a single-choice project. */
  goldLabel?: string | null | undefined;
  /** Gold answer of a multi-label project. */
  goldLabels?: Array<string> | null | undefined;
  /** The item to label: a JSON object ≤ 64 KiB. */
  payload: Record<string, unknown>;
};

export type ImportTasksInput = {
  /** A repeat with the same key and tasks returns the first call’s result. */
  idempotencyKey?: string | null | undefined;
  projectId: string | number;
  /** 1 to 10,000 tasks. */
  tasks: Array<ImportTaskItem>;
};

export type LabelOptionInput = {
  /** What workers see. */
  displayName: string;
  /** Stable machine key, stored in answers and exports. */
  key: string;
};

/** The answer space: 2 to 200 labels with unique keys for the choice kinds; for the structured kinds the labels name entity types (TEXT_SPANS), box classes (BOUNDING_BOXES) or grades (RATING, optional), none for PAIRWISE, and `settings` carries the rest (docs/kinds.md). */
export type LabelSchemaInput = {
  kind: LabelSchemaKind;
  /** In display order; the order also fixes label indexes for aggregation. */
  labels: Array<LabelOptionInput>;
  /** The kind’s other settings: `tokenization`, `textField`, `tokensField`, `allowOverlap` (TEXT_SPANS); `imageField`, `widthField`, `heightField` (BOUNDING_BOXES); `min`, `max`, `tolerance` (RATING); `leftField`, `rightField` (PAIRWISE). Refusals: BAD_USER_INPUT with `reason` the kind’s issue code. */
  settings?: Record<string, unknown> | null | undefined;
};

export type LabelSchemaKind =
  | 'BOUNDING_BOXES'
  | 'MULTI_LABEL'
  | 'PAIRWISE'
  | 'RATING'
  | 'SINGLE_CHOICE'
  | 'TEXT_SPANS';

/** What a ledger account holds (see docs/money.md). */
export type LedgerAccountKind =
  | 'EXTERNAL_FUNDING'
  | 'PLATFORM_REVENUE'
  | 'PROJECT_ESCROW'
  | 'REQUESTER_AVAILABLE'
  | 'WORKER_EARNED'
  | 'WORKER_PAID_OUT'
  | 'WORKER_PAYOUT_PENDING';

export type LogInInput = {
  email: string;
  password: string;
};

export type ModelSource =
  | 'TRAINED'
  | 'UPLOADED';

/** Fixed overlap k: `{ minOverlap: k }`. Dynamic overlap: `{ minOverlap, maxOverlap, confidenceTarget }` (stop between min and max answers once the top label’s posterior reaches the target). */
export type OverlapInput = {
  /** Dynamic overlap only: posterior to reach, strictly between 0.5 and 1. */
  confidenceTarget?: number | null | undefined;
  /** Dynamic overlap only: past minOverlap, a task is leased again only while fewer than this many of its leases await an answer, 1 to 100. Default 1 (answers bought one at a time). */
  maxOutstandingLeases?: number | null | undefined;
  /** Defaults to minOverlap (fixed overlap). */
  maxOverlap?: number | null | undefined;
  /** Answers every task gets at least, 1 to 100. */
  minOverlap: number;
};

export type PayoutStatus =
  | 'FAILED'
  | 'PAID'
  | 'PENDING'
  | 'REVERSED';

export type PrelabelRunStatus =
  | 'DONE'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING';

export type ProjectStatus =
  | 'ACTIVE'
  | 'ARCHIVED'
  | 'COMPLETED'
  | 'DRAFT'
  | 'PAUSED';

export type QualificationStatus =
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'NOT_REQUIRED'
  | 'NOT_STARTED'
  | 'PASSED';

export type ReconciliationDifferenceKind =
  | 'AMOUNT_MISMATCH'
  | 'MISSING_AT_PROVIDER'
  | 'MISSING_IN_LEDGER';

/** An ONNX model to register on a project. The whole request must fit the HTTP body limit (BODY_LIMIT_BYTES, 1 MiB by default, so about 750 KB of model); register larger models with `npm run model:register` (docs/prelabel.md). */
export type RegisterModelInput = {
  /** How a task payload becomes the model input: { kind: "numeric-vector", field, dimension } or { kind: "hashed-text", field, dimension, ... } (docs/prelabel.md). */
  featurizer: Record<string, unknown>;
  /** Label key of each model output column (output index → schema key). */
  labelKeys: Array<string>;
  /** The ONNX file, standard base64. */
  modelBase64: string;
  projectId: string | number;
  /** Version name, unique within the project (1 to 100 characters). */
  version: string;
};

export type ResultsExportFormat =
  | 'COCO'
  | 'CONLL'
  | 'CSV'
  | 'JSONL'
  | 'SPACY'
  | 'YOLO';

/** Filters of Project.results; all optional, combined with AND. */
export type ResultsFilter = {
  /** Only tasks with a consensus whose confidence is below this (a review queue). */
  confidenceBelow?: number | null | undefined;
  /** Whether the task has a consensus yet. */
  hasConsensus?: boolean | null | undefined;
  isGold?: boolean | null | undefined;
};

/** Why a worker gave a task back: no reason (SKIPPED), unclear instructions, content broken or missing, unsure of the answer, offensive content. */
export type ReturnReason =
  | 'BROKEN_CONTENT'
  | 'OFFENSIVE'
  | 'SKIPPED'
  | 'UNCLEAR_INSTRUCTIONS'
  | 'UNSURE';

export type ReviewReason =
  | 'LOW_CONFIDENCE'
  | 'MODEL_DISAGREES';

/** What a user may do; a user may hold several. */
export type Role =
  | 'ADMIN'
  | 'REQUESTER'
  | 'WORKER';

export type SignUpInput = {
  displayName: string;
  email: string;
  /** At least 10 characters. */
  password: string;
  /** REQUESTER and/or WORKER. */
  roles: Array<Role>;
};

export type StartPrelabelingInput = {
  modelVersionId: string | number;
  projectId: string | number;
};

export type SubmitAssignmentInput = {
  answer: AnswerInput;
  assignmentId: string | number;
  /** Time the worker spent by the client’s own measure, 0 to 7 days in ms. */
  clientDurationMs?: number | null | undefined;
};

/** Train a logistic regression from the consensus of completed tasks; gold is held out. */
export type TrainModelInput = {
  /** Featurizer spec; default the latest model version’s. */
  featurizer?: Record<string, unknown> | null | undefined;
  /** L2 penalty λ, default 0.001. */
  l2?: number | null | undefined;
  projectId: string | number;
  /** Default trained-<n>. */
  version?: string | null | undefined;
};

export type ConsoleAccessQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAccessQuery = { reviewableProjects: Array<{ projectId: string }> };

export type AdminAuditLogQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminAuditLogQuery = { qualityAuditLog: Array<{ id: string, action: AuditAction, actorKind: AuditActorKind, occurredAt: string, projectId: string | null, workerId: string | null, reason: string }> };

export type AdminMoneyQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminMoneyQuery = { trialBalance: { balanced: boolean, cachedBalancesMatchEntries: boolean, currencies: Array<{ currency: string, total: number, lines: Array<{ kind: LedgerAccountKind, accounts: number, balance: number }> }> }, payouts: { totalCount: number, nodes: Array<{ id: string, workerId: string, amount: number, currency: string, status: PayoutStatus, attempts: number, createdAt: string, paidAt: string | null, failureReason: string | null }> } };

export type AdminReconciliationQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminReconciliationQuery = { paymentsReconciliation: { ok: boolean, provider: string, checkedAt: string, balanceMismatches: number, stalePendingPayouts: number, unpaidApprovals: number, differences: Array<{ kind: ReconciliationDifferenceKind, movement: string, reference: string, currency: string, ledgerAmount: number | null, providerAmount: number | null }> } };

export type AdminUsersQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type AdminUsersQuery = { adminUsers: Array<{ id: string, email: string, displayName: string, roles: Array<Role>, createdAt: string, activeBlocks: number }> };

export type AdminUserBlocksQueryVariables = Exact<{
  workerId: string | number;
}>;


export type AdminUserBlocksQuery = { workerBlocks: Array<{ id: string, reason: string, projectId: string | null, startsAt: string, endsAt: string | null }> };

export type AdminBlockWorkerMutationVariables = Exact<{
  input: BlockWorkerInput;
}>;


export type AdminBlockWorkerMutation = { blockWorker: { id: string } };

export type AdminUnblockWorkerMutationVariables = Exact<{
  blockId: string | number;
}>;


export type AdminUnblockWorkerMutation = { unblockWorker: { id: string } };

export type LabelSchemaFieldsFragment = { kind: LabelSchemaKind, labels: Array<{ key: string, displayName: string }> };

export type RequesterProjectsQueryVariables = Exact<{ [key: string]: never; }>;


export type RequesterProjectsQuery = { projects: { nodes: Array<{ id: string, name: string, status: ProjectStatus, currency: string, rewardAmount: number, createdAt: string }> } };

export type ReviewableProjectsQueryVariables = Exact<{ [key: string]: never; }>;


export type ReviewableProjectsQuery = { reviewableProjects: Array<{ projectId: string, name: string, owner: boolean }> };

export type AggregationMethodsQueryVariables = Exact<{ [key: string]: never; }>;


export type AggregationMethodsQuery = { aggregationMethods: Array<{ name: string, isDefault: boolean }> };

export type CreateConsoleProjectMutationVariables = Exact<{
  input: CreateProjectInput;
}>;


export type CreateConsoleProjectMutation = { createProject: { id: string } };

export type ConsoleProjectQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleProjectQuery = { project: { id: string, name: string, status: ProjectStatus, currency: string, rewardAmount: number, goldRate: number, instructions: string, aggregationMethod: string, qualificationTaskCount: number, labelSchema: { kind: LabelSchemaKind, labels: Array<{ key: string, displayName: string }> }, overlap: { minOverlap: number, maxOverlap: number, confidenceTarget: number | null }, tasks: { totalCount: number }, gold: { totalCount: number }, done: { totalCount: number } }, projectMoneyPreview: { currency: string, available: number, required: number, reservedSoFar: number, toReserve: number, escrow: number, toRelease: number }, projectMoney: { spent: number, reserved: number, escrow: number, approvedAssignments: number } };

export type ProjectDashboardQueryVariables = Exact<{
  id: string | number;
}>;


export type ProjectDashboardQuery = { projectQualityAudit: { confidenceCounts: Array<number>, confidenceEdges: Array<number> }, workerBlocks: Array<{ id: string, workerId: string, reason: string }>, projectAssignments: { totalCount: number }, projectProgress: { answersPerHour: number, answersNeeded: number, answersNeededAtMost: number, etaSeconds: number | null }, qualityAuditLog: Array<{ workerId: string | null, action: AuditAction }> };

export type ConsoleAuditReportQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleAuditReportQuery = { auditReport: string };

export type MoveProjectMutationVariables = Exact<{
  id: string | number;
  launch?: boolean;
  pause?: boolean;
  resume?: boolean;
  complete?: boolean;
  archive?: boolean;
}>;


export type MoveProjectMutation = { launchProject?: { status: ProjectStatus }, pauseProject?: { status: ProjectStatus }, resumeProject?: { status: ProjectStatus }, completeProject?: { status: ProjectStatus }, archiveProject?: { status: ProjectStatus } };

export type ConsoleImportTasksMutationVariables = Exact<{
  input: ImportTasksInput;
}>;


export type ConsoleImportTasksMutation = { importTasks: { created: number, skipped: number } };

export type DryRunRuleQueryVariables = Exact<{
  projectId: string | number;
  rule: Record<string, unknown>;
}>;


export type DryRunRuleQuery = { dryRunQualityRule: { answers: number, answersPrevented: number, workersTouched: number } };

export type CreateConsoleRuleMutationVariables = Exact<{
  projectId: string | number;
  rule: Record<string, unknown>;
}>;


export type CreateConsoleRuleMutation = { createQualityRule: { id: string, name: string } };

export type ProjectResultsQueryVariables = Exact<{
  id: string | number;
  filter?: ResultsFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type ProjectResultsQuery = { project: { id: string, results: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ taskId: string, externalId: string | null, label: string | null, labels: Array<string> | null, confidence: number | null, answerCount: number, isGold: boolean, reviewed: boolean }> } } };

export type ConsoleRunAggregationMutationVariables = Exact<{
  projectId: string | number;
}>;


export type ConsoleRunAggregationMutation = { runAggregation: { id: string, status: AggregationRunStatus } };

export type ConsoleExportResultsQueryVariables = Exact<{
  projectId: string | number;
  format: ResultsExportFormat;
}>;


export type ConsoleExportResultsQuery = { exportResults: { content: string, contentType: string, taskCount: number } };

export type ConsoleReviewQueueQueryVariables = Exact<{
  projectId: string | number;
  confidenceBelow: number;
}>;


export type ConsoleReviewQueueQuery = { reviewQueue: { totalCount: number, items: Array<{ taskId: string, externalId: string | null, reasons: Array<ReviewReason>, consensusLabels: Array<string> | null, confidence: number | null, modelLabel: string | null, answerCount: number }> } };

export type ConsoleReviewTaskQueryVariables = Exact<{
  taskId: string | number;
}>;


export type ConsoleReviewTaskQuery = { reviewTask: { taskId: string, projectId: string, projectName: string, externalId: string | null, payload: Record<string, unknown>, consensusLabels: Array<string> | null, confidence: number | null, labelSchema: { kind: LabelSchemaKind, labels: Array<{ key: string, displayName: string }> }, posterior: Array<{ key: string, probability: number }> | null, prelabel: { label: string, confidence: number } | null, answers: Array<{ worker: string, workerId: string | null, labels: Array<string>, submittedAt: string | null, excluded: boolean, status: string }>, decision: { labels: Array<string>, decidedBy: string, decidedAt: string, goldTaskId: string | null } | null } };

export type DecideReviewMutationVariables = Exact<{
  input: DecideReviewInput;
}>;


export type DecideReviewMutation = { decideReview: { taskId: string, labels: Array<string>, decidedBy: string, decidedAt: string } };

export type ConsoleReviewersQueryVariables = Exact<{
  projectId: string | number;
}>;


export type ConsoleReviewersQuery = { projectReviewers: Array<{ userId: string, email: string, displayName: string }> };

export type ConsoleGrantReviewerMutationVariables = Exact<{
  projectId: string | number;
  email: string;
}>;


export type ConsoleGrantReviewerMutation = { grantReviewer: { userId: string } };

export type ConsoleMoneyQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMoneyQuery = { cardPaymentsAvailable: boolean, myBalances: Array<{ currency: string, available: number, inEscrow: number, spent: number }>, myFundings: Array<{ id: string, amount: number, currency: string, method: FundingMethod, status: FundingStatus, createdAt: string }>, projects: { nodes: Array<{ id: string, name: string, status: ProjectStatus }> } };

export type ConsoleProjectMoneyQueryVariables = Exact<{
  projectId: string | number;
}>;


export type ConsoleProjectMoneyQuery = { projectMoney: { currency: string, escrow: number, reserved: number, spent: number, bonuses: number, released: number } };

export type ConsoleCreateFundingMutationVariables = Exact<{
  input: CreateFundingInput;
}>;


export type ConsoleCreateFundingMutation = { createFunding: { checkoutUrl: string | null } };

export type ConsoleAwardBonusMutationVariables = Exact<{
  input: AwardBonusInput;
}>;


export type ConsoleAwardBonusMutation = { awardBonus: { amount: number, fee: number } };

export type ConsoleApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, scopes: Array<Role>, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type ConsoleCreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type ConsoleCreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string } } };

export type ConsoleRevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRevokeApiKeyMutation = { revokeApiKey: { id: string, revokedAt: string | null } };

export type ConsoleModelsQueryVariables = Exact<{
  projectId: string | number;
}>;


export type ConsoleModelsQuery = { modelVersions: Array<{ id: string, version: string, source: ModelSource, sizeBytes: number, labelKeys: Array<string>, metrics: Record<string, unknown> | null, createdAt: string }> };

export type ConsoleRegisterModelMutationVariables = Exact<{
  input: RegisterModelInput;
}>;


export type ConsoleRegisterModelMutation = { registerModel: { id: string } };

export type ConsoleTrainModelMutationVariables = Exact<{
  input: TrainModelInput;
}>;


export type ConsoleTrainModelMutation = { trainModel: { id: string } };

export type ConsoleStartPrelabelingMutationVariables = Exact<{
  input: StartPrelabelingInput;
}>;


export type ConsoleStartPrelabelingMutation = { startPrelabeling: { id: string } };

export type ConsolePrelabelRunQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsolePrelabelRunQuery = { prelabelRun: { id: string, status: PrelabelRunStatus, processed: number, total: number, predicted: number, skipped: number, error: string | null } };

export type MyBlocksQueryVariables = Exact<{ [key: string]: never; }>;


export type MyBlocksQuery = { myQuality: { blocks: Array<{ reason: string, byRule: boolean, projectId: string | null, startsAt: string, endsAt: string | null }> } };

export type WorkerCatalogueQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkerCatalogueQuery = { workerCatalogue: Array<{ projectId: string, name: string, requesterDisplayName: string, rewardAmount: number, currency: string, estimatedSecondsPerTask: number | null, hourlyRate: number | null, tasksLeft: number, qualificationRequired: boolean, qualificationStatus: QualificationStatus }> };

export type MyWorkQueryVariables = Exact<{ [key: string]: never; }>;


export type MyWorkQuery = { myEarnings: Array<{ currency: string, earned: number, pending: number, paidOut: number }>, myQuality: { answers: number, medianSeconds: number | null, goldAccuracy: { estimate: number | null, count: number }, consensusAgreement: { estimate: number | null, count: number } }, myPayoutAccount: { id: string, payoutsEnabled: boolean, detailsSubmitted: boolean } | null, myAssignments: { totalCount: number, nodes: Array<{ id: string, status: AssignmentStatus, answerLabels: Array<string> | null, rewardAmount: number, currency: string, submittedAt: string | null, rejectionReason: string | null, task: { projectName: string } | null }> } };

export type ConnectPayoutAccountMutationVariables = Exact<{
  input: ConnectPayoutAccountInput;
}>;


export type ConnectPayoutAccountMutation = { connectPayoutAccount: { url: string } };

export type SessionPayloadFragment = { token: string, user: { id: string, displayName: string, roles: Array<Role> } };

export type LogInMutationVariables = Exact<{
  input: LogInInput;
}>;


export type LogInMutation = { logIn: { token: string, user: { id: string, displayName: string, roles: Array<Role> } } };

export type SignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type SignUpMutation = { signUp: { token: string, user: { id: string, displayName: string, roles: Array<Role> } } };

export type NewWorkSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NewWorkSubscription = { newWork: { projectId: string, at: string } };

export type LeaseWarningsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type LeaseWarningsSubscription = { leaseWarnings: { assignmentId: string, expired: boolean, secondsLeft: number } };

export type LeasedAssignmentFragment = { id: string, expiresAt: string, leasedAt: string, rewardAmount: number, currency: string, task: { id: string, projectName: string, requesterDisplayName: string, instructions: string, payload: Record<string, unknown>, tokens: Array<string> | null, labelSchema: { kind: LabelSchemaKind, settings: Record<string, unknown>, labels: Array<{ key: string, displayName: string }> }, prelabel: { labelKey: string, confidence: number } | null } | null };

export type NextAssignmentMutationVariables = Exact<{
  projectId?: string | number | null | undefined;
}>;


export type NextAssignmentMutation = { nextAssignment: { id: string, expiresAt: string, leasedAt: string, rewardAmount: number, currency: string, task: { id: string, projectName: string, requesterDisplayName: string, instructions: string, payload: Record<string, unknown>, tokens: Array<string> | null, labelSchema: { kind: LabelSchemaKind, settings: Record<string, unknown>, labels: Array<{ key: string, displayName: string }> }, prelabel: { labelKey: string, confidence: number } | null } | null } | null };

export type SubmitAssignmentMutationVariables = Exact<{
  input: SubmitAssignmentInput;
}>;


export type SubmitAssignmentMutation = { submitAssignment: { id: string, status: AssignmentStatus } };

export type ReturnAssignmentMutationVariables = Exact<{
  id: string | number;
  reason?: ReturnReason | null | undefined;
}>;


export type ReturnAssignmentMutation = { returnAssignment: { id: string, status: AssignmentStatus } };

export type MyQualificationQueryVariables = Exact<{
  projectId: string | number;
}>;


export type MyQualificationQuery = { myQualification: { status: QualificationStatus, answered: number, required: number, retryAfter: string | null } };

export const LabelSchemaFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LabelSchemaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LabelSchema"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<LabelSchemaFieldsFragment, unknown>;
export const SessionPayloadFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}}]}}]} as unknown as DocumentNode<SessionPayloadFragment, unknown>;
export const LeasedAssignmentFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LeasedAssignment"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerAssignment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"leasedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectName"}},{"kind":"Field","name":{"kind":"Name","value":"requesterDisplayName"}},{"kind":"Field","name":{"kind":"Name","value":"instructions"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"labelSchema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"prelabel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"labelKey"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}}]}}]}}]}}]} as unknown as DocumentNode<LeasedAssignmentFragment, unknown>;
export const ConsoleAccessDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAccess"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewableProjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectId"}}]}}]}}]} as unknown as DocumentNode<ConsoleAccessQuery, ConsoleAccessQueryVariables>;
export const AdminAuditLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AdminAuditLog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityAuditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"actorKind"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]} as unknown as DocumentNode<AdminAuditLogQuery, AdminAuditLogQueryVariables>;
export const AdminMoneyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AdminMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trialBalance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balanced"}},{"kind":"Field","name":{"kind":"Name","value":"cachedBalancesMatchEntries"}},{"kind":"Field","name":{"kind":"Name","value":"currencies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"accounts"}},{"kind":"Field","name":{"kind":"Name","value":"balance"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"payouts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"paidAt"}},{"kind":"Field","name":{"kind":"Name","value":"failureReason"}}]}}]}}]}}]} as unknown as DocumentNode<AdminMoneyQuery, AdminMoneyQueryVariables>;
export const AdminReconciliationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AdminReconciliation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentsReconciliation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMismatches"}},{"kind":"Field","name":{"kind":"Name","value":"stalePendingPayouts"}},{"kind":"Field","name":{"kind":"Name","value":"unpaidApprovals"}},{"kind":"Field","name":{"kind":"Name","value":"differences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"movement"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"ledgerAmount"}},{"kind":"Field","name":{"kind":"Name","value":"providerAmount"}}]}}]}}]}}]} as unknown as DocumentNode<AdminReconciliationQuery, AdminReconciliationQueryVariables>;
export const AdminUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AdminUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"adminUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"activeBlocks"}}]}}]}}]} as unknown as DocumentNode<AdminUsersQuery, AdminUsersQueryVariables>;
export const AdminUserBlocksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AdminUserBlocks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"workerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workerBlocks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"workerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"workerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"activeOnly"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}}]}}]}}]} as unknown as DocumentNode<AdminUserBlocksQuery, AdminUserBlocksQueryVariables>;
export const AdminBlockWorkerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AdminBlockWorker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BlockWorkerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blockWorker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AdminBlockWorkerMutation, AdminBlockWorkerMutationVariables>;
export const AdminUnblockWorkerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AdminUnblockWorker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"blockId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unblockWorker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"blockId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"blockId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AdminUnblockWorkerMutation, AdminUnblockWorkerMutationVariables>;
export const RequesterProjectsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RequesterProjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]} as unknown as DocumentNode<RequesterProjectsQuery, RequesterProjectsQueryVariables>;
export const ReviewableProjectsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewableProjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewableProjects"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}}]}}]}}]} as unknown as DocumentNode<ReviewableProjectsQuery, ReviewableProjectsQueryVariables>;
export const AggregationMethodsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AggregationMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregationMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}}]}}]}}]} as unknown as DocumentNode<AggregationMethodsQuery, AggregationMethodsQueryVariables>;
export const CreateConsoleProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConsoleProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateProjectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateConsoleProjectMutation, CreateConsoleProjectMutationVariables>;
export const ConsoleProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"goldRate"}},{"kind":"Field","name":{"kind":"Name","value":"instructions"}},{"kind":"Field","name":{"kind":"Name","value":"aggregationMethod"}},{"kind":"Field","name":{"kind":"Name","value":"qualificationTaskCount"}},{"kind":"Field","name":{"kind":"Name","value":"labelSchema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LabelSchemaFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"overlap"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minOverlap"}},{"kind":"Field","name":{"kind":"Name","value":"maxOverlap"}},{"kind":"Field","name":{"kind":"Name","value":"confidenceTarget"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"gold"},"name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"isGold"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"done"},"name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"COMPLETE"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"projectMoneyPreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"reservedSoFar"}},{"kind":"Field","name":{"kind":"Name","value":"toReserve"}},{"kind":"Field","name":{"kind":"Name","value":"escrow"}},{"kind":"Field","name":{"kind":"Name","value":"toRelease"}}]}},{"kind":"Field","name":{"kind":"Name","value":"projectMoney"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"escrow"}},{"kind":"Field","name":{"kind":"Name","value":"approvedAssignments"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LabelSchemaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LabelSchema"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<ConsoleProjectQuery, ConsoleProjectQueryVariables>;
export const ProjectDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectQualityAudit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confidenceCounts"}},{"kind":"Field","name":{"kind":"Name","value":"confidenceEdges"}}]}},{"kind":"Field","name":{"kind":"Name","value":"workerBlocks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"activeOnly"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"projectAssignments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"SUBMITTED"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"projectProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"answersPerHour"}},{"kind":"Field","name":{"kind":"Name","value":"answersNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"answersNeededAtMost"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"qualityAuditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"500"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"action"}}]}}]}}]} as unknown as DocumentNode<ProjectDashboardQuery, ProjectDashboardQueryVariables>;
export const ConsoleAuditReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAuditReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<ConsoleAuditReportQuery, ConsoleAuditReportQueryVariables>;
export const MoveProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MoveProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"launch"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pause"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resume"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"complete"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"archive"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"launchProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"launch"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pauseProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pause"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resumeProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resume"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"completeProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"complete"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"archiveProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"archive"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<MoveProjectMutation, MoveProjectMutationVariables>;
export const ConsoleImportTasksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleImportTasks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportTasksInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importTasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}}]}}]} as unknown as DocumentNode<ConsoleImportTasksMutation, ConsoleImportTasksMutationVariables>;
export const DryRunRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DryRunRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSONObject"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRunQualityRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"rule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rule"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"answers"}},{"kind":"Field","name":{"kind":"Name","value":"answersPrevented"}},{"kind":"Field","name":{"kind":"Name","value":"workersTouched"}}]}}]}}]} as unknown as DocumentNode<DryRunRuleQuery, DryRunRuleQueryVariables>;
export const CreateConsoleRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConsoleRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSONObject"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createQualityRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"rule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rule"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CreateConsoleRuleMutation, CreateConsoleRuleMutationVariables>;
export const ProjectResultsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectResults"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ResultsFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"answerCount"}},{"kind":"Field","name":{"kind":"Name","value":"isGold"}},{"kind":"Field","name":{"kind":"Name","value":"reviewed"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ProjectResultsQuery, ProjectResultsQueryVariables>;
export const ConsoleRunAggregationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRunAggregation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runAggregation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleRunAggregationMutation, ConsoleRunAggregationMutationVariables>;
export const ConsoleExportResultsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleExportResults"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"format"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResultsExportFormat"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportResults"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"format"},"value":{"kind":"Variable","name":{"kind":"Name","value":"format"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"content"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"taskCount"}}]}}]}}]} as unknown as DocumentNode<ConsoleExportResultsQuery, ConsoleExportResultsQueryVariables>;
export const ConsoleReviewQueueDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReviewQueue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"confidenceBelow"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewQueue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"confidenceBelow"},"value":{"kind":"Variable","name":{"kind":"Name","value":"confidenceBelow"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}},{"kind":"Field","name":{"kind":"Name","value":"consensusLabels"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"modelLabel"}},{"kind":"Field","name":{"kind":"Name","value":"answerCount"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleReviewQueueQuery, ConsoleReviewQueueQueryVariables>;
export const ConsoleReviewTaskDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReviewTask"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewTask"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"taskId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"taskId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"projectName"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"labelSchema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LabelSchemaFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consensusLabels"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"posterior"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"probability"}}]}},{"kind":"Field","name":{"kind":"Name","value":"prelabel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}}]}},{"kind":"Field","name":{"kind":"Name","value":"answers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"worker"}},{"kind":"Field","name":{"kind":"Name","value":"workerId"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"excluded"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decision"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"goldTaskId"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LabelSchemaFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LabelSchema"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<ConsoleReviewTaskQuery, ConsoleReviewTaskQueryVariables>;
export const DecideReviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DecideReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecideReviewInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decideReview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"decidedBy"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}}]}}]}}]} as unknown as DocumentNode<DecideReviewMutation, DecideReviewMutationVariables>;
export const ConsoleReviewersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleReviewers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectReviewers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<ConsoleReviewersQuery, ConsoleReviewersQueryVariables>;
export const ConsoleGrantReviewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleGrantReviewer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grantReviewer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}}]}}]}}]} as unknown as DocumentNode<ConsoleGrantReviewerMutation, ConsoleGrantReviewerMutationVariables>;
export const ConsoleMoneyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cardPaymentsAvailable"}},{"kind":"Field","name":{"kind":"Name","value":"myBalances"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"inEscrow"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myFundings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMoneyQuery, ConsoleMoneyQueryVariables>;
export const ConsoleProjectMoneyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleProjectMoney"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectMoney"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"escrow"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"spent"}},{"kind":"Field","name":{"kind":"Name","value":"bonuses"}},{"kind":"Field","name":{"kind":"Name","value":"released"}}]}}]}}]} as unknown as DocumentNode<ConsoleProjectMoneyQuery, ConsoleProjectMoneyQueryVariables>;
export const ConsoleCreateFundingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateFunding"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateFundingInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createFunding"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkoutUrl"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateFundingMutation, ConsoleCreateFundingMutationVariables>;
export const ConsoleAwardBonusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleAwardBonus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AwardBonusInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"awardBonus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"fee"}}]}}]}}]} as unknown as DocumentNode<ConsoleAwardBonusMutation, ConsoleAwardBonusMutationVariables>;
export const ConsoleApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleApiKeysQuery, ConsoleApiKeysQueryVariables>;
export const ConsoleCreateApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateApiKeyMutation, ConsoleCreateApiKeyMutationVariables>;
export const ConsoleRevokeApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRevokeApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleRevokeApiKeyMutation, ConsoleRevokeApiKeyMutationVariables>;
export const ConsoleModelsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleModels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"labelKeys"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleModelsQuery, ConsoleModelsQueryVariables>;
export const ConsoleRegisterModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRegisterModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterModelInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleRegisterModelMutation, ConsoleRegisterModelMutationVariables>;
export const ConsoleTrainModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleTrainModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TrainModelInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trainModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleTrainModelMutation, ConsoleTrainModelMutationVariables>;
export const ConsoleStartPrelabelingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleStartPrelabeling"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StartPrelabelingInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startPrelabeling"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<ConsoleStartPrelabelingMutation, ConsoleStartPrelabelingMutationVariables>;
export const ConsolePrelabelRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsolePrelabelRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"prelabelRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"predicted"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<ConsolePrelabelRunQuery, ConsolePrelabelRunQueryVariables>;
export const MyBlocksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyBlocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myQuality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"byRule"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}}]}}]}}]}}]} as unknown as DocumentNode<MyBlocksQuery, MyBlocksQueryVariables>;
export const WorkerCatalogueDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WorkerCatalogue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workerCatalogue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"requesterDisplayName"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedSecondsPerTask"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyRate"}},{"kind":"Field","name":{"kind":"Name","value":"tasksLeft"}},{"kind":"Field","name":{"kind":"Name","value":"qualificationRequired"}},{"kind":"Field","name":{"kind":"Name","value":"qualificationStatus"}}]}}]}}]} as unknown as DocumentNode<WorkerCatalogueQuery, WorkerCatalogueQueryVariables>;
export const MyWorkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyWork"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myEarnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"earned"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"paidOut"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myQuality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"answers"}},{"kind":"Field","name":{"kind":"Name","value":"medianSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"goldAccuracy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consensusAgreement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"estimate"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"myPayoutAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"payoutsEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"detailsSubmitted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myAssignments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"answerLabels"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rejectionReason"}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectName"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyWorkQuery, MyWorkQueryVariables>;
export const ConnectPayoutAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConnectPayoutAccount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectPayoutAccountInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectPayoutAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<ConnectPayoutAccountMutation, ConnectPayoutAccountMutationVariables>;
export const LogInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LogIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LogInInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}}]}}]} as unknown as DocumentNode<LogInMutation, LogInMutationVariables>;
export const SignUpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignUp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignUpInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signUp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}}]}}]} as unknown as DocumentNode<SignUpMutation, SignUpMutationVariables>;
export const NewWorkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NewWork"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"newWork"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<NewWorkSubscription, NewWorkSubscriptionVariables>;
export const LeaseWarningsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LeaseWarnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaseWarnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assignmentId"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}},{"kind":"Field","name":{"kind":"Name","value":"secondsLeft"}}]}}]}}]} as unknown as DocumentNode<LeaseWarningsSubscription, LeaseWarningsSubscriptionVariables>;
export const NextAssignmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"NextAssignment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextAssignment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LeasedAssignment"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LeasedAssignment"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkerAssignment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"leasedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rewardAmount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectName"}},{"kind":"Field","name":{"kind":"Name","value":"requesterDisplayName"}},{"kind":"Field","name":{"kind":"Name","value":"instructions"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"labelSchema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"prelabel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"labelKey"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}}]}}]}}]}}]} as unknown as DocumentNode<NextAssignmentMutation, NextAssignmentMutationVariables>;
export const SubmitAssignmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitAssignment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitAssignmentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitAssignment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<SubmitAssignmentMutation, SubmitAssignmentMutationVariables>;
export const ReturnAssignmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReturnAssignment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ReturnReason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"returnAssignment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ReturnAssignmentMutation, ReturnAssignmentMutationVariables>;
export const MyQualificationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyQualification"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myQualification"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"answered"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]} as unknown as DocumentNode<MyQualificationQuery, MyQualificationQueryVariables>;