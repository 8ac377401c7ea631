// web/ is an ES module package, which a CommonJS spec may not import statically; Jest's
// require loads its TypeScript all the same (as codegen-drift.spec.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const C = require('../../../web/src/kinds/caption-layout') as typeof import(
  '../../../web/src/kinds/caption-layout.js',
  { with: { 'resolution-mode': 'import' } }
);

type Area = { x: number; y: number; width: number; height: number };
const overlap = (a: Area, b: Area) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const IMAGE = { width: 400, height: 300 };

describe('caption layout (boxes answers drawn over one image)', () => {
  it('puts a lone caption above its box, at its top-left corner', () => {
    const [place] = C.placeCaptions(
      [{ x: 100, y: 75, w: 100, h: 150 }],
      [{ width: 60, height: 14 }],
      IMAGE,
    );
    expect(place).toEqual({ x: 100, y: 61, width: 60, height: 14 });
  });

  it('keeps a caption inside the image at its edges', () => {
    const [top, right] = C.placeCaptions(
      [
        { x: 10, y: 0, w: 50, h: 50 },
        { x: 380, y: 100, w: 20, h: 20 },
      ],
      [
        { width: 60, height: 14 },
        { width: 60, height: 14 },
      ],
      IMAGE,
    );
    expect(top).toMatchObject({ x: 10, y: 0 });
    expect(right).toMatchObject({ x: 340, y: 86 });
  });

  it('gives four workers boxing one object four separate captions at their own boxes', () => {
    const boxes = [
      { x: 101, y: 74, w: 99, h: 151 },
      { x: 100, y: 75, w: 100, h: 150 },
      { x: 101, y: 74, w: 98, h: 151 },
      { x: 102, y: 73, w: 98, h: 152 },
    ];
    const sizes = boxes.map(() => ({ width: 140, height: 14 }));
    const places = C.placeCaptions(boxes, sizes, IMAGE);
    places.forEach((place, i) => {
      for (const other of places.slice(i + 1)) expect(overlap(place, other)).toBe(false);
      const box = boxes[i]!;
      // Touching its own box (above, inside or below one of its corners).
      expect(place.y + place.height).toBeGreaterThanOrEqual(box.y);
      expect(place.y).toBeLessThanOrEqual(box.y + box.h);
    });
    // The first (the consensus) gets the best place: above the top-left corner.
    expect(places[0]).toMatchObject({ x: 101, y: 60 });
  });

  it('slides a caption a line at a time when every corner is taken, inside the image', () => {
    const box = { x: 100, y: 100, w: 40, h: 40 };
    const boxes = Array.from({ length: 10 }, () => box);
    const places = C.placeCaptions(
      boxes,
      boxes.map(() => ({ width: 30, height: 10 })),
      IMAGE,
    );
    places.forEach((place, i) => {
      for (const other of places.slice(i + 1)) expect(overlap(place, other)).toBe(false);
      expect(place.y).toBeGreaterThanOrEqual(0);
      expect(place.y + place.height).toBeLessThanOrEqual(IMAGE.height);
    });
  });

  it('keeps the first corner when the image has no free slot left', () => {
    const tiny = { width: 40, height: 20 };
    const box = { x: 0, y: 0, w: 40, h: 20 };
    const places = C.placeCaptions(
      [box, box, box],
      [tiny, tiny, tiny].map(() => ({ width: 40, height: 20 })),
      tiny,
    );
    expect(places).toEqual([
      { x: 0, y: 0, width: 40, height: 20 },
      { x: 0, y: 0, width: 40, height: 20 },
      { x: 0, y: 0, width: 40, height: 20 },
    ]);
  });

  it('estimates a caption width: Latin narrower than CJK, plus padding', () => {
    expect(C.captionWidth('ab', 10)).toBeCloseTo(12.4);
    expect(C.captionWidth('北京', 10)).toBe(20);
    expect(C.captionWidth('ab', 10, 2)).toBeCloseTo(16.4);
  });
});
