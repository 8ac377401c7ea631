import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { loadConfig } from '../../../src/config/load-config';
import { queryLimitRules } from '../../../src/graphql/limits';

const schema = buildSchema(readFileSync(join(__dirname, '../../../schema/schema.graphql'), 'utf8'));
const limits = queryLimitRules(loadConfig({}).graphql);
const refusals = (document: string) =>
  validate(schema, parse(document), limits).map(error => error.message);

/**
 * The limits agree with what README documents: a page of 100 (the largest `first`) with every
 * field a client needs fits the default cost limit, while nesting pages in pages does not.
 */
describe('documented query limits', () => {
  it('lets a page of 100 tasks with pageInfo, totalCount and consensus through', () => {
    expect(
      refusals(`query ($id: ID!) { project(id: $id) { tasks(first: 100) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node {
          id externalId payload isGold goldLabels status countedAnswers liveAssignments
          createdAt completedAt consensus { labels confidence }
        } }
      } } }`),
    ).toEqual([]);
  });

  it('lets a page of 100 results with posterior through', () => {
    expect(
      refusals(`query ($id: ID!) { project(id: $id) { results(first: 100) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node {
          taskId externalId isGold goldLabels label labels confidence abstained answerCount
          posterior { key probability }
        } }
      } } }`),
    ).toEqual([]);
  });

  it('still refuses a page of pages', () => {
    expect(
      refusals(`{ projects(first: 100) { nodes { tasks(first: 100) { nodes { id payload } } } } }`),
    ).toEqual([expect.stringMatching(/cost/i)]);
  });
});
