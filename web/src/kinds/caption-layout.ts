/**
 * Where the captions of boxes drawn over one image go, so that each stays readable when several
 * workers boxed the same object (their boxes nearly coincide, and captions written at the same
 * corner cover one another).
 *
 * Greedy point-feature label placement over a fixed set of candidate positions, the baseline of
 * Christensen, Marks & Shieber, "An empirical study of algorithms for point-feature label
 * placement", ACM Transactions on Graphics 14(3), 1995: captions are placed one at a time, each
 * at its first candidate that overlaps no caption placed before it. Everything is in the
 * image's own pixels (the SVG's user units).
 *
 * Candidates for a caption of size W × H tied to box (x, y, w, h), best first:
 *   1. above the top-left corner      (x,         y − H)
 *   2. above the top-right corner     (x + w − W, y − H)
 *   3. inside the top-left corner     (x,         y)
 *   4. below the bottom-left corner   (x,         y + h)
 *   5. below the bottom-right corner  (x + w − W, y + h)
 *   6. inside the bottom-left corner  (x,         y + h − H)
 * each moved inside the image. When all six are taken, the collision offset: the caption slides
 * from candidates 1 and 2 a line (H) at a time, down then up, to the first free slot; when the
 * image has no free slot left, it keeps candidate 1 (overlapping, never outside the image).
 * Order matters: the first boxes (the consensus) get the best places.
 */

// Structural copies of box-geometry's types: this module imports nothing, so the unit tests'
// CommonJS type-check (node16 resolution) reads it as it is.
/** An axis-aligned box: left, top, width, height in image pixels. */
interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
/** The image's size in pixels. */
interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** A caption's place: its top-left corner and size, in image pixels. */
export interface CaptionRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const clamp = (value: number, low: number, high: number) =>
  Math.max(low, Math.min(Math.max(low, high), value));

const overlaps = (a: CaptionRect, b: CaptionRect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * The captions' places, one per box in the same order; `sizes[i]` is caption i's width and
 * height (see `captionWidth` for a width without measuring text).
 */
export function placeCaptions(
  boxes: readonly Rect[],
  sizes: readonly { readonly width: number; readonly height: number }[],
  image: ImageSize,
): CaptionRect[] {
  const placed: CaptionRect[] = [];
  boxes.forEach((box, i) => {
    const { width, height } = sizes[i] ?? { width: 0, height: 0 };
    const at = (x: number, y: number): CaptionRect => ({
      x: clamp(x, 0, image.width - width),
      y: clamp(y, 0, image.height - height),
      width,
      height,
    });
    const free = (rect: CaptionRect) => placed.every(other => !overlaps(rect, other));
    const left = box.x;
    const right = box.x + box.w - width;
    const candidates = [
      at(left, box.y - height),
      at(right, box.y - height),
      at(left, box.y),
      at(left, box.y + box.h),
      at(right, box.y + box.h),
      at(left, box.y + box.h - height),
    ];
    let chosen = candidates.find(free);
    // Collision offset: a line at a time away from the best two corners, while inside the image.
    const lines = height > 0 ? Math.ceil(image.height / height) : 0;
    for (let step = 1; !chosen && step <= lines; step++) {
      for (const start of candidates.slice(0, 2)) {
        for (const y of [start.y + step * height, start.y - step * height]) {
          if (y < 0 || y > image.height - height) continue;
          const slot = { ...start, y };
          if (free(slot)) {
            chosen = slot;
            break;
          }
        }
        if (chosen) break;
      }
    }
    placed.push(chosen ?? candidates[0]!);
  });
  return placed;
}

/**
 * A caption's width for `text` at `fontSize`, without measuring it in a browser: a bold Latin
 * character is taken as 0.62 em (a little over the usual 0.55–0.6, so a caption's backdrop
 * never cuts its text), a CJK or other wide character as 1 em, plus `padding` on each side.
 */
export function captionWidth(text: string, fontSize: number, padding = 0): number {
  let ems = 0;
  for (const char of text) ems += char.codePointAt(0)! >= 0x2e80 ? 1 : 0.62;
  return ems * fontSize + 2 * padding;
}
