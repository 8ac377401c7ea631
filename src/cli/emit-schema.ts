import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAppSchema, printAppSchema } from '../graphql/build-schema';

/** `npm run schema:emit`: writes the SDL committed in schema/schema.graphql. */
async function main(): Promise<void> {
  const schema = await buildAppSchema();
  const path = join(__dirname, '../../schema/schema.graphql');
  writeFileSync(path, printAppSchema(schema));
  process.stdout.write(`wrote ${path}\n`);
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
