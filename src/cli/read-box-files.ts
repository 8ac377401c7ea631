/**
 * Reads a boxes dataset (`tasks.jsonl` `{task, width, height, ...}`, `labels.jsonl`
 * `{worker, task, boxes: [{x, y, w, h, label}]}` in pixels, optional `gold.jsonl` `{task, boxes}`)
 * into `BoxCrowd` arrays. Classes are the labels seen in labels and gold, sorted by character
 * code. A box must have a positive size and lie inside its image (a sub-pixel overhang from
 * rounding is allowed); a worker's repeated answer for an image: the latest line counts.
 */
import { Box, BoxCrowd, buildBoxCrowd } from '../modules/aggregation/algorithms/kinds/box-geometry';
import { JsonLine, KindFiles, LineReader, readTaskAnswerFiles, sortedNames } from './read-jsonl';

/** A boxes dataset in dense form; classes by index. */
export interface BoxFiles extends KindFiles<BoxCrowd, Box> {
  readonly classNames: readonly string[];
}

interface RawBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: string;
}

/** Reads the files; throws CliError naming file and line on malformed input. */
export function readBoxFiles(files: { tasks: string; input: string; gold?: string }): BoxFiles {
  const classes = new Set<string>();
  const read = readTaskAnswerFiles<[number, number], RawBox>(files, {
    task: (reader, line) => [reader.number(line, 'width'), reader.number(line, 'height')],
    items: (reader, line, size) => readBoxes(reader, line, size, classes),
  });
  const { names: classNames, index } = sortedNames(classes);
  const toBoxes = (boxes: RawBox[]): Box[] =>
    boxes.map(box => ({ ...box, label: index.get(box.label)! }));
  const annotations = read.answers.map(a => ({
    task: a.task,
    worker: a.worker,
    boxes: toBoxes(a.items),
  }));
  return {
    crowd: buildBoxCrowd(read.tasks.size, read.workers.size, classNames.length, annotations),
    taskIds: read.tasks.ids,
    workerIds: read.workers.ids,
    classNames,
    gold: read.gold?.map(boxes => (boxes ? toBoxes(boxes) : undefined)),
  };
}

/** Rounding slack when checking that a box lies inside its image, in pixels. */
const EDGE_SLACK = 0.5;

function readBoxes(
  reader: LineReader,
  line: JsonLine,
  [width, height]: [number, number],
  classes: Set<string>,
): RawBox[] {
  return reader.objects(line, 'boxes').map(object => {
    const box = {
      x: reader.number(line, 'x', object),
      y: reader.number(line, 'y', object),
      w: reader.number(line, 'w', object),
      h: reader.number(line, 'h', object),
      label: reader.text(line, 'label', object),
    };
    if (!(box.w > 0 && box.h > 0)) throw reader.error(line, 'a box has zero or negative size');
    const inside =
      box.x >= -EDGE_SLACK &&
      box.y >= -EDGE_SLACK &&
      box.x + box.w <= width + EDGE_SLACK &&
      box.y + box.h <= height + EDGE_SLACK;
    if (!inside) throw reader.error(line, `a box lies outside the ${width}×${height} image`);
    classes.add(box.label);
    return box;
  });
}
