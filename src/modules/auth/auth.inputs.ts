import { IsEmail, Length, ArrayMaxSize, ArrayMinSize, IsIn, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.entity';
import { Role } from './role';
import { User } from './user.entity';

/** Roles a person may give themselves at sign-up. ADMIN only comes from `admin:create`. */
export const SELF_SERVICE_ROLES = [Role.REQUESTER, Role.WORKER] as const;

@InputType()
export class SignUpInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @Field({ description: 'At least 10 characters.' })
  @Length(10, 256, { message: 'password must be between 10 and 256 characters' })
  password: string;

  @Field()
  @Length(1, 80)
  displayName: string;

  @Field(() => [Role], { description: 'REQUESTER and/or WORKER.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(SELF_SERVICE_ROLES, { each: true, message: 'roles may only be REQUESTER or WORKER' })
  roles: Role[];
}

@InputType()
export class LogInInput {
  @Field()
  @MaxLength(254)
  email: string;

  @Field()
  @MaxLength(256)
  password: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  @Length(1, 80)
  name: string;

  @Field(() => [Role], { description: 'Roles the key may use; each must be one of yours.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  scopes: Role[];
}

@ObjectType({ description: 'A bearer token for the `Authorization: Bearer …` header.' })
export class AuthPayload {
  @Field()
  token: string;

  @Field()
  expiresAt: Date;

  @Field(() => User)
  user: User;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The full key. Shown once: store it now, it cannot be read again.' })
  secret: string;
}
