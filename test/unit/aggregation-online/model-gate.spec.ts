import {
  MODEL_GATE_MIN_ACCURACY,
  type ModelGateInput,
  modelGateDecision,
} from '../../../src/modules/aggregation/online/algorithms/model-gate';
import { wilsonInterval } from '../../../src/modules/quality/algorithms/wilson-interval';

/** A model right on 30 of 30 gold, sure of label 0, one agreeing human, a confident posterior. */
const open: ModelGateInput = {
  modelGoldAnswers: 30,
  modelGoldCorrect: 30,
  modelLabel: 0,
  modelConfidence: 0.99,
  humanLabels: [0],
  topLabel: 0,
  posteriorConfidence: 0.99,
  confidenceTarget: 0.95,
};

describe(modelGateDecision.name, () => {
  it('opens for a model trusted on gold, sure of the task, with one agreeing human', () => {
    const decision = modelGateDecision(open);
    expect(decision.open).toBe(true);
    expect(decision.trusted).toBe(true);
    expect(decision.goldAccuracyLower).toBe(wilsonInterval(30, 30).lower);
  });

  it('judges trust by the Wilson lower bound, not the raw accuracy', () => {
    // 10 of 10 is a perfect record but too little gold: the lower bound is about 0.72.
    const few = modelGateDecision({ ...open, modelGoldAnswers: 10, modelGoldCorrect: 10 });
    expect(few.goldAccuracyLower).toBeLessThan(MODEL_GATE_MIN_ACCURACY);
    expect(few).toMatchObject({ open: false, trusted: false });
    // 22 of 22 is the least all-correct record at or above 0.85 (21 of 21: 0.845).
    expect(modelGateDecision({ ...open, modelGoldAnswers: 21, modelGoldCorrect: 21 }).trusted).toBe(
      false,
    );
    expect(modelGateDecision({ ...open, modelGoldAnswers: 22, modelGoldCorrect: 22 }).trusted).toBe(
      true,
    );
    expect(modelGateDecision({ ...open, modelGoldAnswers: 0, modelGoldCorrect: 0 })).toMatchObject({
      open: false,
      goldAccuracyLower: 0,
    });
  });

  it('stays shut when any other condition fails', () => {
    expect(modelGateDecision({ ...open, modelConfidence: 0.94 }).open).toBe(false);
    expect(modelGateDecision({ ...open, humanLabels: [] }).open).toBe(false);
    expect(modelGateDecision({ ...open, humanLabels: [1, 1] }).open).toBe(false);
    expect(modelGateDecision({ ...open, topLabel: 1 }).open).toBe(false);
    expect(modelGateDecision({ ...open, posteriorConfidence: 0.949 }).open).toBe(false);
    expect(modelGateDecision({ ...open, confidenceTarget: null }).open).toBe(false);
    // One agreeing human among disagreeing ones is enough for the gate itself.
    expect(modelGateDecision({ ...open, humanLabels: [1, 0] }).open).toBe(true);
  });

  it('takes its threshold from the caller when given', () => {
    const lower = wilsonInterval(30, 30).lower;
    expect(modelGateDecision({ ...open, minAccuracy: lower + 1e-9 }).open).toBe(false);
    expect(modelGateDecision({ ...open, minAccuracy: lower }).open).toBe(true);
  });
});
