/**
 * Stored task results → what clients read: the `TaskResult` shape (abstention applied) and the
 * CSV / JSONL export files. Pure: the service loads the rows.
 *
 * CSV (RFC 4180, header row, `\n` line ends): task_id,external_id,label,confidence,answers,reviewed.
 * `label` is the consensus key; for multi-label projects the consensus keys joined by `|` (label
 * keys never contain it), empty when the set is empty. `label` is empty before any answer and
 * when abstaining; `confidence` is empty only before any answer (an abstained row keeps it, so
 * the threshold can be re-applied downstream). Numbers are written in full precision. `reviewed`
 * is `true` where an expert's review decision replaced the aggregate label (src/modules/review).
 *
 * JSONL: one JSON object per line and task, with `labels` (array or null), `label`, `confidence`,
 * `abstained`, `posterior` (key → probability), `answers`, `is_gold`, `gold_labels`, `reviewed`.
 */

/** A task's stored result, as loaded from the `tasks` table. */
export interface StoredTaskResult {
  readonly taskId: string;
  readonly externalId: string | null;
  readonly status: string;
  readonly consensusLabels: readonly string[] | null;
  readonly consensusConfidence: number | null;
  readonly posterior: readonly number[] | null;
  readonly answerCount: number;
  readonly isGold: boolean;
  readonly goldLabels: readonly string[] | null;
}

/** A result with abstention applied and the posterior labelled by key. */
export interface PresentedTaskResult {
  readonly taskId: string;
  readonly externalId: string | null;
  readonly status: string;
  readonly labels: string[] | null;
  readonly label: string | null;
  readonly confidence: number | null;
  readonly abstained: boolean;
  readonly posterior: Array<{ key: string; probability: number }> | null;
  readonly answerCount: number;
  readonly isGold: boolean;
  readonly goldLabels: string[] | null;
  /** Whether a review decision replaced the aggregate labels. */
  readonly reviewed: boolean;
}

/**
 * Applies `abstainBelow` (labels withheld when confidence < threshold) and labels the posterior
 * with the schema's keys. A posterior shorter than the schema (labels appended after the run)
 * covers the keys it has. `reviewedLabels` (a reviewer's final decision) replace the aggregate
 * labels and are never withheld.
 */
export function presentTaskResult(
  row: StoredTaskResult,
  schema: { readonly kind: string; readonly keys: readonly string[] },
  abstainBelow?: number | null,
  reviewedLabels?: readonly string[] | null,
): PresentedTaskResult {
  const confidence = row.consensusConfidence;
  const reviewed = reviewedLabels != null;
  const abstained =
    !reviewed &&
    row.consensusLabels !== null &&
    abstainBelow != null &&
    !(confidence !== null && confidence >= abstainBelow);
  const labels = reviewed
    ? [...reviewedLabels]
    : row.consensusLabels === null || abstained
      ? null
      : [...row.consensusLabels];
  return {
    taskId: row.taskId,
    externalId: row.externalId,
    status: row.status,
    labels,
    label: schema.kind === 'SINGLE_CHOICE' ? (labels?.[0] ?? null) : null,
    confidence,
    abstained,
    posterior:
      row.posterior === null
        ? null
        : row.posterior
            .slice(0, schema.keys.length)
            .map((probability, k) => ({ key: schema.keys[k], probability })),
    answerCount: row.answerCount,
    isGold: row.isGold,
    goldLabels: row.goldLabels === null ? null : [...row.goldLabels],
    reviewed,
  };
}

/** MIME types of the export formats. */
export const EXPORT_CONTENT_TYPES = { CSV: 'text/csv', JSONL: 'application/x-ndjson' } as const;

/** The CSV export's header row, without its line end. */
export const RESULTS_CSV_HEADER = 'task_id,external_id,label,confidence,answers,reviewed';

/** One CSV row of the export (see the file header), without its line end. */
export function resultCsvRow(result: PresentedTaskResult): string {
  return [
    csvField(result.taskId),
    csvField(result.externalId ?? ''),
    csvField(result.labels?.join('|') ?? ''),
    result.confidence === null ? '' : String(result.confidence),
    String(result.answerCount),
    String(result.reviewed),
  ].join(',');
}

/** One JSONL line of the export (see the file header), without its line end. */
export function resultJsonLine(result: PresentedTaskResult): string {
  return JSON.stringify({
    task_id: result.taskId,
    external_id: result.externalId,
    status: result.status,
    labels: result.labels,
    label: result.label,
    confidence: result.confidence,
    abstained: result.abstained,
    posterior:
      result.posterior === null
        ? null
        : Object.fromEntries(result.posterior.map(({ key, probability }) => [key, probability])),
    answers: result.answerCount,
    is_gold: result.isGold,
    gold_labels: result.goldLabels,
    reviewed: result.reviewed,
  });
}

/** The CSV export of `results` (see the file header). */
export function resultsToCsv(results: Iterable<PresentedTaskResult>): string {
  const lines = [RESULTS_CSV_HEADER];
  for (const result of results) lines.push(resultCsvRow(result));
  return `${lines.join('\n')}\n`;
}

/** The JSONL export of `results` (see the file header). */
export function resultsToJsonl(results: Iterable<PresentedTaskResult>): string {
  let content = '';
  for (const result of results) content += `${resultJsonLine(result)}\n`;
  return content;
}

/** RFC 4180: quote fields holding a comma, quote, CR or LF; double inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
