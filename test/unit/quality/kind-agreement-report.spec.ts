import { parseKindSettings } from '../../../src/modules/projects/kind-settings';
import type { LabelSchemaLike } from '../../../src/modules/projects/validate-project-settings';
import { kindAgreementReport } from '../../../src/modules/quality/kind-agreement';

function schema(kind: LabelSchemaLike['kind'], keys: string[]): LabelSchemaLike {
  return {
    kind,
    labels: keys.map(key => ({ key, displayName: key })),
    settings: parseKindSettings(kind, keys, {}),
  };
}

describe(kindAgreementReport.name, () => {
  it('gives spans their mean pairwise F1 and α at distance 1 − F1', () => {
    // t0: [PER 0–1] twice (F1 1); t1: [PER 0–2] and nothing (F1 0). Observed: (1 + 0) / 2.
    // α over a b | c d: D_o = (1/4)·(0 + 2·1/1) = 1/2; D_e: of the 6 pairs only a–b agree, 5/6.
    // α = 1 − (1/2)/(5/6) = 2/5.
    const span = (start: number, end: number) => ({ start, end, label: 'PER' });
    const sut = kindAgreementReport(schema('TEXT_SPANS', ['PER']), [
      { task: 't0', worker: 'w0', answer: { spans: [span(0, 1)] } },
      { task: 't0', worker: 'w1', answer: { spans: [span(0, 1)] } },
      { task: 't1', worker: 'w0', answer: { spans: [span(0, 2)] } },
      { task: 't1', worker: 'w1', answer: { spans: [] } },
    ])!;

    expect(sut.observedAgreement.value).toBeCloseTo(1 / 2, 14);
    expect(sut.krippendorffAlpha!.value).toBeCloseTo(2 / 5, 14);
    expect(sut).toMatchObject({
      alphaDistance: 'AGREEMENT',
      alphaExpectedExact: true,
      ratedTasks: 2,
      pairableTasks: 2,
    });
  });

  it('gives pairwise comparisons their agreement and no α', () => {
    const sut = kindAgreementReport(schema('PAIRWISE', []), [
      { task: 't0', worker: 'w0', answer: { preferred: 'a' } },
      { task: 't0', worker: 'w1', answer: { preferred: 'a' } },
      { task: 't1', worker: 'w0', answer: { preferred: 'c' } },
      { task: 't1', worker: 'w1', answer: { preferred: 'd' } },
    ])!;

    expect(sut.observedAgreement.value).toBeCloseTo(1 / 2, 14);
    expect(sut).toMatchObject({ krippendorffAlpha: null, alphaDistance: null });
  });

  it('leaves the choice kinds to the label-count statistics', () => {
    expect(kindAgreementReport(schema('SINGLE_CHOICE', ['a', 'b']), [])).toBeNull();
  });
});
