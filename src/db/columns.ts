import { Field, Float, ID, Int } from 'type-graphql';
import {
  Column,
  JoinColumn,
  ManyToOne,
  type ColumnOptions,
  type ColumnType,
  type ObjectType,
} from 'typeorm';

/**
 * The column types every table uses, one decorator each, so an entity states a column as what it
 * is (a timestamp, an id, a count) instead of repeating its TypeORM options:
 *
 *   `@TimestampColumn({ nullable: true })`    DB only
 *   `@TimestampField({ nullable: true })`     DB column and GraphQL field of the matching type
 *
 * The column is named after the property in snake_case (`submittedAt` → `submitted_at`), the
 * convention every table follows; `name` overrides it. Timestamps keep millisecond precision
 * (see `app-entity.ts`). A `...Field` takes the column's nullability for the GraphQL field too,
 * plus an optional `description`; fields typed otherwise (enums, JSON) keep `@Field` + a column.
 */
export interface ColumnShape {
  /** Column name when it is not the property's name in snake_case. */
  name?: string;
  nullable?: boolean;
  default?: ColumnOptions['default'];
  /** A PostgreSQL array of the type (`text[]`); a GraphQL list on a field. */
  array?: boolean;
}

export interface FieldShape extends ColumnShape {
  description?: string;
}

type ColumnDecorator = (options?: ColumnShape) => PropertyDecorator;
type FieldDecorator = (options?: FieldShape) => PropertyDecorator;
type GraphQLScalar = typeof ID | typeof Int | typeof Float | typeof String | typeof Boolean;

export function snakeCase(propertyName: string): string {
  return propertyName.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`);
}

function columnOf(type: ColumnType, fixed: ColumnOptions = {}): ColumnDecorator {
  return (options = {}) =>
    (target, propertyKey) => {
      const { name = snakeCase(String(propertyKey)), ...rest } = options;
      Column({ name, type, ...fixed, ...rest })(target, propertyKey);
    };
}

function fieldOf(scalar: GraphQLScalar | typeof Date, column: ColumnDecorator): FieldDecorator {
  return (options = {}) =>
    (target, propertyKey) => {
      const { description, ...columnOptions } = options;
      const type = options.array ? () => [scalar] : () => scalar;
      Field(type, { nullable: options.nullable, description })(target, propertyKey);
      column(columnOptions)(target, propertyKey);
    };
}

export const UuidColumn = columnOf('uuid');
export const TextColumn = columnOf('text');
export const IntColumn = columnOf('integer');
export const FloatColumn = columnOf('double precision');
export const BoolColumn = columnOf('boolean');
export const TimestampColumn = columnOf('timestamptz', { precision: 3 });

/** A uuid column shown to GraphQL as an `ID`. */
export const IdField = fieldOf(ID, UuidColumn);
export const TextField = fieldOf(String, TextColumn);
export const IntField = fieldOf(Int, IntColumn);
export const FloatField = fieldOf(Float, FloatColumn);
export const BoolField = fieldOf(Boolean, BoolColumn);
export const TimestampField = fieldOf(Date, TimestampColumn);

/**
 * The relation behind a `<property>_id` uuid column: a many-to-one foreign key joined on that
 * column (`worker?: User` joins on `worker_id`), deleted with or protected by its target.
 */
export function ForeignKey<T>(
  target: () => ObjectType<T>,
  onDelete: 'CASCADE' | 'RESTRICT',
  options: { nullable?: boolean; column?: string } = {},
): PropertyDecorator {
  return (prototype, propertyKey) => {
    const { column = `${snakeCase(String(propertyKey))}_id`, nullable } = options;
    const relationOptions = nullable === undefined ? { onDelete } : { onDelete, nullable };
    ManyToOne(target, relationOptions)(prototype, propertyKey);
    JoinColumn({ name: column })(prototype, propertyKey);
  };
}
