import { AggregationRun } from '../modules/aggregation/aggregation-run.entity';
import { WorkerQuality } from '../modules/aggregation/worker-quality.entity';
import { Assignment } from '../modules/marketplace/assignment.entity';
import { ApiKey } from '../modules/auth/api-key.entity';
import { User } from '../modules/auth/user.entity';
import { IdempotencyRecord } from '../modules/idempotency/idempotency-record.entity';
import { Job } from '../modules/jobs/job.entity';
import { LedgerAccount } from '../modules/ledger/ledger-account.entity';
import { LedgerEntry } from '../modules/ledger/ledger-entry.entity';
import { LedgerTransaction } from '../modules/ledger/ledger-transaction.entity';
import { Funding } from '../modules/payments/funding.entity';
import { PayoutAccount } from '../modules/payments/payout-account.entity';
import { Payout } from '../modules/payments/payout.entity';
import { StripeEvent } from '../modules/payments/stripe-event.entity';
import { ModelVersion } from '../modules/prelabel/model-version.entity';
import { Prediction } from '../modules/prelabel/prediction.entity';
import { PrelabelRun } from '../modules/prelabel/prelabel-run.entity';
import { Project } from '../modules/projects/project.entity';
import { Task } from '../modules/marketplace/task.entity';
import { WorkerBlock } from '../modules/workers/worker-block.entity';
import { AuditLogEntry } from '../modules/quality/audit-log.entity';
import { QualityRuleRecord } from '../modules/quality/quality-rule.entity';
import { QualityRuleState } from '../modules/quality/rule-state.entity';
import { WorkerQualification } from '../modules/workers/worker-qualification.entity';

/**
 * Every entity, listed explicitly rather than globbed so the same list works under ts-node,
 * jest and the compiled `dist/`.
 */
export const ENTITIES = [
  User,
  ApiKey,
  Project,
  Task,
  Assignment,
  WorkerBlock,
  IdempotencyRecord,
  Job,
  LedgerAccount,
  LedgerTransaction,
  LedgerEntry,
  Funding,
  PayoutAccount,
  Payout,
  StripeEvent,
  ModelVersion,
  Prediction,
  PrelabelRun,
  AggregationRun,
  WorkerQuality,
  QualityRuleRecord,
  QualityRuleState,
  AuditLogEntry,
  WorkerQualification,
];
