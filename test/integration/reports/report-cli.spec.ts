import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../../src/cli/report';

const S4_DOG = join(__dirname, '..', '..', 'fixtures', 'datasets', 's4_dog');

describe('report CLI', () => {
  let dir: string;
  let stdout: string;
  let stderr: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-report-cli-'));
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      stdout += String(chunk);
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
      stderr += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the demo report of a dataset folder', async () => {
    const out = join(dir, 'nested', 'audit.html');
    const code = await main(['--demo', S4_DOG, '--out', out], () => Date.UTC(2026, 2, 16));
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>Quality audit · Demo: s4_dog dataset</title>');
    expect(html).toContain('generated 2026-03-16 00:00 UTC');
    expect(stdout).toMatch(
      /wrote .*audit\.html \(\d+ KiB\): 8070 answers, 109 workers, \d+ rule events/,
    );
  });

  it('answers exit code 2 when --project meets a bad configuration', async () => {
    const env = { DATABASE_URL: 'not a url', NODE_ENV: 'test' };
    expect(await main(['--project', 'abc'], Date.now, env)).toBe(2);
    expect(stderr).toContain('DATABASE_URL');
  });

  it('rejects bad usage with exit code 2 and a message', async () => {
    expect(await main([])).toBe(2);
    expect(await main(['--demo', '--project', 'x'])).toBe(2);
    expect(await main(['--bogus'])).toBe(2);
    expect(await main(['--demo', join(dir, 'missing')])).toBe(2);
    expect(stderr).toContain('unknown argument "--bogus"');
    expect(stderr).toContain('cannot read');
    expect(await main(['--help'])).toBe(0);
    expect(stdout).toContain('Usage: npm run report');
  });
});
