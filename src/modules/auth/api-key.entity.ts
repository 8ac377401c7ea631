import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Role } from './role';
import { User } from './user.entity';
import { ForeignKey, TextColumn, TextField, UuidColumn } from '../../db/columns';

/**
 * A credential for machine clients. The secret is shown once at creation; only its SHA-256
 * digest is stored (the secret is 256 random bits, so a slow hash adds nothing but latency on
 * every request). `prefix` is the public, indexed part used to find the row.
 */
@Entity({ name: 'api_keys' })
@ObjectType({
  description: 'An API key for machine clients. The secret itself is never shown again.',
})
export class ApiKey extends AppEntity {
  @Index('api_keys_user_id_idx')
  @UuidColumn()
  userId: string;

  @ForeignKey(() => User, 'CASCADE')
  user?: User;

  @TextField()
  name: string;

  @Index('api_keys_prefix_key', { unique: true })
  @TextField({ description: 'The public start of the key, to recognise it in lists.' })
  prefix: string;

  @TextColumn()
  secretHash: string;

  @Field(() => [Role], { description: 'Roles this key may act with: a subset of its owner’s.' })
  @Column({ type: 'text', array: true })
  scopes: Role[];

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
