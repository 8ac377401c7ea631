/**
 * BOUNDING_BOXES: axis-aligned boxes in pixels (left x, top y, width w, height h) with a class,
 * on the image the payload's `imageField` names; its size is read from `widthField` and
 * `heightField` (default `width`, `height`). An empty list means "nothing to box here".
 *
 * Gold: F1 at IoU ≥ 0.5 (one-to-one greedy matching, `box-metrics.ts`), counting a match only
 * between boxes of the same class; 1 when both are empty; passes at F1 ≥ 0.7 unless the project
 * sets its own threshold. Aggregation input: `BoxCrowd`. Confidence: box fusion fitted on the
 * task's current answers, then its online posterior (`boxTaskPosterior`).
 *
 * Exports: COCO JSON (`images`, `annotations` with 1-based ids and `category_id`, `categories`;
 * `score` when the consensus gives one); YOLO text: `classes.txt` and one `labels/<image>.txt`
 * per image (`class cx cy w h`, normalised to the image size; the image's file name without
 * extension, the task id when two images share it).
 */
import { fuseBoxes, boxTaskPosterior } from '../aggregation/algorithms/kinds/box-fusion';
import {
  buildBoxCrowd,
  type Box,
  type BoxCrowd,
} from '../aggregation/algorithms/kinds/box-geometry';
import { boxF1 } from '../quality/algorithms/answer-agreement';
import {
  Interner,
  annotationsOf,
  answerList,
  fromPayload,
  isFiniteNumber,
  isKey,
  okUnless,
  payloadString,
  readFieldName,
  readKeyList,
  settingsObject,
  unsupportedFormat,
} from './kind-checks';
import type { KindIssue, TaskKind, TaskPayload } from './task-kind';

/** Default pass threshold of box gold scoring: F1 at IoU 0.5 ≥ 0.7. */
export const BOX_GOLD_THRESHOLD = 0.7;

/** IoU at which a box matches a gold box. */
export const BOX_MATCH_IOU = 0.5;

/** Most boxes one answer may hold (a bound for hostile input). */
export const MAX_BOXES = 10_000;

/** Parsed BOUNDING_BOXES settings. */
export interface BoxSettings {
  readonly classes: readonly string[];
  readonly imageField: string;
  readonly widthField: string;
  readonly heightField: string;
}

/** One labelled box in pixels; `score` only on aggregated results (P(the object exists)). */
export interface LabelledBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: string;
  readonly score?: number;
}

/** A BOUNDING_BOXES answer. */
export interface BoxAnswer {
  readonly boxes: readonly LabelledBox[];
}

/** The image's size from the payload, or null when either side is not a positive number. */
export function imageSize(
  settings: BoxSettings,
  payload: TaskPayload,
): { width: number; height: number } | null {
  const width = payload[settings.widthField];
  const height = payload[settings.heightField];
  return isFiniteNumber(width) && isFiniteNumber(height) && width > 0 && height > 0
    ? { width, height }
    : null;
}

function parseSettings(raw: unknown) {
  const issues: KindIssue[] = [];
  const object = settingsObject(raw, issues);
  const classes = readKeyList(object, 'classes', issues);
  const imageField = readFieldName(object, 'imageField', 'image', issues);
  const widthField = readFieldName(object, 'widthField', 'width', issues);
  const heightField = readFieldName(object, 'heightField', 'height', issues);
  return okUnless<BoxSettings>(issues, () => ({ classes, imageField, widthField, heightField }));
}

function checkBox(
  settings: BoxSettings,
  size: { width: number; height: number },
  box: unknown,
  field: string,
): KindIssue | LabelledBox {
  const { x, y, w, h, label } = (box ?? {}) as Record<string, unknown>;
  if (![x, y, w, h].every(isFiniteNumber)) {
    return { code: 'MALFORMED_ANSWER', field, reason: 'x, y, w and h are finite numbers (pixels)' };
  }
  const [left, top, width, height] = [x, y, w, h] as number[];
  if (width <= 0 || height <= 0) {
    return { code: 'BOX_EMPTY', field, reason: 'a box has a positive width and height' };
  }
  if (left < 0 || top < 0 || left + width > size.width || top + height > size.height) {
    return {
      code: 'BOX_OUTSIDE_IMAGE',
      field,
      reason: `a box lies inside the ${size.width} × ${size.height} image`,
    };
  }
  if (!isKey(label) || !settings.classes.includes(label)) {
    return { code: 'UNKNOWN_LABEL', field: `${field}.label`, reason: 'not a class of the schema' };
  }
  return { x: left, y: top, w: width, h: height, label };
}

function validateAnswer(settings: BoxSettings, payload: TaskPayload, raw: unknown) {
  const size = fromPayload(
    imageSize(settings, payload),
    settings.widthField,
    'the task has no positive image width and height',
  );
  if (!size.ok) return size;
  const list = answerList(raw, 'boxes', MAX_BOXES);
  if (!list.ok) return { ok: false, issues: list.issues } as const;
  const issues: KindIssue[] = [];
  const boxes: LabelledBox[] = [];
  for (const [i, box] of list.value.entries()) {
    const checked = checkBox(settings, size.value, box, `answer.boxes[${i}]`);
    if ('code' in checked) issues.push(checked);
    else boxes.push(checked);
  }
  return okUnless<BoxAnswer>(issues, () => ({ boxes }));
}

