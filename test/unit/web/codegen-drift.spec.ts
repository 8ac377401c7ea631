import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WEB = join(__dirname, '../../../web');
const GENERATED = join(WEB, 'src/gql');

/**
 * Runs GraphQL Code Generator in a child Node process (its CLI loads ES modules, which Jest's
 * CommonJS runtime cannot) and returns the files it would write, without writing them.
 */
function generateFresh(): Map<string, string> {
  // web/ is an ES module package, which CommonJS code may not import statically; Jest's
  // require loads its TypeScript config all the same.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const codegenConfig = (require('../../../web/codegen') as { default: object }).default;
  const script = `
    import { generate } from '@graphql-codegen/cli';
    const config = JSON.parse(process.env.CODEGEN_CONFIG);
    const files = await generate({ ...config, cwd: process.cwd(), silent: true }, false);
    process.stdout.write(JSON.stringify(files.map(f => [f.filename, f.content])));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: WEB,
    env: { ...process.env, CODEGEN_CONFIG: JSON.stringify(codegenConfig) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = JSON.parse(output) as Array<[string, string]>;
  return new Map(files.map(([name, content]) => [name.replace(/^.*src\/gql\//, ''), content]));
}

describe('web/src/gql', () => {
  it('matches a fresh generation from schema/schema.graphql and the app’s documents (run `npm run codegen:web`)', () => {
    const fresh = generateFresh();
    const committed = new Map(
      readdirSync(GENERATED).map(name => [name, readFileSync(join(GENERATED, name), 'utf8')]),
    );
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) {
      expect({ name, content: committed.get(name) }).toEqual({ name, content });
    }
  });
});
