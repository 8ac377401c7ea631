import { CreateIdentity1795461919869 } from './1795461919869-CreateIdentity';
import { CreateMarketplace1795462203495 } from './1795462203495-CreateMarketplace';
import { CreateLedger1795462816957 } from './1795462816957-CreateLedger';
import { CreatePayments1795463788904 } from './1795463788904-CreatePayments';
import { CreatePrelabel1795464059025 } from './1795464059025-CreatePrelabel';
import { CreateAggregation1795464433006 } from './1795464433006-CreateAggregation';
import { CreateQuality1795464894637 } from './1795464894637-CreateQuality';
import { AddJobsRunningIndex1795464972489 } from './1795464972489-AddJobsRunningIndex';
import { DefaultPooledDawidSkene1795466989129 } from './1795466989129-DefaultPooledDawidSkene';
import { AddQualification1795468158300 } from './1795468158300-AddQualification';
import { GoldExposure1796000000200 } from './1796000000200-GoldExposure';
import { CreateWebhooks1796000000500 } from './1796000000500-CreateWebhooks';
import { CreateReview1796000000600 } from './1796000000600-CreateReview';
import { CreateRateLimits1796000000700 } from './1796000000700-CreateRateLimits';
import { TaskKinds1796000000800 } from './1796000000800-TaskKinds';
import { LeasePolicy1796000000900 } from './1796000000900-LeasePolicy';
import { ModelLoop1796000001300 } from './1796000001300-ModelLoop';
import { AddReturnReason1796000001400 } from './1796000001400-AddReturnReason';
import { StructuredReview1796000002100 } from './1796000002100-StructuredReview';
import { RecentAnswersIndex1796000002200 } from './1796000002200-RecentAnswersIndex';
import { FitAnswersThrough1796000002600 } from './1796000002600-FitAnswersThrough';
import { ServeOrderTieBreak1796000002610 } from './1796000002610-ServeOrderTieBreak';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the app, the TypeORM CLI and
 * jest load the same set; a test fails if a migration file is missing here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  CreateIdentity1795461919869,
  CreateMarketplace1795462203495,
  CreateLedger1795462816957,
  CreatePayments1795463788904,
  CreatePrelabel1795464059025,
  CreateAggregation1795464433006,
  CreateQuality1795464894637,
  AddJobsRunningIndex1795464972489,
  DefaultPooledDawidSkene1795466989129,
  AddQualification1795468158300,
  GoldExposure1796000000200,
  CreateWebhooks1796000000500,
  CreateReview1796000000600,
  CreateRateLimits1796000000700,
  TaskKinds1796000000800,
  LeasePolicy1796000000900,
  ModelLoop1796000001300,
  AddReturnReason1796000001400,
  StructuredReview1796000002100,
  RecentAnswersIndex1796000002200,
  FitAnswersThrough1796000002600,
  ServeOrderTieBreak1796000002610,
];
