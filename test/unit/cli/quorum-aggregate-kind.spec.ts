/**
 * `quorum aggregate --kind …` as a child process through bin/quorum.js on the fixture excerpts
 * of the new dataset folders (test/fixtures/datasets/*). QUORUM_FROM_SOURCE=1 runs the
 * TypeScript sources under test. No database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCsv } from '../../../src/cli/csv';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'datasets');

function quorum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [join(root, 'bin', 'quorum.js'), ...args],
      { env: { ...process.env, QUORUM_FROM_SOURCE: '1' }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(line => line !== '')
    .map(line => JSON.parse(line) as Record<string, unknown>);

describe('quorum aggregate --kind (child process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-kind-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('spans: one line per annotated task with token spans, and entity P/R/F1 on gold', async () => {
    const folder = join(fixtures, 'conll_mturk_val');
    const output = join(dir, 'spans.jsonl');
    const run = await quorum(
      'aggregate',
      '--kind',
      'spans',
      '--input',
      join(folder, 'labels.jsonl'),
      '--tasks',
      join(folder, 'tasks.jsonl'),
      '--gold',
      join(folder, 'gold.jsonl'),
      '--output',
      output,
    );
    expect(run.code).toBe(0);
    const lines = jsonLines(readFileSync(output, 'utf8'));
    expect(lines).toHaveLength(60);
    const labels = new Set(['PER', 'LOC', 'ORG', 'MISC']);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['task', 'spans']);
      for (const span of line.spans as Array<Record<string, unknown>>) {
        expect(Object.keys(span)).toEqual(['start', 'end', 'label']);
        expect(span.end as number).toBeGreaterThan(span.start as number);
        expect(labels.has(span.label as string)).toBe(true);
      }
    }
    expect(run.stderr).toMatch(
      /entity exact match on 60 gold tasks: precision 0\.\d{4} recall 0\.\d{4} F1 0\.\d{4}/,
    );
  });

  it('boxes: one line per image with pixel boxes and scores, and box P/R/F1 at IoU 0.5', async () => {
    const folder = join(fixtures, 'ped_boxes_even');
    const run = await quorum(
      'aggregate',
      '--kind',
      'boxes',
      '--input',
      join(folder, 'labels.jsonl'),
      '--tasks',
      join(folder, 'tasks.jsonl'),
      '--gold',
      join(folder, 'gold.jsonl'),
    );
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(40);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['task', 'boxes']);
      for (const box of line.boxes as Array<Record<string, number | string>>) {
        expect(Object.keys(box)).toEqual(['x', 'y', 'w', 'h', 'label', 'score']);
        expect(box.w as number).toBeGreaterThan(0);
        expect(box.score as number).toBeGreaterThanOrEqual(0.5);
      }
    }
    expect(run.stderr).toMatch(
      /boxes at IoU 0\.5 on 39 gold images: precision \d\.\d{4} recall \d\.\d{4}/,
    );
  });

  it('rating: task,label,confidence on the scale, accuracy and MAE on gold', async () => {
    const folder = join(fixtures, 'trec_rf10_graded');
    const run = await quorum(
      'aggregate',
      '--kind',
      'rating',
      '--input',
      join(folder, 'labels.csv'),
      '--gold',
      join(folder, 'gold.csv'),
    );
    expect(run.code).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout).map(record => record.fields);
    expect(header).toEqual(['task', 'label', 'confidence']);
    expect(rows).toHaveLength(150);
    for (const [, label, confidence] of rows) {
      expect(['0', '1', '2']).toContain(label);
      expect(Number(confidence)).toBeGreaterThan(0);
    }
    expect(run.stderr).toMatch(
      /on 150 gold tasks with answers: accuracy 0\.\d{4} mean absolute error 0\.\d{4}/,
    );
  });

  it('pairwise: item,score and Kendall tau against the planted ranking', async () => {
    const folder = join(fixtures, 'pairwise_synthetic');
    const run = await quorum(
      'aggregate',
      '--kind',
      'pairwise',
      '--input',
      join(folder, 'labels.csv'),
      '--gold',
      join(folder, 'gold.csv'),
    );
    expect(run.code).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout).map(record => record.fields);
    expect(header).toEqual(['item', 'score']);
    expect(rows).toHaveLength(12);
    const tau = Number(
      /Kendall's tau against the gold ranking of 12 items: (-?\d\.\d{4})/.exec(run.stderr)?.[1],
    );
    expect(tau).toBeGreaterThan(0.7);
  });

  it('rejects an unknown kind, a missing tasks file and a label that is neither item', async () => {
    expect((await quorum('aggregate', '--kind', 'video', '--input', 'x')).code).toBe(2);
    const noTasks = await quorum('aggregate', '--kind', 'spans', '--input', 'x.jsonl');
    expect(noTasks.code).toBe(2);
    expect(noTasks.stderr).toContain('--tasks');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'worker,left,right,label\nw1,a,b,c\n');
    const run = await quorum('aggregate', '--kind', 'pairwise', '--input', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('line 2: label "c" is neither left nor right');
  });
});