function typed(settings: BoxSettings, boxes: readonly LabelledBox[]): Box[] {
  return boxes.map(b => ({
    x: b.x,
    y: b.y,
    w: b.w,
    h: b.h,
    label: settings.classes.indexOf(b.label),
  }));
}

/** A file-name stem for YOLO: the image name without folders and extension, or the task id. */
function yoloStem(settings: BoxSettings, payload: TaskPayload, taskId: string): string {
  const image = payloadString(payload, settings.imageField) ?? '';
  const base = image.split(/[/\\]/u).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/u, '').replace(/[^\w.-]/gu, '_');
  return stem.length > 0 ? stem : taskId.replace(/[^\w.-]/gu, '_');
}

/** The BOUNDING_BOXES kind. */
export const boxesKind: TaskKind<BoxSettings, BoxAnswer, BoxCrowd> = {
  name: 'BOUNDING_BOXES',
  goldThreshold: BOX_GOLD_THRESHOLD,
  exportFormats: ['COCO', 'YOLO'],
  parseSettings,
  validateAnswer,

  scoreGold(settings, _payload, answer, gold, threshold = BOX_GOLD_THRESHOLD) {
    const score = boxesKind.agreement(settings, answer, gold);
    return { score, pass: score >= threshold };
  },

  agreement(settings, a, b) {
    return boxF1(
      typed(settings, a.boxes),
      typed(settings, b.boxes),
      settings.classes.length,
      BOX_MATCH_IOU,
    );
  },

  // Box F1 has no fixed set of categories to count: α on its distance (Braylan et al. 2022).
  alphaDistance: { metric: 'AGREEMENT' },

  encode(settings, tasks) {
    const workers = new Interner();
    const annotations = annotationsOf(tasks, workers, answer => ({
      boxes: typed(settings, answer.boxes),
    }));
    const input = buildBoxCrowd(
      tasks.length,
      workers.ids.length,
      settings.classes.length,
      annotations,
    );
    return {
      input,
      taskIds: tasks.map(t => t.taskId),
      workerIds: workers.ids,
      keys: settings.classes,
    };
  },

  taskConfidence(settings, payload, answers) {
    if (answers.length === 0) return 0;
    const { input } = boxesKind.encode(settings, [{ taskId: '', payload, answers }]);
    const { model } = fuseBoxes(input);
    const workerOfBox = new Int32Array(input.x.length);
    for (let a = 0; a < input.annotationWorker.length; a++) {
      workerOfBox.fill(input.annotationWorker[a], input.boxOffset[a], input.boxOffset[a + 1]);
    }
    const workers = [...new Set(input.annotationWorker)];
    return boxTaskPosterior(model, input, workerOfBox, workers).confidence;
  },

  exportResults(format, settings, rows) {
    if (format === 'COCO') {
      const images = rows.map((row, i) => ({
        id: i + 1,
        file_name: payloadString(row.payload, settings.imageField),
        width: imageSize(settings, row.payload)?.width ?? null,
        height: imageSize(settings, row.payload)?.height ?? null,
        task_id: row.taskId,
        external_id: row.externalId,
        reviewed: row.reviewed ?? false,
      }));
      const annotations = rows.flatMap((row, i) =>
        (row.answer?.boxes ?? []).map(box => ({
          image_id: i + 1,
          category_id: settings.classes.indexOf(box.label) + 1,
          bbox: [box.x, box.y, box.w, box.h],
          area: box.w * box.h,
          iscrowd: 0,
          ...(box.score === undefined ? {} : { score: box.score }),
        })),
      );
      const coco = {
        images,
        annotations: annotations.map((a, i) => ({ id: i + 1, ...a })),
        categories: settings.classes.map((name, i) => ({ id: i + 1, name })),
      };
      return [
        { name: 'boxes.coco.json', contentType: 'application/json', content: JSON.stringify(coco) },
      ];
    }
    if (format === 'YOLO') {
      const used = new Set<string>();
      const files = rows.map(row => {
        let stem = yoloStem(settings, row.payload, row.taskId);
        if (used.has(stem)) stem = `${stem}__${row.taskId.replace(/[^\w.-]/gu, '_')}`;
        used.add(stem);
        const size = imageSize(settings, row.payload) ?? { width: 1, height: 1 };
        const lines = (row.answer?.boxes ?? []).map(box =>
          [
            settings.classes.indexOf(box.label),
            ((box.x + box.w / 2) / size.width).toFixed(6),
            ((box.y + box.h / 2) / size.height).toFixed(6),
            (box.w / size.width).toFixed(6),
            (box.h / size.height).toFixed(6),
          ].join(' '),
        );
        return {
          name: `labels/${stem}.txt`,
          contentType: 'text/plain',
          content: lines.map(l => `${l}\n`).join(''),
        };
      });
      const classes = settings.classes.map(c => `${c}\n`).join('');
      return [{ name: 'classes.txt', contentType: 'text/plain', content: classes }, ...files];
    }
    throw unsupportedFormat('BOUNDING_BOXES', format);
  },
};
