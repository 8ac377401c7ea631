import { ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';
import { ForeignKey, IdField, TextField, TimestampField, UuidColumn } from '../../db/columns';

/**
 * A worker barred from receiving assignments: on one project (`projectId`) or everywhere
 * (`projectId` null), until `endsAt` (null: until lifted). Blocks are never deleted; lifting one
 * sets `liftedAt`, so the history stays for audits.
 */
@Entity({ name: 'worker_blocks' })
@ObjectType()
@Index('worker_blocks_worker_idx', ['workerId'])
export class WorkerBlock extends AppEntity {
  @IdField()
  workerId: string;

  @ForeignKey(() => User, 'CASCADE')
  worker?: User;

  @IdField({ nullable: true, description: 'Null: blocked on every project.' })
  projectId: string | null;

  @ForeignKey(() => Project, 'CASCADE', { nullable: true })
  project?: Project | null;

  @TextField()
  reason: string;

  @TimestampField()
  startsAt: Date;

  @TimestampField({ nullable: true })
  endsAt: Date | null;

  @TimestampField({ nullable: true })
  liftedAt: Date | null;

  /** Admin or requester who created it; null when a quality rule did. */
  @UuidColumn({ nullable: true })
  createdBy: string | null;

  /** The quality rule that created it, if any. */
  @UuidColumn({ nullable: true })
  ruleId: string | null;
}
