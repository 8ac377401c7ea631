import { Field, ID, ObjectType } from 'type-graphql';
import { CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Base of every table: a uuid id made by the database (`gen_random_uuid()`, core PostgreSQL on
 * both 15 and the embedded 18) and the creation time. Not TypeORM's BaseEntity: no active record,
 * so every query goes through the transaction on `ctx`. Timestamps keep millisecond precision, the
 * precision of a JS Date, so a pagination cursor made from a row compares equal to the row.
 * Tables whose rows are never edited by the app (the ledger) extend this directly.
 */
@ObjectType()
export abstract class CreatedEntity {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

/** Base of the tables whose rows change: `CreatedEntity` plus `updated_at`. */
@ObjectType()
export abstract class AppEntity extends CreatedEntity {
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
