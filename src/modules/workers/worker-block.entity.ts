import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';

/**
 * A worker barred from receiving assignments: on one project (`projectId`) or everywhere
 * (`projectId` null), until `endsAt` (null: until lifted). Blocks are never deleted; lifting one
 * sets `liftedAt`, so the history stays for audits.
 */
@Entity({ name: 'worker_blocks' })
@ObjectType()
@Index('worker_blocks_worker_idx', ['workerId'])
export class WorkerBlock extends AppEntity {
  @Field(() => ID)
  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'worker_id' })
  worker?: User;

  @Field(() => ID, { nullable: true, description: 'Null: blocked on every project.' })
  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId: string | null;

  @ManyToOne(() => Project, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'project_id' })
  project?: Project | null;

  @Field()
  @Column({ type: 'text' })
  reason: string;

  @Field()
  @Column({ name: 'starts_at', type: 'timestamptz', precision: 3 })
  startsAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'ends_at', type: 'timestamptz', precision: 3, nullable: true })
  endsAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'lifted_at', type: 'timestamptz', precision: 3, nullable: true })
  liftedAt: Date | null;

  /** Admin or requester who created it; null when a quality rule did. */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** The quality rule that created it, if any. */
  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId: string | null;
}
