import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, Index } from 'typeorm';
import { BoolField, TextField, UuidColumn } from '../../db/columns';

/**
 * A quality rule of one project, stored as the JSON its author wrote (validated by
 * `validateQualityRule` before it is stored, and parsed again when it is evaluated, so a rule in
 * the table is always one the engine accepts). Never deleted: `deleteQualityRule` disables it, so
 * the audit log's `ruleId` keeps pointing at the rule that acted.
 */
@Entity({ name: 'quality_rules' })
@ObjectType({ description: 'A declarative quality rule of a project (docs/quality.md).' })
@Index('quality_rules_project_idx', ['projectId'])
export class QualityRuleRecord extends ProjectOwnedEntity {
  @TextField()
  name: string;

  @Field(() => GraphQLJSONObject, {
    description: 'The rule as written (collector, conditions, action).',
  })
  @Column({ type: 'jsonb' })
  definition: Record<string, unknown>;

  @BoolField({
    default: true,
    description: 'Disabled rules are kept for the audit log but never evaluated.',
  })
  enabled: boolean;

  /** Whether any action acts on every project (only admins may write such a rule). */
  @BoolField({ default: false })
  hasGlobalAction: boolean;

  @UuidColumn()
  createdBy: string;
}
