import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/common/errors';

describe('README error table', () => {
  it('documents every ErrorCode, and nothing that is not one', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'));
    const table = section.slice(0, section.indexOf('\n## ', 1));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map(match => match[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCode).sort());
  });
});
