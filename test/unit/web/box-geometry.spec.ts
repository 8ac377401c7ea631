// web/ is an ES module package, which a CommonJS spec may not import statically; Jest's
// require loads its TypeScript all the same (as codegen-drift.spec.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const G = require('../../../web/src/kinds/box-geometry') as typeof import(
  '../../../web/src/kinds/box-geometry.js',
  { with: { 'resolution-mode': 'import' } }
);

const IMAGE = { width: 640, height: 480 };

describe('box geometry (the BOUNDING_BOXES widget, original-image pixels)', () => {
  it('maps a pointer over the shown image to original pixels, clamped to the image', () => {
    // The 640 × 480 image shown at 320 × 240 from (100, 50) on the page.
    const shown = { left: 100, top: 50, width: 320, height: 240 };
    expect(G.imagePoint(110, 60, shown, IMAGE)).toEqual({ x: 20, y: 20 });
    expect(G.imagePoint(0, 1000, shown, IMAGE)).toEqual({ x: 0, y: 480 });
    expect(G.imagePoint(5, 5, { left: 0, top: 0, width: 0, height: 0 }, IMAGE)).toEqual({
      x: 0,
      y: 0,
    });
  });

  it('draws a box from a drag in any direction, in whole pixels inside the image', () => {
    expect(G.boxFromDrag({ x: 10.4, y: 20.6 }, { x: 50.2, y: 80 }, IMAGE)).toEqual({
      x: 10,
      y: 21,
      w: 40,
      h: 59,
    });
    expect(G.boxFromDrag({ x: 50, y: 80 }, { x: 10, y: 20 }, IMAGE)).toEqual({
      x: 10,
      y: 20,
      w: 40,
      h: 60,
    });
    expect(G.boxFromDrag({ x: 600, y: 400 }, { x: 900, y: 900 }, IMAGE)).toEqual({
      x: 600,
      y: 400,
      w: 40,
      h: 80,
    });
  });

  it('takes a drag smaller than the minimum as a click, not a box', () => {
    expect(G.boxFromDrag({ x: 10, y: 10 }, { x: 10 + G.MIN_DRAG_PX - 1, y: 50 }, IMAGE)).toBeNull();
    expect(G.boxFromDrag({ x: 10, y: 10 }, { x: 50, y: 10 }, IMAGE)).toBeNull();
  });

  it('nudges a box and stops it at the image’s edges, keeping its other fields', () => {
    const box = { x: 1, y: 2, w: 30, h: 40, label: 'person' };
    expect(G.nudgeBox(box, -1, 1, IMAGE)).toEqual({ x: 0, y: 3, w: 30, h: 40, label: 'person' });
    expect(G.nudgeBox(box, -5, -5, IMAGE)).toMatchObject({ x: 0, y: 0 });
    expect(G.nudgeBox({ ...box, x: 610 }, 1, 0, IMAGE)).toMatchObject({ x: 610 });
  });

  it('resizes from the right and bottom edges, at least a pixel, never past the image', () => {
    const box = { x: 600, y: 0, w: 30, h: 1 };
    expect(G.resizeBox(box, 5, 0, IMAGE)).toEqual({ x: 600, y: 0, w: 35, h: 1 });
    expect(G.resizeBox(box, 50, 0, IMAGE)).toMatchObject({ w: 40 });
    expect(G.resizeBox(box, 0, -1, IMAGE)).toMatchObject({ h: 1 });
    expect(G.resizeBox(box, -100, 479, IMAGE)).toEqual({ x: 600, y: 0, w: 1, h: 480 });
  });

  it('starts a reviewer from a recorded answer: whole pixels inside the image, no extra fields', () => {
    expect(
      G.boxesFrom(
        {
          boxes: [
            { x: 100.6, y: 74.4, w: 99.2, h: 150.5, label: 'person', score: 0.67 },
            { x: 600, y: -10, w: 100, h: 30, label: 'car' }, // clipped at the right and top
            { x: 700, y: 10, w: 10, h: 10, label: 'car' }, // wholly outside
            { x: 1, y: 1, w: 0, h: 5, label: 'car' }, // no width
            { x: 1, y: 1, w: '5', h: 5, label: 'car' },
            { x: 1, y: 1, w: 5, h: 5 },
          ],
        },
        IMAGE,
      ),
    ).toEqual([
      { x: 101, y: 74, w: 99, h: 151, label: 'person' },
      { x: 600, y: 0, w: 40, h: 20, label: 'car' },
    ]);
    expect(G.boxesFrom({}, IMAGE)).toEqual([]);
  });
});
