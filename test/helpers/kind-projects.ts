import { fundRequester } from './money-fixtures';
import type { GraphQLClient, TestServer } from './test-server';

/** Structured-kind projects for e2e tests, over GraphQL as a requester builds them. */

/** Imports tasks with `payloads`, external ids `t<from>`, `t<from + 1>`, …. */
export async function importPayloads(
  client: GraphQLClient,
  projectId: string,
  payloads: ReadonlyArray<Record<string, unknown>>,
  from = 0,
): Promise<void> {
  await client.ok(
    `mutation ($input: ImportTasksInput!) { importTasks(input: $input) { created } }`,
    {
      input: {
        projectId,
        tasks: payloads.map((payload, i) => ({ externalId: `t${from + i}`, payload })),
      },
    },
  );
}

/**
 * A funded requester's launched project of `labelSchema` with `payloads` as its tasks (external
 * ids t0, t1, …; `taskIds` in that order), `overlap` answers per task, and `rule` as its quality
 * rule if given.
 */
export async function launchKindProject(
  server: TestServer,
  options: {
    labelSchema: unknown;
    payloads: ReadonlyArray<Record<string, unknown>>;
    overlap: number;
    rule?: Record<string, unknown>;
  },
): Promise<{ owner: GraphQLClient; projectId: string; taskIds: string[] }> {
  const requester = await server.signUp(['REQUESTER']);
  await fundRequester(server.app, requester.userId);
  const owner = requester.client;
  const { createProject } = await owner.ok(
    `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
    {
      input: {
        name: 'Kinds',
        labelSchema: options.labelSchema,
        rewardAmount: 5,
        currency: 'usd',
        overlap: { minOverlap: options.overlap, maxOverlap: options.overlap },
      },
    },
  );
  const projectId = createProject.id as string;
  await importPayloads(owner, projectId, options.payloads);
  if (options.rule) {
    await owner.ok(
      `mutation ($projectId: ID!, $rule: JSONObject!) { createQualityRule(projectId: $projectId, rule: $rule) { id } }`,
      { projectId, rule: options.rule },
    );
  }
  await owner.ok(`mutation ($id: ID!) { launchProject(id: $id) { status } }`, { id: projectId });
  const { project } = await owner.ok(
    `query ($id: ID!) { project(id: $id) { tasks(first: 100) { nodes { id externalId } } } }`,
    { id: projectId },
  );
  const idOf = new Map(
    (project.tasks.nodes as Array<{ id: string; externalId: string }>).map(n => [
      n.externalId,
      n.id,
    ]),
  );
  return { owner, projectId, taskIds: options.payloads.map((_, i) => idOf.get(`t${i}`)!) };
}
