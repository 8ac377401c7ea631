import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { IsOptional, Length, Max, Min } from 'class-validator';
import { Role } from './role';

/** A user as an admin sees them: who they are, what they may do, and whether they are blocked. */
@ObjectType()
export class AdminUserView {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => [Role])
  roles: Role[];

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Int, { description: 'Blocks in force on this user now (any project or all).' })
  activeBlocks: number;
}

/** Search and page size of `adminUsers`. */
@ArgsType()
export class AdminUsersArgs {
  @Field({
    nullable: true,
    description: 'Part of the email or display name (case-insensitive), 1 to 200 characters.',
  })
  @IsOptional()
  @Length(1, 200)
  search?: string;

  @Field(() => Int, { defaultValue: 50, description: '1 to 200, newest users first.' })
  @Min(1)
  @Max(200)
  first: number;
}
