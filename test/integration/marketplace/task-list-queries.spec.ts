import 'reflect-metadata';
import { graphql, type GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { ManualClock } from '../../../src/common/clock';
import { createLogger } from '../../../src/common/logger';
import { RequestContext } from '../../../src/common/request-context';
import { buildContainer, type Services } from '../../../src/container';
import { closeDataSource } from '../../../src/db/data-source';
import { buildAppSchema } from '../../../src/graphql/build-schema';
import { createLoaders } from '../../../src/graphql/loaders';
import { createTestUser, projectInput, Role } from '../../helpers/project-fixtures';
import { createCountedDataSource, QueryCounter } from '../../helpers/query-counter';
import { testConfig } from '../../helpers/test-config';
import { useTestDatabase } from '../../helpers/test-db';

const PROJECT_WITH_TASKS = /* GraphQL */ `
  query ($id: ID!, $first: Int!) {
    project(id: $id) {
      id
      owner {
        displayName
      }
      tasks(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
        }
        nodes {
          id
          externalId
          isGold
          goldLabels
          countedAnswers
          consensus {
            labels
            confidence
          }
          project {
            id
          }
          assignments {
            id
            status
          }
        }
      }
    }
  }
`;

describe('a page of tasks with their assignments', () => {
  const database = useTestDatabase({ poolSize: 2 });
  const counter = new QueryCounter();
  let counted: DataSource;
  let schema: GraphQLSchema;
  let services: Services;
  let requester: RequestContext;
  let projectId: string;

  beforeAll(async () => {
    counted = await createCountedDataSource(database.current.url, counter);
    const clock = new ManualClock();
    const built = buildContainer(testConfig(), counted, createLogger('silent'), clock);
    services = built.services;
    schema = await buildAppSchema(built.container);

    requester = (await createTestUser(counted, [Role.REQUESTER])).ctx;
    const project = await services.projects.create(requester, projectInput());
    projectId = project.id;
    await services.tasks.importTasks(requester, {
      projectId,
      tasks: Array.from({ length: 120 }, (_, i) => ({
        externalId: `t-${String(i).padStart(3, '0')}`,
        payload: { i },
        ...(i % 10 === 0 ? { goldLabel: 'cat' } : {}),
      })),
    });
    // Three assignments on every task, from three workers (inserted directly: only their
    // presence matters here).
    const workers = await Promise.all(
      [0, 1, 2].map(async () => (await createTestUser(counted, [Role.WORKER])).user.id),
    );
    await counted.query(
      `INSERT INTO assignments (task_id, project_id, worker_id, status, leased_at, expires_at,
                                schema_version, reward_amount, currency)
       SELECT t.id, t.project_id, w, 'LEASED', now(), now() + interval '10 minutes', 1, 5, 'usd'
       FROM tasks t CROSS JOIN unnest($2::uuid[]) AS w WHERE t.project_id = $1`,
      [projectId, workers],
    );
  });

  afterAll(async () => {
    await closeDataSource(counted);
  });

  async function run(first: number) {
    // A fresh context per request, as the HTTP layer makes one: loaders are per request.
    const ctx = RequestContext.create({
      user: requester.user,
      createLoaders: c => createLoaders(services.db, c),
    });
    let result: Awaited<ReturnType<typeof graphql>> | undefined;
    const queries = await counter.during(async () => {
      result = await graphql({
        schema,
        source: PROJECT_WITH_TASKS,
        variableValues: { id: projectId, first },
        contextValue: ctx,
      });
    });
    expect(result?.errors).toBeUndefined();
    return {
      queries,
      data: result!.data as {
        project: { tasks: { nodes: Array<{ assignments: unknown[]; project: { id: string } }> } };
      },
    };
  }

  it('costs the same number of queries for 10 tasks as for 100', async () => {
    const small = await run(10);
    const large = await run(100);

    expect(small.data.project.tasks.nodes).toHaveLength(10);
    expect(large.data.project.tasks.nodes).toHaveLength(100);
    for (const task of large.data.project.tasks.nodes) {
      expect(task.assignments).toHaveLength(3);
      expect(task.project.id).toBe(projectId);
    }
    if (process.env.DEBUG_QUERIES) process.stdout.write(`${large.queries.join('\n')}\n`);
    expect(large.queries.length).toBe(small.queries.length);
    // project + owner + count + page + assignments + task projects: batched, not per task.
    expect(large.queries.length).toBeLessThanOrEqual(6);
  });
});
