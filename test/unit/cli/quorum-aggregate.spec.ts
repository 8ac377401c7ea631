/**
 * `quorum aggregate` end to end, as a child process through bin/quorum.js, on the bluebirds
 * fixture (test/fixtures/datasets/bluebirds). QUORUM_FROM_SOURCE=1 makes the launcher run the
 * TypeScript sources under test rather than a possibly stale dist/ build. No database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCsv } from '../../../src/cli/csv';
import { DEFAULT_AGGREGATOR, aggregators } from '../../../src/modules/aggregation/algorithms';
import { encodeResponses } from '../../../src/modules/aggregation/encode-responses';
import { runQuorumFromSource as quorum } from '../../helpers/run-cli';

const root = join(__dirname, '..', '..', '..');
const bluebirds = join(root, 'test', 'fixtures', 'datasets', 'bluebirds');

function rowsOf(csv: string): string[][] {
  return parseCsv(csv).map(record => record.fields);
}

describe('quorum aggregate (child process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('labels bluebirds like the in-process default method and reports its accuracy on gold', async () => {
    const labelsCsv = join(bluebirds, 'labels.csv');
    const goldCsv = join(bluebirds, 'gold.csv');

    const run = await quorum('aggregate', '--input', labelsCsv, '--gold', goldCsv);

    expect(run.code).toBe(0);
    const [header, ...rows] = rowsOf(run.stdout);
    expect(header).toEqual(['task', 'label', 'confidence']);
    // Same answers, same encoder, same algorithm in this process.
    const csvRows = (path: string) => rowsOf(readFileSync(path, 'utf8')).slice(1);
    const answers = csvRows(labelsCsv).map(([worker, task, label]) => ({ worker, task, label }));
    const gold = new Map(csvRows(goldCsv) as Array<[string, string]>);
    const encoded = encodeResponses(answers, {}, gold);
    const expected = aggregators[DEFAULT_AGGREGATOR](encoded.matrix);
    expect(rows.map(([task, label]) => [task, label])).toEqual(
      encoded.taskIds.map((task, t) => [task, encoded.labelKeys[expected.labels[t]]]),
    );
    for (const [, , confidence] of rows) {
      expect(Number(confidence)).toBeGreaterThanOrEqual(0.5);
      expect(Number(confidence)).toBeLessThanOrEqual(1);
    }
    const correct = rows.filter(([task, label]) => gold.get(task) === label).length;
    expect(run.stderr).toContain(`accuracy ${(correct / rows.length).toFixed(4)} (${correct}/108`);
  });

  it('writes results and per-worker quality to files when asked', async () => {
    const output = join(dir, 'results.csv');
    const workers = join(dir, 'workers.csv');

    const run = await quorum(
      'aggregate',
      '-i',
      join(bluebirds, 'labels.csv'),
      '--method',
      'majority-vote',
      '--output',
      output,
      '--workers',
      workers,
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(rowsOf(readFileSync(output, 'utf8'))).toHaveLength(1 + 108);
    const workerRows = rowsOf(readFileSync(workers, 'utf8'));
    expect(workerRows[0]).toEqual(['worker', 'answers', 'agreement', 'skill']);
    expect(workerRows).toHaveLength(1 + 39);
    // Every bluebirds worker labels all 108 images.
    for (const [, answers, agreement] of workerRows.slice(1)) {
      expect(answers).toBe('108');
      expect(Number(agreement)).toBeGreaterThan(0);
    }
  });

  it('counts only the latest of repeated answers and round-trips quoted ids', async () => {
    const input = write(
      'repeats.csv',
      'worker,task,label\r\nw1,"x, y",cat\r\nw2,"x, y",dog\r\nw1,"x, y",dog\r\nw1,plain,"say ""hi"""\r\n',
    );

    const run = await quorum('aggregate', '--input', input, '--method', 'majority-vote');

    expect(run.code).toBe(0);
    expect(rowsOf(run.stdout)).toEqual([
      ['task', 'label', 'confidence'],
      ['x, y', 'dog', '1'],
      ['plain', 'say "hi"', '1'],
    ]);
    expect(run.stderr).toContain('1 repeated answers replaced');
  });

  it('leaves low-confidence tasks unlabeled with --abstain-below', async () => {
    const input = write('split.csv', 'worker,task,label\nw1,a,x\nw2,a,y\nw1,b,x\nw2,b,x\n');

    const run = await quorum(
      'aggregate',
      '-i',
      input,
      '-m',
      'majority-vote',
      '--abstain-below',
      '0.6',
    );

    expect(rowsOf(run.stdout).slice(1)).toEqual([
      ['a', '', '0.5'],
      ['b', 'x', '1'],
    ]);
  });

  it('loads only the CLI and the aggregation code: no server, ORM or GraphQL', async () => {
    const script = [
      "require('./bin/register-swc.js');",
      "require('./src/cli/quorum.ts');",
      'console.log(JSON.stringify(Object.keys(require.cache)));',
    ].join('');

    const loaded = await new Promise<string[]>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { cwd: root }, (error, stdout) =>
        error ? reject(error) : resolve(JSON.parse(stdout) as string[]),
      ),
    );

    const ours = loaded.filter(file => !file.includes('node_modules') && file.includes('/src/'));
    expect(ours.length).toBeGreaterThan(5);
    for (const file of ours) expect(file).toMatch(/\/src\/(cli|modules\/aggregation)\//);
    // Only the transpiler of the from-source mode comes from node_modules.
    const packages = loaded.filter(file => file.includes('node_modules'));
    for (const file of packages) expect(file).toMatch(/node_modules\/@swc\//);
  });

  it('exits with code 2 and the line number on malformed CSV', async () => {
    const input = write('bad.csv', 'worker,task,label\nw1,t1,a\nw2,"t1,b\n');

    const run = await quorum('aggregate', '--input', input);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.csv: line 3: quoted field is not closed/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits with code 2 on a wrong field count, a missing column, or an unknown method', async () => {
    const short = write('short.csv', 'worker,task,label\nw1,t1,a\nw2,t1\n');
    const noLabel = write('nolabel.csv', 'worker,task\nw1,t1\n');

    const runs = await Promise.all([
      quorum('aggregate', '--input', short),
      quorum('aggregate', '--input', noLabel),
      quorum('aggregate', '--input', short, '--method', 'telepathy'),
      quorum('aggregate', '--input', join(dir, 'missing.csv')),
    ]);

    expect(runs.map(run => run.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0].stderr).toMatch(/line 3: expected 3 fields as in the header, found 2/);
    expect(runs[1].stderr).toMatch(/line 1: .*missing label/);
    expect(runs[2].stderr).toMatch(/unknown method "telepathy"/);
    expect(runs[3].stderr).toMatch(/cannot read .*missing\.csv/);
  });
});
