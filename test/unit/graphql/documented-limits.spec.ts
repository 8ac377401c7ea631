import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { loadConfig } from '../../../src/config/load-config';
import { createQueryCostCheck, queryLimitRules } from '../../../src/graphql/limits';
import { ANSWERS_PAGE, RESULTS_PAGE } from '../../../src/cli/commands/export-commands';

const schema = buildSchema(readFileSync(join(__dirname, '../../../schema/schema.graphql'), 'utf8'));
const config = loadConfig({}).graphql;
const limits = queryLimitRules(config);
const costCheck = createQueryCostCheck(config);
/** What the server refuses: the validation rules first, then the cost with these variables. */
const refusals = (query: string, variableValues: Record<string, unknown> = {}) => {
  const document = parse(query);
  const invalid = validate(schema, document, limits);
  if (invalid.length) return invalid.map(error => error.message);
  const tooCostly = costCheck({ schema, document, variableValues });
  return tooCostly ? [tooCostly.message] : [];
};
const PAGE_OF_PAGES = `query ($n: Int!) {
  projects(first: $n) { nodes { tasks(first: $n) { nodes { id payload } } } }
}`;

/** A page of 100 of the project's `connection`, with totalCount, pageInfo and `nodeFields`. */
const projectPageOf100 = (connection: string, nodeFields: string) =>
  `query ($id: ID!) { project(id: $id) { ${connection}(first: 100) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${nodeFields} } }
  } } }`;

/**
 * The limits agree with what README documents: a page of 100 (the largest `first`) with every
 * field a client needs fits the default cost limit, and so do the CLI's 5,000-row export pages
 * (root fields, `first` a variable), while nesting pages in pages does not.
 */
describe('documented query limits', () => {
  it('lets a page of 100 tasks with pageInfo, totalCount and consensus through', () => {
    expect(
      refusals(
        projectPageOf100(
          'tasks',
          `id externalId payload isGold goldLabels status countedAnswers liveAssignments
           createdAt completedAt consensus { labels confidence }`,
        ),
      ),
    ).toEqual([]);
  });

  it('lets a page of 100 results with posterior through', () => {
    expect(
      refusals(
        projectPageOf100(
          'results',
          `taskId externalId isGold goldLabels label labels confidence abstained answerCount
           posterior { key probability }`,
        ),
      ),
    ).toEqual([]);
  });

  it("lets the CLI's export pages through, 5,000 rows each with first as a variable", () => {
    expect(refusals(RESULTS_PAGE, { id: 'p', first: 5000 })).toEqual([]);
    expect(refusals(ANSWERS_PAGE, { id: 'p', first: 5000 })).toEqual([]);
    // A root page is priced as at most 200 rows, written or as a variable (its resolver caps it).
    expect(
      refusals(`{ resultsPage(projectId: "p", first: 5000) { nodes { taskId label } } }`),
    ).toEqual([]);
  });

  it('still refuses a page of pages', () => {
    expect(
      refusals(`{ projects(first: 100) { nodes { tasks(first: 100) { nodes { id payload } } } } }`),
    ).toEqual([expect.stringMatching(/cost/i)]);
  });

  it('prices first as a variable at its value: a page of pages is refused with n = 100', () => {
    expect(refusals(PAGE_OF_PAGES, { n: 100 })).toEqual([expect.stringMatching(/cost/i)]);
    // Small pages of pages stay cheap: the variable's value is what is priced.
    expect(refusals(PAGE_OF_PAGES, { n: 5 })).toEqual([]);
  });

  it("counts a variable's default value when the variable is not sent", () => {
    const defaulted = PAGE_OF_PAGES.replace('$n: Int!', '$n: Int! = 100');
    expect(refusals(defaulted)).toEqual([expect.stringMatching(/cost/i)]);
    expect(refusals(defaulted, { n: 2 })).toEqual([]);
  });

  it('prices variables inside fragments the same way', () => {
    const viaFragment = `query ($n: Int!) { projects(first: $n) { nodes { ...T } } }
      fragment T on Project { tasks(first: $n) { nodes { id payload } } }`;
    expect(refusals(viaFragment, { n: 100 })).toEqual([expect.stringMatching(/cost/i)]);
  });

  it('refuses with QUERY_TOO_COMPLEX', () => {
    const error = costCheck({ schema, document: parse(PAGE_OF_PAGES), variableValues: { n: 100 } });
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX' });
  });

  it('prices requests whose variables hold JSON objects (only integers are inlined)', () => {
    const importTasks = `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`;
    const tasks = [
      { externalId: 'a', payload: { text: 'hi', meta: { truth: 'dog' } }, goldLabels: ['dog'] },
    ];
    expect(refusals(importTasks, { input: { projectId: 'p', tasks } })).toEqual([]);
  });

  it('leaves variables that do not coerce to execution (BAD_USER_INPUT there)', () => {
    expect(refusals(PAGE_OF_PAGES, { n: 'many' })).toEqual([]);
  });

  it('prices a root page as at most 200 rows, a nested page as written', () => {
    // Root page of 5,000 flat rows of scalars (an export page): priced as 200 rows.
    const flat = `query ($n: Int!) { projects(first: $n) {
      pageInfo { hasNextPage endCursor }
      nodes { id name status createdAt } } }`;
    expect(refusals(flat, { n: 5000 })).toEqual([]);
    expect(refusals(flat.replace('$n)', '5000)'))).toEqual([]);
    // Nested under a root page, a page is never capped: 1 project × 5,000 tasks is refused.
    expect(
      refusals(
        `query ($n: Int!) { projects(first: 1) { nodes { tasks(first: $n) { nodes { id } } } } }`,
        {
          n: 5000,
        },
      ),
    ).toEqual([expect.stringMatching(/cost/i)]);
  });
});
