import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType } from 'type-graphql';

@InputType({
  description:
    'An ONNX model to register on a project. The whole request must fit the HTTP body limit ' +
    '(BODY_LIMIT_BYTES, 1 MiB by default, so about 750 KB of model); register larger models ' +
    'with `npm run model:register` (docs/prelabel.md).',
})
export class RegisterModelInput {
  @Field(() => ID)
  projectId: string;

  @Field({ description: 'Version name, unique within the project (1 to 100 characters).' })
  version: string;

  @Field({ description: 'The ONNX file, standard base64.' })
  modelBase64: string;

  @Field(() => GraphQLJSONObject, {
    description:
      'How a task payload becomes the model input: { kind: "numeric-vector", field, dimension } ' +
      'or { kind: "hashed-text", field, dimension, ... } (docs/prelabel.md).',
  })
  featurizer: Record<string, unknown>;

  @Field(() => [String], {
    description: 'Label key of each model output column (output index → schema key).',
  })
  labelKeys: string[];
}

@InputType()
export class StartPrelabelingInput {
  @Field(() => ID)
  projectId: string;

  @Field(() => ID)
  modelVersionId: string;
}

@InputType({
  description:
    'Train a logistic regression from the consensus of completed tasks; gold is held out.',
})
export class TrainModelInput {
  @Field(() => ID)
  projectId: string;

  @Field(() => String, { nullable: true, description: 'Default trained-<n>.' })
  version?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Featurizer spec; default the latest model version’s.',
  })
  featurizer?: Record<string, unknown> | null;

  @Field(() => Float, { nullable: true, description: 'L2 penalty λ, default 0.001.' })
  l2?: number | null;
}
