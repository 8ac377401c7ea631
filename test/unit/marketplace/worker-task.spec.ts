import 'reflect-metadata';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import { toWorkerTask, WorkerTask } from '../../../src/modules/marketplace/worker-task.type';

describe('toWorkerTask', () => {
  const project = {
    id: 'p1',
    name: 'Birds',
    instructions: 'Pick the bird',
    labelSchema: {
      kind: LabelSchemaKind.SINGLE_CHOICE,
      labels: [
        { key: 'crow', displayName: 'Crow', secret: 'x' } as { key: string; displayName: string },
        { key: 'owl', displayName: 'Owl' },
      ],
    },
    schemaVersion: 3,
    ownerId: 'requester-id',
  };
  // A gold task with everything a worker must never see.
  const goldTask = {
    id: 't1',
    projectId: 'p1',
    payload: { url: 'a.jpg' },
    externalId: 'gold-17',
    isGold: true,
    goldLabels: ['owl'],
    consensusLabels: ['owl'],
    consensusConfidence: 0.99,
    countedAnswers: 2,
    liveAssignments: 3,
    createdAt: new Date(0),
  };

  it('copies only the worker-safe fields', () => {
    const view = toWorkerTask(goldTask, project, {
      displayName: 'Ornithology Lab',
      email: 'lab@x',
    } as never);
    expect(view).toBeInstanceOf(WorkerTask);
    expect(Object.keys(view).sort()).toEqual([
      'id',
      'instructions',
      'labelSchema',
      'payload',
      'projectId',
      'projectName',
      'requesterDisplayName',
      'schemaVersion',
      'tokens',
    ]);
    expect(view.tokens).toBeNull();
    expect(view.labelSchema.settings).toEqual({ labels: ['crow', 'owl'] });
    expect(view.labelSchema.labels).toEqual([
      { key: 'crow', displayName: 'Crow' },
      { key: 'owl', displayName: 'Owl' },
    ]);
    const text = JSON.stringify(view);
    // The schema's own label list ends in "owl"] too (settings.labels), so the gold answer is
    // looked for by its field name.
    for (const secret of ['gold-17', 'goldLabels', '0.99', 'requester-id', 'lab@x', '1970']) {
      expect(text).not.toContain(secret);
    }
  });

  it('gives a gold task and an ordinary task the same shape', () => {
    const ordinary = { ...goldTask, isGold: false, goldLabels: null, externalId: 'item-3' };
    const a = toWorkerTask(goldTask, project, { displayName: 'Lab' });
    const b = toWorkerTask(ordinary, project, { displayName: 'Lab' });
    expect(b).toEqual(a);
  });

  it('refuses a task from another project', () => {
    expect(() =>
      toWorkerTask({ ...goldTask, projectId: 'p2' }, project, { displayName: 'Lab' }),
    ).toThrow();
  });
});
