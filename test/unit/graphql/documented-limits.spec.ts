import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { loadConfig } from '../../../src/config/load-config';
import { queryLimitRules } from '../../../src/graphql/limits';
import { ANSWERS_PAGE, RESULTS_PAGE } from '../../../src/cli/commands/export-commands';

const schema = buildSchema(readFileSync(join(__dirname, '../../../schema/schema.graphql'), 'utf8'));
const limits = queryLimitRules(loadConfig({}).graphql);
const refusals = (document: string) =>
  validate(schema, parse(document), limits).map(error => error.message);

/**
 * The limits agree with what README documents: a page of 100 (the largest `first`) with every
 * field a client needs fits the default cost limit, and so do the CLI's 5,000-row export pages
 * (root fields, `first` a variable), while nesting pages in pages does not.
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

  it("lets the CLI's export pages through, 5,000 rows each with first as a variable", () => {
    expect(refusals(RESULTS_PAGE)).toEqual([]);
    expect(refusals(ANSWERS_PAGE)).toEqual([]);
    // The same page written with a literal first is priced per row, and 5,000 rows exceed it.
    expect(
      refusals(`{ resultsPage(projectId: "p", first: 5000) { nodes { taskId label } } }`),
    ).toEqual([expect.stringMatching(/cost/i)]);
  });

  it('still refuses a page of pages', () => {
    expect(
      refusals(`{ projects(first: 100) { nodes { tasks(first: 100) { nodes { id payload } } } } }`),
    ).toEqual([expect.stringMatching(/cost/i)]);
  });
});
