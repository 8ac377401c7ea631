import { Kind, parse, type SelectionSetNode } from 'graphql';

import { RESULTS_PAGE } from '../../../src/cli/commands/export-commands';
import {
  resultCsvRow,
  resultJsonLine,
  type PresentedTaskResult,
} from '../../../src/modules/aggregation/results-export';

/**
 * `quorum results export` writes the rows of the shared export formatters from the nodes its
 * page query selects. A field the query leaves out reaches the formatter as `undefined` and
 * lands in the file as the text "undefined" (CSV) or goes missing (JSONL), which a newcomer
 * found in the `reviewed` column of every row. Here the query's selection is applied to a
 * result with every field set, and the rows must equal those of the whole result.
 */
describe('quorum results export page query', () => {
  function selection(set: SelectionSetNode | undefined): Map<string, Map<string, unknown> | null> {
    const fields = new Map<string, Map<string, unknown> | null>();
    for (const node of set?.selections ?? []) {
      if (node.kind !== Kind.FIELD) throw new Error(`unexpected ${node.kind} in RESULTS_PAGE`);
      fields.set(node.name.value, node.selectionSet ? selection(node.selectionSet) : null);
    }
    return fields;
  }

  /** What the server answers for `value` under `fields`: only the selected keys. */
  function pick(value: unknown, fields: Map<string, unknown> | null): unknown {
    if (fields === null || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(item => pick(item, fields));
    const picked: Record<string, unknown> = {};
    for (const [name, sub] of fields) {
      picked[name] = pick((value as Record<string, unknown>)[name], sub as Map<string, unknown>);
    }
    return picked;
  }

  const full: PresentedTaskResult = {
    taskId: 't-1',
    externalId: 'ext-1',
    status: 'COMPLETE',
    labels: ['pos'],
    label: 'pos',
    confidence: 0.75,
    abstained: false,
    posterior: [
      { key: 'pos', probability: 0.75 },
      { key: 'neg', probability: 0.25 },
    ],
    answerCount: 3,
    isGold: true,
    goldLabels: ['pos'],
    reviewed: true,
  };

  const operation = parse(RESULTS_PAGE).definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('RESULTS_PAGE: no operation');
  const page = selection(operation.selectionSet).get('resultsPage') as Map<string, unknown>;
  const nodes = page.get('nodes') as Map<string, unknown>;
  const asServed = pick(full, nodes) as PresentedTaskResult;

  it('selects every field the CSV row reads', () => {
    expect(resultCsvRow(asServed)).toBe(resultCsvRow(full));
    expect(resultCsvRow(asServed)).not.toContain('undefined');
  });

  it('selects every field the JSONL line reads', () => {
    expect(JSON.parse(resultJsonLine(asServed))).toEqual(JSON.parse(resultJsonLine(full)));
  });
});
