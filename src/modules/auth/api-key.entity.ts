import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, ManyToOne, JoinColumn } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Role } from './role';
import { User } from './user.entity';

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
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'The public start of the key, to recognise it in lists.' })
  @Index('api_keys_prefix_key', { unique: true })
  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'secret_hash', type: 'text' })
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
