import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

/**
 * README's GraphQL snippets are what a newcomer pastes first (the quick start, "A first project,
 * start to finish"): each one must parse and validate against the committed schema, so a renamed
 * field or argument fails here instead of in a reader's terminal. Placeholders such as
 * "<project id>" are string literals, valid wherever an ID goes.
 */
describe('README GraphQL snippets', () => {
  const root = join(__dirname, '../../..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const schema = buildSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));
  const snippets = [...readme.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map(match => match[1]);

  it('has the walkthrough snippets', () => {
    // The quick start's signUp, the walkthrough's eight steps and the structured-kinds example.
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  it.each(snippets.map((snippet, index) => [index + 1, snippet]))(
    'snippet %i validates against schema/schema.graphql',
    (_index, snippet) => {
      const errors = validate(schema, parse(snippet)).map(error => error.message);
      expect(errors).toEqual([]);
    },
  );
});
