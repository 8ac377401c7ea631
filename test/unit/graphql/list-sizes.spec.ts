import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isObjectType, parse, type DocumentNode } from 'graphql';
import { loadConfig } from '../../../src/config/load-config';
import {
  DECLARED_LIST_SIZES,
  isPricedList,
  listSize,
  SIZE_ARGUMENTS,
} from '../../../src/graphql/list-sizes';
import { createQueryCostCheck } from '../../../src/graphql/limits';

const schema = buildSchema(readFileSync(join(__dirname, '../../../schema/schema.graphql'), 'utf8'));
const costCheck = createQueryCostCheck(loadConfig({}).graphql);
const cost = (query: string) => costCheck({ schema, document: parse(query) })?.message;

/** Every list field of the schema, as `Type.field` with its parent type and definition. */
const listFields = Object.values(schema.getTypeMap())
  .filter(isObjectType)
  .filter(type => !type.name.startsWith('__'))
  .flatMap(type =>
    Object.values(type.getFields())
      .filter(isPricedList)
      .map(field => ({ key: `${type.name}.${field.name}`, type, field })),
  );

describe('list sizes the cost limit prices', () => {
  it('knows a size for every list field of the schema (declare a new one in list-sizes.ts)', () => {
    const unsized = listFields
      .filter(({ type, field }) => listSize(type, field, undefined) === undefined)
      .map(({ key }) => key);
    expect(unsized).toEqual([]);
    expect(listFields.length).toBeGreaterThan(50);
  });

  it('declares no size for a field that is gone, is not a list, or has a defaulted size argument', () => {
    const byKey = new Map(listFields.map(entry => [entry.key, entry]));
    const stale = Object.keys(DECLARED_LIST_SIZES).filter(key => {
      const entry = byKey.get(key);
      if (!entry) return true;
      return entry.field.args.some(
        arg =>
          (SIZE_ARGUMENTS as readonly string[]).includes(arg.name) &&
          Number.isInteger(arg.defaultValue),
      );
    });
    expect(stale).toEqual([]);
  });

  it('prices a list by limit, by an omitted default and by its declared size, not as one row', () => {
    // Under a page of 100 tasks, each task's assignments (no argument: declared 100) multiply.
    expect(
      cost(
        `{ projects(first: 10) { nodes { tasks(first: 100) { nodes { assignments { id } } } } } }`,
      ),
    ).toMatch(/cost limit/i);
    // An omitted `first` is its default (20), not one row: a page of default pages of pages.
    expect(
      cost(`{ projects { nodes { tasks { nodes { assignments { id answerLabels } } } } } }`),
    ).toMatch(/cost limit/i);
    // A small written page is still cheap.
    expect(
      cost(`{ projects(first: 2) { nodes { tasks(first: 2) { nodes { id } } } } }`),
    ).toBeUndefined();
  });

  it('prices an argument-less list nested in a page by its declared size', () => {
    // 100 tasks × each task's assignments, declared 10 (was priced as 100 × 1: ~5,800, passed).
    const fields = 'id status leasedAt expiresAt submittedAt answerLabels workerId projectId';
    expect(
      cost(`{ project(id: "p") { tasks(first: 100) { nodes { assignments { ${fields} } } } } }`),
    ).toMatch(/cost limit/i);
    expect(
      cost(`{ project(id: "p") { tasks(first: 5) { nodes { assignments { ${fields} } } } } }`),
    ).toBeUndefined();
  });

  it('prices __typename as free: a client that adds it everywhere pays what one without it does', () => {
    // The admin money page as urql sends it (__typename in every selection): 21,251 when priced.
    const money = (typename: string) => `{
      trialBalance { ${typename} balanced currencies { ${typename} currency total
        lines { ${typename} kind accounts balance } } }
      payouts(first: 100) { ${typename} totalCount nodes { ${typename} id workerId amount
        currency status attempts createdAt paidAt failureReason } } }`;
    expect(cost(money(''))).toBeUndefined();
    expect(cost(money('__typename'))).toBeUndefined();
  });

  it('does not multiply an object by the size argument of the list inside it', () => {
    // reviewQueue(first: 50) returns one queue whose items the argument sizes: priced 50 × 200
    // items, the console's own queue query cost 210,250 and was refused.
    expect(
      cost(`{ reviewQueue(projectId: "p", first: 50) {
        totalCount items { taskId externalId reasons consensusLabels confidence modelLabel } } }`),
    ).toBeUndefined();
  });

  it("lets every operation of the web app through with its variables' defaults", () => {
    // The web app is an ES module: its generated documents are read as the JSON they are.
    const generated = readFileSync(join(__dirname, '../../../web/src/gql/graphql.ts'), 'utf8');
    const documents = [
      ...generated.matchAll(/^export const (\w+Document) = (\{.*\}) as unknown as /gm),
    ].map(([, name, json]) => [name, JSON.parse(json) as DocumentNode] as const);
    expect(documents.length).toBeGreaterThan(20);
    const refused = documents
      .map(([name, document]) => [name, costCheck({ schema, document })?.message])
      .filter(([, message]) => message !== undefined);
    expect(refused).toEqual([]);
  });
});
