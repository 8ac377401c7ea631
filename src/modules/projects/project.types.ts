import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

/** DRAFT → ACTIVE ⇄ PAUSED → COMPLETED / ARCHIVED (DRAFT may also be ARCHIVED). */
export const ProjectStatus = graphqlEnum('ProjectStatus', [
  'DRAFT',
  'ACTIVE',
  'PAUSED',
  'COMPLETED',
  'ARCHIVED',
]);
export type ProjectStatus = EnumValue<typeof ProjectStatus>;

/** SINGLE_CHOICE: exactly one label key per answer. MULTI_LABEL: any non-empty set of keys. */
export const LabelSchemaKind = graphqlEnum('LabelSchemaKind', ['SINGLE_CHOICE', 'MULTI_LABEL']);
export type LabelSchemaKind = EnumValue<typeof LabelSchemaKind>;

@ObjectType()
@InputType('LabelOptionInput')
export class LabelOption {
  @Field({ description: 'Stable machine key, stored in answers and exports.' })
  key: string;

  @Field({ description: 'What workers see.' })
  displayName: string;
}

/**
 * The answer space of a project. Label order here fixes label indexes for aggregation, so
 * results are stable across runs (STYLE.md 5.9).
 */
@ObjectType()
export class LabelSchema {
  @Field(() => LabelSchemaKind)
  kind: LabelSchemaKind;

  @Field(() => [LabelOption])
  labels: LabelOption[];
}

/**
 * How many answers a task gets. Fixed overlap k is minOverlap = maxOverlap = k; dynamic overlap
 * stops between the two once the task's top posterior reaches `confidenceTarget`.
 */
@ObjectType()
export class OverlapPolicy {
  @Field(() => Int)
  minOverlap: number;

  @Field(() => Int)
  maxOverlap: number;

  @Field(() => Float, { nullable: true, description: 'Null for fixed overlap.' })
  confidenceTarget: number | null;

  @Field(() => Int, {
    description:
      'Dynamic overlap: past minOverlap, a task is leased again only while fewer than this many ' +
      'of its leases await an answer (1: answers bought one at a time).',
  })
  maxOutstandingLeases: number;
}
