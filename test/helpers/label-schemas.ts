/**
 * Label schemas for fixtures, one `[key, displayName]` pair per label in schema order:
 * `singleChoice(['cat', 'Cat'], ['dog', 'Dog'])`. The same object serves a service call and a
 * GraphQL `LabelSchemaInput` variable.
 */
type LabelPair = [key: string, displayName: string];

function labelsOf(pairs: LabelPair[]) {
  return pairs.map(([key, displayName]) => ({ key, displayName }));
}

export function singleChoice(...labels: LabelPair[]) {
  return { kind: 'SINGLE_CHOICE' as const, labels: labelsOf(labels) };
}

export function multiLabel(...labels: LabelPair[]) {
  return { kind: 'MULTI_LABEL' as const, labels: labelsOf(labels) };
}
