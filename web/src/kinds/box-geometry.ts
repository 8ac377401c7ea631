/**
 * The BOUNDING_BOXES widget's geometry, in pixels of the original image (what the API records,
 * whatever size the image is shown at): boxes from a mouse drag, and keyboard nudges and
 * resizes, always kept inside the image.
 */

/** The original image's size in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** A point in original-image pixels. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box: left, top, width, height in pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A drag smaller than this (pixels, either side) is a click, not a box. */
export const MIN_DRAG_PX = 2;

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

/**
 * The image point under a pointer at (`clientX`, `clientY`) over an element showing the whole
 * image in `rect` (its bounding client rectangle), clamped to the image.
 */
export function imagePoint(
  clientX: number,
  clientY: number,
  rect: { left: number; top: number; width: number; height: number },
  size: ImageSize,
): Point {
  const x = rect.width > 0 ? ((clientX - rect.left) * size.width) / rect.width : 0;
  const y = rect.height > 0 ? ((clientY - rect.top) * size.height) / rect.height : 0;
  return { x: clamp(x, 0, size.width), y: clamp(y, 0, size.height) };
}

/**
 * The box a drag from `from` to `to` draws, in whole pixels inside the image (any drag
 * direction), or null when it is too small to be meant as a box.
 */
export function boxFromDrag(from: Point, to: Point, size: ImageSize): Rect | null {
  const left = Math.round(clamp(Math.min(from.x, to.x), 0, size.width));
  const top = Math.round(clamp(Math.min(from.y, to.y), 0, size.height));
  const right = Math.round(clamp(Math.max(from.x, to.x), 0, size.width));
  const bottom = Math.round(clamp(Math.max(from.y, to.y), 0, size.height));
  if (right - left < MIN_DRAG_PX || bottom - top < MIN_DRAG_PX) return null;
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** `box` moved by (`dx`, `dy`), stopping at the image's edges. */
export function nudgeBox<B extends Rect>(box: B, dx: number, dy: number, size: ImageSize): B {
  return {
    ...box,
    x: clamp(box.x + dx, 0, Math.max(0, size.width - box.w)),
    y: clamp(box.y + dy, 0, Math.max(0, size.height - box.h)),
  };
}

/**
 * `box` with its right edge moved by `dw` and its bottom edge by `dh`, at least 1 pixel a side
 * and never past the image's edges.
 */
export function resizeBox<B extends Rect>(box: B, dw: number, dh: number, size: ImageSize): B {
  return {
    ...box,
    w: clamp(box.w + dw, 1, Math.max(1, size.width - box.x)),
    h: clamp(box.h + dh, 1, Math.max(1, size.height - box.y)),
  };
}

/**
 * The labelled boxes of a recorded answer (`{ boxes }`, as the API stores it), so a reviewer
 * starts from the consensus: boxes with finite numbers and a string label are kept, in whole
 * pixels inside the image as the widget draws them (a consensus box is an average, often
 * fractional), unless nothing of them is left; extra fields (a consensus box's `score`) are left
 * out, since the reviewer's answer records only place, size and class.
 */
export function boxesFrom(
  value: Readonly<Record<string, unknown>> | null | undefined,
  size: ImageSize,
): Array<Rect & { readonly label: string }> {
  const list = Array.isArray(value?.boxes) ? (value.boxes as unknown[]) : [];
  const boxes: Array<Rect & { readonly label: string }> = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { x, y, w, h, label } = item as Record<string, unknown>;
    if (typeof label !== 'string') continue;
    if (![x, y, w, h].every(n => typeof n === 'number' && Number.isFinite(n))) continue;
    const left = Math.round(clamp(x as number, 0, size.width));
    const top = Math.round(clamp(y as number, 0, size.height));
    const right = Math.round(clamp((x as number) + (w as number), 0, size.width));
    const bottom = Math.round(clamp((y as number) + (h as number), 0, size.height));
    if (right <= left || bottom <= top) continue;
    boxes.push({ x: left, y: top, w: right - left, h: bottom - top, label });
  }
  return boxes;
}
