import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Role } from './role';
import { TextColumn, TextField } from '../../db/columns';

/**
 * PERSON: someone who signs in. MODEL: the annotator account of one pre-label model version
 * (src/modules/prelabel): no password, no roles, never leases or is paid; its answers are the
 * model's predictions and enter aggregation as one more worker.
 */
export const UserKind = graphqlEnum('UserKind', ['PERSON', 'MODEL']);
export type UserKind = EnumValue<typeof UserKind>;

/**
 * A person (or a model annotator, `kind` MODEL) with one or more roles. Emails are stored lower-case
 * and unique. The password hash never has a GraphQL field.
 */
@Entity({ name: 'users' })
@ObjectType({ description: 'A person using Quorum: requester, worker, admin, or several.' })
export class User extends AppEntity {
  @Index('users_email_key', { unique: true })
  @TextColumn()
  email: string;

  @TextField({ description: 'Public name shown to other users (workers see a requester by it).' })
  displayName: string;

  /** Argon2id PHC string. */
  @TextColumn({ nullable: true })
  passwordHash: string | null;

  @Field(() => [Role])
  @Column({ type: 'text', array: true })
  roles: Role[];

  @Field(() => UserKind)
  @Column({ type: 'text', default: UserKind.PERSON })
  kind: UserKind;
}
