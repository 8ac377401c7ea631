import { Client } from 'pg';

/**
 * Runs `work` on a short-lived connection to `url` (a maintenance database, to create and drop
 * the scratch databases tests and benchmarks use), closed afterwards even when `work` throws.
 */
export async function withPgClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
