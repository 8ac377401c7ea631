/**
 * Reads a boxes dataset (`tasks.jsonl` `{task, width, height, ...}`, `labels.jsonl`
 * `{worker, task, boxes: [{x, y, w, h, label}]}` in pixels, optional `gold.jsonl` `{task, boxes}`)
 * into `BoxCrowd` arrays. Classes are the labels seen in labels and gold, sorted by character
 * code. A box must have a positive size and lie inside its image (a sub-pixel overhang from
 * rounding is allowed); a worker's repeated answer for an image: the latest line counts.
 */
import { Box, BoxCrowd, buildBoxCrowd } from '../modules/aggregation/algorithms/kinds/box-geometry';
import { CliError } from './cli-error';
import { IdIndex, JsonLine, LineReader, readJsonLines } from './read-jsonl';

/** A boxes dataset in dense form. */
export interface BoxFiles {
  readonly crowd: BoxCrowd;
  readonly taskIds: readonly string[];
  readonly workerIds: readonly string[];
  readonly classNames: readonly string[];
  /** Gold boxes per task index (undefined = not gold). */
  readonly gold?: ReadonlyArray<readonly Box[] | undefined>;
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
  const taskReader = new LineReader(files.tasks);
  const tasks = new IdIndex();
  const sizes: Array<[number, number]> = [];
  for (const line of readJsonLines(files.tasks)) {
    const id = taskReader.id(line, 'task');
    if (tasks.get(id) !== undefined) throw taskReader.error(line, `task "${id}" repeated`);
    tasks.add(id);
    sizes.push([taskReader.number(line, 'width'), taskReader.number(line, 'height')]);
  }
  const classes = new Set<string>();
  const workers = new IdIndex();
  const latest = new Map<string, { task: number; worker: number; boxes: RawBox[] }>();
  const inputReader = new LineReader(files.input);
  for (const line of readJsonLines(files.input)) {
    const worker = workers.add(inputReader.id(line, 'worker'));
    const task = taskOf(inputReader, line, tasks);
    const boxes = readBoxes(inputReader, line, sizes[task], classes);
    latest.delete(`${worker}\u0000${task}`);
    latest.set(`${worker}\u0000${task}`, { task, worker, boxes });
  }
  if (latest.size === 0) throw new CliError(`${files.input}: no answers`);
  let goldRaw: Array<RawBox[] | undefined> | undefined;
  if (files.gold !== undefined) {
    const goldReader = new LineReader(files.gold);
    goldRaw = new Array<RawBox[] | undefined>(tasks.size).fill(undefined);
    for (const line of readJsonLines(files.gold)) {
      const task = taskOf(goldReader, line, tasks);
      goldRaw[task] = readBoxes(goldReader, line, sizes[task], classes);
    }
  }
  const classNames = [...classes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const toBoxes = (boxes: RawBox[]): Box[] =>
    boxes.map(box => ({ ...box, label: classIndex.get(box.label)! }));
  const annotations = [...latest.values()].map(a => ({ ...a, boxes: toBoxes(a.boxes) }));
  return {
    crowd: buildBoxCrowd(tasks.size, workers.size, classNames.length, annotations),
    taskIds: tasks.ids,
    workerIds: workers.ids,
    classNames,
    gold: goldRaw?.map(boxes => (boxes ? toBoxes(boxes) : undefined)),
  };
}

function taskOf(reader: LineReader, line: JsonLine, tasks: IdIndex): number {
  const id = reader.id(line, 'task');
  const task = tasks.get(id);
  if (task === undefined) throw reader.error(line, `task "${id}" is not in the tasks file`);
  return task;
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
