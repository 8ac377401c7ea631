import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readTaskFile, type TaskLine } from '../../../src/cli/api/read-task-file';

describe('readTaskFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-tasks-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function read(name: string, content: string, format: 'csv' | 'jsonl'): Promise<TaskLine[]> {
    const path = join(dir, name);
    writeFileSync(path, content);
    const lines: TaskLine[] = [];
    for await (const line of readTaskFile(path, format, { bytesRead: 0 })) lines.push(line);
    return lines;
  }

  it('reads JSONL with line numbers, both key spellings, and reasons for bad lines', async () => {
    const lines = await read(
      'a.jsonl',
      [
        '{"externalId":"a","payload":{"text":"x"},"goldLabel":"pos"}',
        '',
        '{"external_id":7,"text":"no payload key","gold_labels":["p","q"]}',
        '{"payload":[1]}',
        'not json',
        '[1,2]',
      ].join('\r\n'),
      'jsonl',
    );
    expect(lines).toEqual([
      { line: 1, item: { externalId: 'a', payload: { text: 'x' }, goldLabel: 'pos' } },
      {
        line: 3,
        item: { externalId: '7', payload: { text: 'no payload key' }, goldLabels: ['p', 'q'] },
      },
      { line: 4, error: 'payload must be a JSON object' },
      { line: 5, error: 'not valid JSON' },
      { line: 6, error: 'not a JSON object' },
    ]);
  });

  it('reads CSV: a payload column as JSON, or the other columns as the payload', async () => {
    const json = await read('b.csv', 'external_id,payload\nx,"{""n"":1}"\ny,oops\n', 'csv');
    expect(json).toEqual([
      { line: 2, item: { externalId: 'x', payload: { n: 1 } } },
      { line: 3, error: 'payload is not valid JSON' },
    ]);
    const columns = await read(
      'c.csv',
      'external_id,gold_labels,text\nx,a|b,"multi\nline"\ny,,short,extra\n',
      'csv',
    );
    expect(columns).toEqual([
      {
        line: 2,
        item: { externalId: 'x', goldLabels: ['a', 'b'], payload: { text: 'multi\nline' } },
      },
      { line: 4, error: '4 fields, the header has 3' },
    ]);
  });

  it('streams a file larger than its read chunks without losing or splitting a line', async () => {
    const count = 20_000;
    const rows = Array.from({ length: count }, (_, i) => `t${i},"text, ${'é'.repeat(i % 7)}"`);
    const lines = await read('big.csv', `external_id,text\n${rows.join('\n')}\n`, 'csv');
    expect(lines).toHaveLength(count);
    expect(lines[count - 1]).toEqual({
      line: count + 1,
      item: {
        externalId: `t${count - 1}`,
        payload: { text: `text, ${'é'.repeat((count - 1) % 7)}` },
      },
    });
  });
});
