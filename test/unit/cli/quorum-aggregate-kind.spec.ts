/**
 * `quorum aggregate --kind …` as a child process through bin/quorum.js on the fixture excerpts
 * of the new dataset folders (test/fixtures/datasets/*). QUORUM_FROM_SOURCE=1 runs the
 * TypeScript sources under test. No database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCsv } from '../../../src/cli/csv';
import { runQuorumFromSource as quorum } from '../../helpers/run-cli';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'datasets');

/**
 * `quorum aggregate --kind <kind>` on a fixture dataset folder: labels and gold in the kind's
 * format (JSONL, with tasks.jsonl, for spans and boxes; CSV otherwise), then `extra` arguments.
 */
function aggregateFixture(kind: string, dataset: string, ...extra: string[]) {
  const folder = join(fixtures, dataset);
  const ext = kind === 'spans' || kind === 'boxes' ? 'jsonl' : 'csv';
  const tasks = ext === 'jsonl' ? ['--tasks', join(folder, 'tasks.jsonl')] : [];
  return quorum(
    'aggregate',
    ...['--kind', kind, '--input', join(folder, `labels.${ext}`), ...tasks],
    ...['--gold', join(folder, `gold.${ext}`), ...extra],
  );
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
    const output = join(dir, 'spans.jsonl');
    const run = await aggregateFixture('spans', 'conll_mturk_val', '--output', output);
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
    const run = await aggregateFixture('boxes', 'ped_boxes_even');
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
    const run = await aggregateFixture('rating', 'trec_rf10_graded');
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
    const run = await aggregateFixture('pairwise', 'pairwise_synthetic');
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
