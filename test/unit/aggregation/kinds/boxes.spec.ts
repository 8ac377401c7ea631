import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { clusterTable } from '../../../../src/modules/aggregation/algorithms/kinds/box-clusters';
import {
  boxTaskPosterior,
  fuseBoxes,
  matchTaskBoxes,
  weightedMedian,
} from '../../../../src/modules/aggregation/algorithms/kinds/box-fusion';
import {
  Box,
  buildBoxCrowd,
} from '../../../../src/modules/aggregation/algorithms/kinds/box-geometry';
import {
  boxScore,
  matchedBoxes,
} from '../../../../src/modules/aggregation/algorithms/kinds/box-metrics';
import {
  fusionSnapshot,
  referenceInputs,
} from '../../../fixtures/aggregation/box-fusion-reference';

const box = (x: number, y: number, w: number, h: number, label = 0): Box => ({ x, y, w, h, label });

/**
 * Images 0-5: a person seen by all 5 workers, plus a spurious box by worker 4 (at a different
 * place each time); images 6-7: empty. Several images, so the rates have something to learn from.
 */
const IMAGES = 8;
function toyAnnotations(): Array<{ task: number; worker: number; boxes: Box[] }> {
  const annotations: Array<{ task: number; worker: number; boxes: Box[] }> = [];
  for (let task = 0; task < 6; task++) {
    annotations.push(
      { task, worker: 0, boxes: [box(100, 100, 50, 100)] },
      { task, worker: 1, boxes: [box(102, 98, 50, 104)] },
      { task, worker: 2, boxes: [box(98, 101, 52, 100)] },
      { task, worker: 3, boxes: [box(101, 100, 49, 99)] },
      { task, worker: 4, boxes: [box(100, 102, 50, 100), box(600 + 60 * task, 300, 40, 90)] },
    );
  }
  for (let task = 6; task < IMAGES; task++) {
    for (let worker = 0; worker < 5; worker++) annotations.push({ task, worker, boxes: [] });
  }
  return annotations;
}

