import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { IdField, TextField, TimestampField } from '../../db/columns';

/** Who took an audited action. */
export const AuditActorKind = graphqlEnum('AuditActorKind', ['RULE', 'USER']);
export type AuditActorKind = EnumValue<typeof AuditActorKind>;

/**
 * What was done. Rule actions use the rule action names (BLOCK, FLAG, UNBLOCK, REJECT_PENDING,
 * REOPEN_TASKS, NOTIFY); people's actions name the mutation's effect.
 */
export const AuditAction = graphqlEnum('AuditAction', [
  'BLOCK',
  'UNBLOCK',
  'FLAG',
  'REJECT_PENDING',
  'REOPEN_TASKS',
  'NOTIFY',
  'EXCLUDE_ANSWERS',
  'INCLUDE_ANSWERS',
  'RULE_CREATED',
  'RULE_UPDATED',
  'RULE_DISABLED',
]);
export type AuditAction = EnumValue<typeof AuditAction>;

/**
 * One entry of the append-only audit log (issue 4): who (a rule or a person) did what to whom,
 * when, why, and the evidence figures. A trigger refuses UPDATE and DELETE on the table
 * (migration CreateQuality), so not even a bug in the service can rewrite history.
 */
@Entity({ name: 'quality_audit_log' })
@ObjectType({ description: 'An entry of the append-only quality audit log.' })
@Index('quality_audit_log_worker_idx', ['workerId', 'occurredAt'])
@Index('quality_audit_log_project_idx', ['projectId', 'occurredAt'])
export class AuditLogEntry extends AppEntity {
  @IdField({ nullable: true })
  projectId: string | null;

  @IdField({ nullable: true })
  workerId: string | null;

  @Field(() => AuditActorKind)
  @Column({ name: 'actor_kind', type: 'text' })
  actorKind: AuditActorKind;

  @IdField({ nullable: true, description: 'The rule that acted (actor RULE).' })
  ruleId: string | null;

  @IdField({ nullable: true, description: 'The person who acted (actor USER).' })
  userId: string | null;

  @Field(() => AuditAction)
  @Column({ type: 'text' })
  action: AuditAction;

  @TextField()
  reason: string;

  @Field(() => GraphQLJSONObject, { description: 'Evidence figures (never gold answers).' })
  @Column({ type: 'jsonb', default: () => "'{}'" })
  evidence: Record<string, unknown>;

  @TimestampField()
  occurredAt: Date;
}
