import { GraphQLJSONObject } from 'graphql-scalars';
import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { KIND_NAMES } from '../kinds/kinds';
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

/**
 * SINGLE_CHOICE: exactly one label key per answer. MULTI_LABEL: any non-empty set of keys.
 * TEXT_SPANS, BOUNDING_BOXES, RATING, PAIRWISE: structured answers (`AnswerInput.value`), one
 * implementation each in src/modules/kinds (docs/kinds.md).
 */
export const LabelSchemaKind = graphqlEnum('LabelSchemaKind', KIND_NAMES);
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

  @Field(() => [LabelOption], {
    description:
      'Choice kinds: the labels. TEXT_SPANS: entity types; BOUNDING_BOXES: box classes; RATING: one label per grade (optional); PAIRWISE: none.',
  })
  labels: LabelOption[];

  @Field(() => GraphQLJSONObject, {
    description:
      'The kind’s parsed settings, defaults filled in (docs/kinds.md): `labels` for the choice kinds; `entityTypes`, `tokenization`, `textField`, `tokensField`, `allowOverlap` (TEXT_SPANS); `classes`, `imageField`, `widthField`, `heightField` (BOUNDING_BOXES); `min`, `max`, `labels`, `tolerance` (RATING); `leftField`, `rightField` (PAIRWISE).',
  })
  settings?: Record<string, unknown>;
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
}
