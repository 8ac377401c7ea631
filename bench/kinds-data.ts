/**
 * The real datasets of bench:kinds and bench/kinds-studies.ts, read exactly as
 * `quorum aggregate --kind` reads them, and the span score both print.
 */
import { join } from 'node:path';

import { BoxFiles, readBoxFiles } from '../src/cli/read-box-files';
import { readSpanFiles } from '../src/cli/read-span-files';
import { SpanCrowd, TokenSpan } from '../src/modules/aggregation/algorithms/kinds/bio-tags';
import { entityScore } from '../src/modules/aggregation/algorithms/kinds/span-metrics';

/** FOLDER/conll_mturk_val with its gold. */
export function conllFiles(folder: string): ReturnType<typeof readSpanFiles> {
  return readSpanFiles(datasetFiles(folder, 'conll_mturk_val'));
}

/** FOLDER/ped_boxes_even with its gold. */
export function pedBoxFiles(folder: string): BoxFiles {
  return readBoxFiles(datasetFiles(folder, 'ped_boxes_even'));
}

function datasetFiles(folder: string, name: string) {
  const dir = join(folder, name);
  return {
    tasks: join(dir, 'tasks.jsonl'),
    input: join(dir, 'labels.jsonl'),
    gold: join(dir, 'gold.jsonl'),
  };
}

/** Entity P/R/F1 over the answered tasks that have gold (`tagsOf(t)`: the predicted spans). */
export function spanF1(
  crowd: SpanCrowd,
  tagsOf: (t: number) => TokenSpan[],
  gold: ReadonlyArray<readonly TokenSpan[] | undefined>,
) {
  const annotated = new Uint8Array(gold.length);
  for (const t of crowd.annotationTask) annotated[t] = 1;
  const pairs: Array<readonly [readonly TokenSpan[], readonly TokenSpan[]]> = [];
  gold.forEach((g, t) => {
    if (g && annotated[t]) pairs.push([tagsOf(t), g]);
  });
  return entityScore(pairs);
}