describe('matchTaskBoxes', () => {
  it('never puts two boxes of one worker in one cluster', () => {
    const crowd = buildBoxCrowd(1, 2, 1, [
      { task: 0, worker: 0, boxes: [box(0, 0, 10, 10), box(1, 0, 10, 10)] },
      { task: 0, worker: 1, boxes: [box(0, 0, 10, 10)] },
    ]);
    const workerOf = [0, 0, 1];
    const clusters = matchTaskBoxes(crowd, [0, 1, 2], b => workerOf[b], 0.5);
    expect(clusters).toHaveLength(2);
    for (const cluster of clusters)
      expect(new Set(cluster.map(b => workerOf[b])).size).toBe(cluster.length);
  });

  it('does not depend on the order of the boxes', () => {
    const crowd = buildBoxCrowd(1, 3, 1, [
      { task: 0, worker: 0, boxes: [box(0, 0, 10, 10), box(30, 0, 10, 10)] },
      { task: 0, worker: 1, boxes: [box(1, 0, 10, 10)] },
      { task: 0, worker: 2, boxes: [box(31, 1, 10, 10)] },
    ]);
    const workerOf = [0, 0, 1, 2];
    const a = matchTaskBoxes(crowd, [0, 1, 2, 3], b => workerOf[b], 0.5);
    const b = matchTaskBoxes(crowd, [3, 2, 1, 0], b => workerOf[b], 0.5);
    expect(b).toEqual(a);
    expect(a).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
});

describe('fuseBoxes', () => {
  it("matches two workers' boxes of a small object at IoU below 0.5 but not below 1/3", () => {
    // 16 × 40 boxes 6 px apart: IoU 10·40 / (2·16·40 − 10·40) = 0.4545, under the scoring IoU.
    const near = buildBoxCrowd(1, 2, 1, [
      { task: 0, worker: 0, boxes: [box(100, 100, 16, 40)] },
      { task: 0, worker: 1, boxes: [box(106, 100, 16, 40)] },
    ]);
    expect(fuseBoxes(near).model.matchIou).toBeCloseTo(1 / 3, 12);
    const all = fuseBoxes(near, { existenceThreshold: 0 }).objects;
    expect(all.map(o => o.members)).toEqual([[0, 1]]);
    expect(fuseBoxes(near, { existenceThreshold: 0, matchIou: 0.5 }).objects).toHaveLength(2);
    // 9 px apart: IoU 7·40 / (2·16·40 − 7·40) = 0.28.
    const far = buildBoxCrowd(1, 2, 1, [
      { task: 0, worker: 0, boxes: [box(100, 100, 16, 40)] },
      { task: 0, worker: 1, boxes: [box(109, 100, 16, 40)] },
    ]);
    expect(fuseBoxes(far, { existenceThreshold: 0 }).objects).toHaveLength(2);
  });

  it('keeps the object everyone drew, drops the lone box, and fuses by corner medians', () => {
    const crowd = buildBoxCrowd(IMAGES, 5, 1, toyAnnotations());
    const result = fuseBoxes(crowd);
    expect(result.objects.map(o => o.task)).toEqual([0, 1, 2, 3, 4, 5]);
    const [object] = result.objects;
    expect(object.task).toBe(0);
    expect(object.members).toHaveLength(5);
    // Equal weights for 5 boxes: each corner is the middle value.
    expect(object.x).toBeCloseTo(100, 6);
    expect(object.y).toBeCloseTo(100, 6);
    expect(object.x + object.w).toBeCloseTo(150, 6);
    expect(object.y + object.h).toBeCloseTo(200, 6);
    expect(object.score).toBeGreaterThan(0.9);
    expect(result.taskConfidence[6]).toBe(1);
  });

  it('gives the same objects whatever the order of the answers', () => {
    const a = fuseBoxes(buildBoxCrowd(IMAGES, 5, 1, toyAnnotations()));
    const b = fuseBoxes(buildBoxCrowd(IMAGES, 5, 1, [...toyAnnotations()].reverse()));
    expect(b.objects.map(o => [o.task, o.x, o.y, o.w, o.h])).toEqual(
      a.objects.map(o => [o.task, o.x, o.y, o.w, o.h]),
    );
  });

  it('picks the class of each object by Dawid–Skene over its matched boxes', () => {
    // Objects of images 0-2 are class 0, of images 3-5 class 1; one worker per image dissents.
    const annotations = toyAnnotations().map(a => {
      const truth = a.task < 3 ? 0 : 1;
      const label = a.worker === a.task % 5 ? 1 - truth : truth;
      return { ...a, boxes: a.boxes.map(b => ({ ...b, label })) };
    });
    const result = fuseBoxes(buildBoxCrowd(IMAGES, 5, 2, annotations));
    expect(result.objects.map(o => o.label)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('returns nothing for no input and rejects a zero-size box', () => {
    expect(fuseBoxes(buildBoxCrowd(0, 0, 1, [])).objects).toEqual([]);
    expect(() =>
      buildBoxCrowd(1, 1, 1, [{ task: 0, worker: 0, boxes: [box(0, 0, 0, 5)] }]),
    ).toThrow(RangeError);
  });

  it('scores an image online with the learned model', () => {
    const result = fuseBoxes(buildBoxCrowd(IMAGES, 5, 1, toyAnnotations()));
    const boxes = {
      x: Float64Array.from([100, 101]),
      y: Float64Array.from([100, 99]),
      w: Float64Array.from([50, 50]),
      h: Float64Array.from([100, 100]),
    };
    const online = boxTaskPosterior(result.model, boxes, Int32Array.from([0, 1]), [0, 1, 2]);
    expect(online.clusters).toEqual([[0, 1]]);
    expect(online.existence[0]).toBeGreaterThan(0.5);
    expect(boxTaskPosterior(result.model, boxes, Int32Array.from([0, 1]), []).confidence).toBe(0);
  });
});

describe('weightedMedian', () => {
  it('takes the value where the cumulative weight passes half, the midpoint on an exact split', () => {
    expect(weightedMedian([1, 2, 3], [1, 1, 1])).toBe(2);
    expect(weightedMedian([1, 2, 10], [1, 1, 5])).toBe(10);
    expect(weightedMedian([1, 3], [1, 1])).toBe(2);
  });
});

describe('box scoring', () => {
  it('matches one-to-one at IoU 0.5, best overlaps first', () => {
    const gold = [box(0, 0, 10, 10), box(20, 0, 10, 10)];
    const predicted = [box(0, 0, 10, 10), box(1, 0, 10, 10), box(50, 50, 5, 5)];
    expect(matchedBoxes(predicted, gold)).toBe(1);
    const s = boxScore([[predicted, gold]]);
    expect([s.truePositives, s.predicted, s.actual]).toEqual([1, 3, 2]);
  });
});

describe('fuseBoxes against its reference output', () => {
  type Snapshot = {
    objects: Array<{ score: number } & Record<string, unknown>>;
    drawRate: number[];
    prior: number[];
    localization: number[];
    taskConfidence: number[];
  };
  /** Same objects, boxes and members bit for bit; probabilities to 1e-12 (summation order). */
  const expectSame = (actual: Snapshot, expected: Snapshot) => {
    expect(actual.objects.map(({ score: _, ...o }) => o)).toEqual(
      expected.objects.map(({ score: _, ...o }) => o),
    );
    const close = (a: number[], b: number[]) => {
      expect(a).toHaveLength(b.length);
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12));
    };
    close(
      actual.objects.map(o => o.score),
      expected.objects.map(o => o.score),
    );
    for (const key of ['drawRate', 'prior', 'localization', 'taskConfidence'] as const) {
      close(actual[key], expected[key]);
    }
  };

  it('gives the output of the Set-based implementation on the ped_boxes_even excerpt and a synthetic set', () => {
    const reference = JSON.parse(
      readFileSync(
        join(__dirname, '../../../fixtures/aggregation/box-fusion-reference.json'),
        'utf8',
      ),
    );
    const { ped, synthetic } = referenceInputs();
    expect(reference.ped.objects.length).toBeGreaterThan(20);
    expectSame(JSON.parse(JSON.stringify(fusionSnapshot(ped))), reference.ped);
    expectSame(JSON.parse(JSON.stringify(fusionSnapshot(synthetic))), reference.synthetic);
  });
});

describe('clusterTable', () => {
  it('flattens images, workers, clusters and drawing patterns in order', () => {
    const images = [
      { task: 2, workers: [1, 4], clusters: [[7, 3], [5]] },
      { task: 5, workers: [0, 1, 4], clusters: [[8]] },
    ];
    const workerOf = Int32Array.from([0, 0, 0, 1, 0, 4, 0, 4, 1]);
    const table = clusterTable(images, workerOf, 5);
    expect(Array.from(table.imageTask)).toEqual([2, 5]);
    expect(Array.from(table.workerOffset)).toEqual([0, 2, 5]);
    expect(Array.from(table.imageWorkers)).toEqual([1, 4, 0, 1, 4]);
    expect(Array.from(table.clusterOffset)).toEqual([0, 2, 3]);
    expect(Array.from(table.clusterImage)).toEqual([0, 0, 1]);
    expect(Array.from(table.memberBoxes)).toEqual([7, 3, 5, 8]);
    expect(Array.from(table.memberOffset)).toEqual([0, 2, 3, 4]);
    // Cluster 0: workers 4 (box 7) and 1 (box 3); cluster 1: worker 4; cluster 2: worker 1.
    expect(Array.from(table.drewOffset)).toEqual([0, 2, 4, 7]);
    expect(Array.from(table.drew)).toEqual([1, 1, 0, 1, 0, 1, 0]);
  });
});
