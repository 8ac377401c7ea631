import { boxesKind } from '../../../src/modules/kinds/boxes-kind';
import { expectAgreementOutweighsSplit, issuesOf, settingsOf, valueOf } from './kind-test-helpers';

describe('BOUNDING_BOXES kind', () => {
  const settings = settingsOf(boxesKind, { classes: ['car', 'person'] });
  const payload = { image: 'img/street 1.jpg', width: 100, height: 50 };
  const check = (answer: unknown, p: Record<string, unknown> = payload) =>
    boxesKind.validateAnswer(settings, p, answer);
  const box = (x: unknown, y: unknown, w: unknown, h: unknown, label: unknown = 'car') => ({
    boxes: [{ x, y, w, h, label }],
  });

  it('reads classes and the image fields (defaults image, width, height)', () => {
    expect(settings).toEqual({
      classes: ['car', 'person'],
      imageField: 'image',
      widthField: 'width',
      heightField: 'height',
    });
    expect(
      settingsOf(boxesKind, {
        classes: ['a'],
        imageField: 'url',
        widthField: 'w',
        heightField: 'h',
      }).imageField,
    ).toBe('url');
    expect(issuesOf(boxesKind.parseSettings({ classes: [] }))).toEqual([
      ['INVALID_SETTINGS', 'settings.classes'],
    ]);
    expect(issuesOf(boxesKind.parseSettings({ classes: ['a'], imageField: '' }))).toEqual([
      ['INVALID_SETTINGS', 'settings.imageField'],
    ]);
  });

  it('accepts boxes inside the image, edges included, and an empty list', () => {
    expect(valueOf(check(box(0, 0, 100, 50))).boxes).toEqual([
      { x: 0, y: 0, w: 100, h: 50, label: 'car' },
    ]);
    expect(valueOf(check({ boxes: [] })).boxes).toEqual([]);
  });

  it('refuses boxes outside the image', () => {
    for (const [x, y, w, h] of [
      [-1, 0, 10, 10],
      [95, 0, 10, 10],
      [0, 45, 10, 10],
      [0, 0, 1e308, 10],
    ]) {
      expect(issuesOf(check(box(x, y, w, h)))).toEqual([['BOX_OUTSIDE_IMAGE', 'answer.boxes[0]']]);
    }
  });

  it('refuses zero or negative sizes', () => {
    expect(issuesOf(check(box(1, 1, 0, 5)))).toEqual([['BOX_EMPTY', 'answer.boxes[0]']]);
    expect(issuesOf(check(box(10, 10, 5, -5)))).toEqual([['BOX_EMPTY', 'answer.boxes[0]']]);
  });

  it('refuses NaN, Infinity and strings as coordinates, unknown classes, missing image sizes', () => {
    for (const bad of [NaN, Infinity, '5', null]) {
      expect(issuesOf(check(box(bad, 0, 5, 5)))).toEqual([['MALFORMED_ANSWER', 'answer.boxes[0]']]);
    }
    expect(issuesOf(check(box(0, 0, 5, 5, 'truck')))).toEqual([
      ['UNKNOWN_LABEL', 'answer.boxes[0].label'],
    ]);
    expect(issuesOf(check(box(0, 0, 5, 5, 'car\u0000')))).toEqual([
      ['UNKNOWN_LABEL', 'answer.boxes[0].label'],
    ]);
    expect(issuesOf(check({ boxes: {} }))).toEqual([['MALFORMED_ANSWER', 'answer.boxes']]);
    expect(issuesOf(check(box(0, 0, 5, 5), { width: 0, height: 10 }))).toEqual([
      ['INVALID_PAYLOAD', 'payload.width'],
    ]);
    expect(issuesOf(check(box(0, 0, 5, 5), { width: NaN, height: 10 }))).toEqual([
      ['INVALID_PAYLOAD', 'payload.width'],
    ]);
  });

  it('reports every refused box, not only the first', () => {
    const answer = {
      boxes: [
        { x: 0, y: 0, w: 0, h: 1, label: 'car' },
        { x: 0, y: 0, w: 1, h: 1, label: 'bus' },
      ],
    };
    expect(issuesOf(check(answer))).toEqual([
      ['BOX_EMPTY', 'answer.boxes[0]'],
      ['UNKNOWN_LABEL', 'answer.boxes[1].label'],
    ]);
  });

  it('scores gold by F1 at IoU 0.5 within a class (default threshold 0.7)', () => {
    const gold = {
      boxes: [
        { x: 0, y: 0, w: 10, h: 10, label: 'car' },
        { x: 20, y: 20, w: 10, h: 10, label: 'person' },
      ],
    };
    // Shifted by one pixel: IoU 90 / 110 = 0.82, a match. Right place, wrong class: no match.
    const answer = {
      boxes: [
        { x: 1, y: 0, w: 10, h: 10, label: 'car' },
        { x: 20, y: 20, w: 10, h: 10, label: 'car' },
      ],
    };
    expect(boxesKind.scoreGold(settings, payload, answer, gold)).toEqual({
      score: 0.5,
      pass: false,
    });
    expect(boxesKind.scoreGold(settings, payload, gold, gold)).toEqual({ score: 1, pass: true });
    // Shifted by six pixels: IoU 40 / 160 = 0.25 < 0.5.
    const far = { boxes: [{ x: 6, y: 0, w: 10, h: 10, label: 'car' }] };
    expect(boxesKind.scoreGold(settings, payload, far, { boxes: [gold.boxes[0]] })).toEqual({
      score: 0,
      pass: false,
    });
    expect(boxesKind.scoreGold(settings, payload, { boxes: [] }, { boxes: [] })).toEqual({
      score: 1,
      pass: true,
    });
  });

  it('encodes boxes into typed arrays with class indexes, an empty answer as an empty range', () => {
    const { input, workerIds } = boxesKind.encode(settings, [
      {
        taskId: 't1',
        payload,
        answers: [
          { worker: 'a', answer: { boxes: [{ x: 1, y: 2, w: 3, h: 4, label: 'person' }] } },
          { worker: 'b', answer: { boxes: [] } },
        ],
      },
    ]);
    expect([input.nTasks, input.nWorkers, input.nClasses]).toEqual([1, 2, 2]);
    expect([...input.boxOffset]).toEqual([0, 1, 1]);
    expect([...input.x, ...input.y, ...input.w, ...input.h, ...input.label]).toEqual([
      1, 2, 3, 4, 1,
    ]);
    expect(workerIds).toEqual(['a', 'b']);
  });

  it('gives 0 confidence without answers, and more to agreement than to disagreement', () => {
    const car = { boxes: [{ x: 10, y: 10, w: 40, h: 30, label: 'car' }] };
    const nothing = { boxes: [] };
    expectAgreementOutweighsSplit(boxesKind, settings, payload, car, [car, nothing, nothing]);
  });

  const rows = [
    {
      taskId: 't1',
      externalId: 'e1',
      status: 'COMPLETED',
      payload,
      answer: { boxes: [{ x: 10, y: 10, w: 20, h: 10, label: 'person', score: 0.9 }] },
      confidence: 0.9,
      answerCount: 3,
    },
    {
      taskId: 't/2',
      externalId: null,
      status: 'OPEN',
      payload: { image: 'b.png', width: 10, height: 10 },
      answer: null,
      confidence: null,
      answerCount: 0,
    },
  ];

  it('writes COCO JSON with 1-based ids and categories', () => {
    const [file] = boxesKind.exportResults('COCO', settings, rows);
    expect(JSON.parse(file.content)).toEqual({
      images: [
        {
          id: 1,
          file_name: 'img/street 1.jpg',
          width: 100,
          height: 50,
          task_id: 't1',
          external_id: 'e1',
          reviewed: false,
        },
        {
          id: 2,
          file_name: 'b.png',
          width: 10,
          height: 10,
          task_id: 't/2',
          external_id: null,
          reviewed: false,
        },
      ],
      annotations: [
        {
          id: 1,
          image_id: 1,
          category_id: 2,
          bbox: [10, 10, 20, 10],
          area: 200,
          iscrowd: 0,
          score: 0.9,
        },
      ],
      categories: [
        { id: 1, name: 'car' },
        { id: 2, name: 'person' },
      ],
    });
  });

  it('writes YOLO text: classes.txt and one normalised label file per image', () => {
    const files = boxesKind.exportResults('YOLO', settings, [
      ...rows,
      { ...rows[1], taskId: 't3' },
    ]);
    expect(files.map(f => [f.name, f.content])).toEqual([
      ['classes.txt', 'car\nperson\n'],
      ['labels/street_1.txt', '1 0.200000 0.300000 0.200000 0.200000\n'],
      ['labels/b.txt', ''],
      ['labels/b__t3.txt', ''],
    ]);
  });
});
