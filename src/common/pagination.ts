import { Max, Min } from 'class-validator';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from './errors';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/**
 * Largest page of the lists that exports read whole (`resultsPage`, `projectAssignments`): flat
 * rows, keyset-paginated, so a 25,000-task export takes five round trips instead of 250. Only
 * root fields take it, so a big page cannot be nested under a list. The cost limit prices a list
 * by a literal `first` (5,000 rows exceed it); exporters pass `first` as a variable.
 */
export const MAX_EXPORT_PAGE_SIZE = 5_000;

@ObjectType({ description: 'Relay cursor pagination state.' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** `first` / `after` forward pagination (Relay Cursor Connections spec). */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item seen.' })
  after?: string | null;
}

/** `first` / `after` for the lists exports page through: pages up to MAX_EXPORT_PAGE_SIZE. */
@ArgsType()
export class ExportConnectionArgs {
  @Field(() => Int, {
    defaultValue: 20,
    description: `Page size, 1 to ${MAX_EXPORT_PAGE_SIZE} (exports read big pages).`,
  })
  @Min(1)
  @Max(MAX_EXPORT_PAGE_SIZE)
  first: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item seen.' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * A Relay connection type for `Item` (type-graphql's generic-types example): `XConnection`
 * with `edges { cursor node }`, `nodes`, `pageInfo` and `totalCount`.
 */
export function Connection<T extends object>(Item: ClassType<T>, name = Item.name) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => Item)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => [Item], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Items matching the filters, across all pages.' })
    totalCount: number;
  }
  return ConnectionType;
}

/**
 * Keyset pagination over `(created_at, id)`: stable under inserts and O(page) at any depth,
 * unlike OFFSET. The cursor is opaque base64url of the last row's sort key.
 *
 * `qb` must select the entity aliased `alias`, with its filters already applied.
 */
export async function paginate<T extends ObjectLiteral & { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T>,
  args: ConnectionArgs,
  alias = qb.alias,
): Promise<ConnectionShape<T>> {
  const totalCount = await qb.clone().getCount();
  const page = qb.clone().orderBy(`${alias}.created_at`, 'ASC').addOrderBy(`${alias}.id`, 'ASC');
  if (args.after) {
    const { createdAt, id } = decodeCursor(args.after);
    page.andWhere(`(${alias}.created_at, ${alias}.id) > (:cursorCreatedAt, :cursorId)`, {
      cursorCreatedAt: createdAt,
      cursorId: id,
    });
  }
  const rows = await page.take(args.first + 1).getMany();
  const hasNextPage = rows.length > args.first;
  const nodes = rows.slice(0, args.first);
  const edges = nodes.map(node => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new BadUserInputError('Invalid cursor', { field: 'after' });
  }
  return { createdAt, id };
}
