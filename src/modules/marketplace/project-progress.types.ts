import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'How fast a project is being answered and how much is left (owner or admin): the console dashboard’s live figures.',
})
export class ProjectProgress {
  @Field(() => ID)
  projectId: string;

  @Field(() => Int, { description: 'Answers submitted in the last hour.' })
  answersLastHour: number;

  @Field(() => Int, { description: 'Answers submitted in the last 24 hours.' })
  answersLastDay: number;

  @Field(() => Float, {
    description:
      'Recent answer rate: the last hour’s answers, or the last 24 hours’ average when the last hour had none.',
  })
  answersPerHour: number;

  @Field(() => Int, {
    description:
      'Answers still needed for every open non-gold task to reach its minimum overlap (dynamic overlap may ask for more, up to answersNeededAtMost).',
  })
  answersNeeded: number;

  @Field(() => Int, { description: 'Answers still needed if every open task goes to maxOverlap.' })
  answersNeededAtMost: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Estimated seconds to finish: answersNeeded at answersPerHour; null when nothing was answered recently.',
  })
  etaSeconds: number | null;
}
