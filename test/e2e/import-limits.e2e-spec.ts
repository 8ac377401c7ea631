import { errorCode, useTestServer } from '../helpers/test-server';
import { sentimentProjectInput } from '../helpers/e2e-project-input';
import { IMPORT_TASKS } from '../helpers/e2e-operations';

/**
 * The documented batch fits the body limit: 10,000 tweet-length tasks (about 1.5 MB) import in
 * one request, while other operations keep the general 1 MiB limit.
 */
describe('import body limit (e2e)', () => {
  const server = useTestServer();

  it('imports a batch of 10,000 tweet-length tasks, and refuses the same size elsewhere', async () => {
    const requester = (await server.signUp(['REQUESTER'])).client;
    const { createProject } = await requester.ok(
      `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`,
      {
        input: sentimentProjectInput({ name: 'Tweets', rewardAmount: 1 }),
      },
    );
    const tweet = (i: number) => `${i} ${'Just landed and the coffee here is great. '.repeat(3)}`;
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `t${i}`,
      payload: { text: tweet(i) },
    }));
    const variables = { input: { projectId: createProject.id, tasks } };
    expect(JSON.stringify({ query: IMPORT_TASKS, variables }).length).toBeGreaterThan(1_048_576);

    const imported = await requester.query(IMPORT_TASKS, variables);
    expect(imported.errors).toBeUndefined();
    expect(imported.data).toEqual({ importTasks: { created: 10_000 } });

    const elsewhere = await requester.query(`{ __typename }`, variables);
    expect({ status: elsewhere.status, code: errorCode(elsewhere) }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});
