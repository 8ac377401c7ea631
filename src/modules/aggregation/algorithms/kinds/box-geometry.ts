/**
 * Axis-aligned boxes in pixels (left x, top y, width w, height h) and the crowd input of the box
 * aggregators, in typed arrays. IoU = area(A ∩ B) / area(A ∪ B).
 */

/** A box with a class index. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: number;
}

/**
 * Crowd boxes. Annotation a is worker `annotationWorker[a]`'s whole answer for image
 * `annotationTask[a]`: boxes `boxOffset[a] … boxOffset[a+1]` (an empty range = "nothing here").
 */
export interface BoxCrowd {
  readonly nTasks: number;
  readonly nWorkers: number;
  readonly nClasses: number;
  readonly annotationTask: Int32Array;
  readonly annotationWorker: Int32Array;
  readonly boxOffset: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
  readonly label: Int32Array;
}

/** IoU of two boxes given as (x, y, w, h). */
export function iou(
  ax: number,
  ay: number,
  aw: number,
  ah: number,
  bx: number,
  by: number,
  bw: number,
  bh: number,
): number {
  const ix = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const iy = Math.min(ay + ah, by + bh) - Math.max(ay, by);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  return inter / (aw * ah + bw * bh - inter);
}

/** IoU of two `Box`es. */
export function boxIou(a: Box, b: Box): number {
  return iou(a.x, a.y, a.w, a.h, b.x, b.y, b.w, b.h);
}

/** Checks the arrays once: lengths, index ranges, finite positive sizes. Throws RangeError. */
export function validateBoxCrowd(crowd: BoxCrowd): void {
  const n = crowd.annotationTask.length;
  if (crowd.annotationWorker.length !== n || crowd.boxOffset.length !== n + 1) {
    throw new RangeError('annotation arrays differ in length');
  }
  const B = crowd.x.length;
  if ([crowd.y, crowd.w, crowd.h, crowd.label].some(array => array.length !== B)) {
    throw new RangeError('box arrays differ in length');
  }
  if (crowd.boxOffset[0] !== 0 || crowd.boxOffset[n] !== B) {
    throw new RangeError('boxOffset must run from 0 to the number of boxes');
  }
  for (let a = 0; a < n; a++) {
    if (!(crowd.annotationTask[a] >= 0 && crowd.annotationTask[a] < crowd.nTasks)) {
      throw new RangeError(`annotation ${a}: task out of range`);
    }
    if (!(crowd.annotationWorker[a] >= 0 && crowd.annotationWorker[a] < crowd.nWorkers)) {
      throw new RangeError(`annotation ${a}: worker out of range`);
    }
    if (crowd.boxOffset[a + 1] < crowd.boxOffset[a]) throw new RangeError('boxOffset decreases');
  }
  for (let b = 0; b < B; b++) {
    const finite = [crowd.x[b], crowd.y[b], crowd.w[b], crowd.h[b]].every(Number.isFinite);
    if (!finite || !(crowd.w[b] > 0 && crowd.h[b] > 0)) {
      throw new RangeError(`box ${b}: coordinates must be finite with positive size`);
    }
    if (!(crowd.label[b] >= 0 && crowd.label[b] < crowd.nClasses)) {
      throw new RangeError(`box ${b}: class out of range`);
    }
  }
}

/** Builds the typed arrays from per-annotation box lists (in the given order). */
export function buildBoxCrowd(
  nTasks: number,
  nWorkers: number,
  nClasses: number,
  annotations: ReadonlyArray<{ task: number; worker: number; boxes: readonly Box[] }>,
): BoxCrowd {
  const total = annotations.reduce((sum, a) => sum + a.boxes.length, 0);
  const crowd = {
    nTasks,
    nWorkers,
    nClasses,
    annotationTask: Int32Array.from(annotations, a => a.task),
    annotationWorker: Int32Array.from(annotations, a => a.worker),
    boxOffset: new Int32Array(annotations.length + 1),
    x: new Float64Array(total),
    y: new Float64Array(total),
    w: new Float64Array(total),
    h: new Float64Array(total),
    label: new Int32Array(total),
  };
  let b = 0;
  annotations.forEach((annotation, a) => {
    for (const box of annotation.boxes) {
      crowd.x[b] = box.x;
      crowd.y[b] = box.y;
      crowd.w[b] = box.w;
      crowd.h[b] = box.h;
      crowd.label[b] = box.label;
      b++;
    }
    crowd.boxOffset[a + 1] = b;
  });
  validateBoxCrowd(crowd);
  return crowd;
}
