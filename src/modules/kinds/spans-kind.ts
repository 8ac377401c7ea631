/**
 * TEXT_SPANS: entity spans over a task's tokens. Token indexes, end exclusive, as in
 * `quorum aggregate --kind spans`.
 *
 * Tokens come from the payload by the schema's tokenization: WHITESPACE splits `textField` on
 * runs of whitespace; CHARACTER makes every non-whitespace code point a token (Chinese and
 * Japanese text, which has no spaces between words); PAYLOAD reads the string list `tokensField`
 * (tokens produced by the requester's own tokenizer).
 *
 * Gold: entity-level exact match (same start, end and type; CoNLL-2003) F1 of the answer against
 * the gold spans, 1 when both are empty; passes at F1 ≥ 0.8 unless the project sets its own
 * threshold. Aggregation input: BIO columns (`SpanCrowd`; overlapping spans are cut to the
 * tokens still free, as a BIO column requires). Confidence: HMM-crowd fitted on the task's
 * current answers, then its online posterior (`hmmCrowdTaskPosterior`): the smallest marginal of
 * a decoded tag.
 *
 * Exports: JSONL (`task_id, external_id, tokens, spans [{start, end, label}], confidence,
 * reviewed`; the spans as stored, overlaps included; `reviewed`: a reviewer's decision);
 * CoNLL BIO (`token TAG` per line, a blank line between tasks, whitespace inside a token written
 * as `_`); spaCy's v2 JSON training format (one document per task, BILUO `ner` tags).
 */
import {
  buildSpanCrowd,
  spansToTags,
  tagsToSpans,
  wordIds,
  type SpanCrowd,
  type TokenSpan,
} from '../aggregation/algorithms/kinds/bio-tags';
import { hmmCrowd, hmmCrowdTaskPosterior } from '../aggregation/algorithms/kinds/hmm-crowd';
import { spanF1 } from '../quality/algorithms/answer-agreement';
import {
  Interner,
  annotationsOf,
  answerList,
  fromPayload,
  isIndex,
  isKey,
  jsonlFile,
  okUnless,
  readFieldName,
  readKeyList,
  settingsObject,
  unsupportedFormat,
} from './kind-checks';
import type { KindIssue, TaskKind, TaskPayload } from './task-kind';

/** How a task's text becomes tokens. */
export type Tokenization = 'WHITESPACE' | 'CHARACTER' | 'PAYLOAD';

const TOKENIZATIONS: readonly Tokenization[] = ['WHITESPACE', 'CHARACTER', 'PAYLOAD'];

/** Most spans one answer may hold (a bound for hostile input; far above any real sentence). */
export const MAX_SPANS = 10_000;

/** Default pass threshold of span gold scoring: entity F1 ≥ 0.8. */
export const SPAN_GOLD_THRESHOLD = 0.8;

/** Parsed TEXT_SPANS settings. */
export interface SpanSettings {
  readonly entityTypes: readonly string[];
  readonly tokenization: Tokenization;
  /** Payload field with the text (WHITESPACE, CHARACTER). Default `text`. */
  readonly textField: string;
  /** Payload field with the token list (PAYLOAD). Default `tokens`. */
  readonly tokensField: string;
  /** Whether two spans of one answer may share a token. Default false. */
  readonly allowOverlap: boolean;
}

/** One labelled span: tokens [start, end), an entity type key. */
export interface LabelledSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** A TEXT_SPANS answer: its spans ordered by start, then end, then label. */
export interface SpanAnswer {
  readonly spans: readonly LabelledSpan[];
}

/** The task's tokens by the settings' tokenization, or null when the payload lacks them. */
export function tokensOf(settings: SpanSettings, payload: TaskPayload): string[] | null {
  if (settings.tokenization === 'PAYLOAD') {
    const tokens = payload[settings.tokensField];
    return Array.isArray(tokens) && tokens.every(t => typeof t === 'string') ? tokens : null;
  }
  const text = payload[settings.textField];
  if (typeof text !== 'string') return null;
  if (settings.tokenization === 'WHITESPACE') return text.split(/\s+/u).filter(t => t.length > 0);
  return Array.from(text).filter(c => !/\s/u.test(c));
}

function parseSettings(raw: unknown) {
  const issues: KindIssue[] = [];
  const object = settingsObject(raw, issues);
  const entityTypes = readKeyList(object, 'entityTypes', issues);
  const tokenization = (object.tokenization ?? 'WHITESPACE') as Tokenization;
  if (!TOKENIZATIONS.includes(tokenization)) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: 'settings.tokenization',
      reason: `tokenization is one of ${TOKENIZATIONS.join(', ')}`,
    });
  }
  const allowOverlap = object.allowOverlap ?? false;
  if (typeof allowOverlap !== 'boolean') {
    issues.push({ code: 'INVALID_SETTINGS', field: 'settings.allowOverlap', reason: 'a boolean' });
  }
  const textField = readFieldName(object, 'textField', 'text', issues);
  const tokensField = readFieldName(object, 'tokensField', 'tokens', issues);
  return okUnless<SpanSettings>(issues, () => ({
    entityTypes,
    tokenization,
    textField,
    tokensField,
    allowOverlap: allowOverlap === true,
  }));
}

function validateAnswer(settings: SpanSettings, payload: TaskPayload, raw: unknown) {
  const field = settings.tokenization === 'PAYLOAD' ? settings.tokensField : settings.textField;
  const read = fromPayload(tokensOf(settings, payload), field, 'the task has no tokens');
  if (!read.ok) return read;
  const tokens = read.value;
  const list = answerList(raw, 'spans', MAX_SPANS);
  if (!list.ok) return { ok: false, issues: list.issues } as const;
  const issues: KindIssue[] = [];
  const spans: LabelledSpan[] = [];
  list.value.forEach((span: unknown, i) => {
    const field = `answer.spans[${i}]`;
    const { start, end, label } = (span ?? {}) as Record<string, unknown>;
    if (!isIndex(start) || !isIndex(end)) {
      issues.push({
        code: 'MALFORMED_ANSWER',
        field,
        reason: 'start and end are integer token indexes',
      });
    } else if (start < 0 || end <= start || end > tokens.length) {
      issues.push({
        code: 'SPAN_OUT_OF_RANGE',
        field,
        reason: `a span covers tokens [start, end) with 0 ≤ start < end ≤ ${tokens.length}`,
      });
    } else if (!isKey(label) || !settings.entityTypes.includes(label)) {
      issues.push({
        code: 'UNKNOWN_LABEL',
        field: `${field}.label`,
        reason: 'not an entity type of the schema',
      });
    } else {
      spans.push({ start, end, label });
    }
  });
  spans.sort(
    (a, b) =>
      a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  const unique = spans.filter(
    (s, i) =>
      i === 0 ||
      s.start !== spans[i - 1].start ||
      s.end !== spans[i - 1].end ||
      s.label !== spans[i - 1].label,
  );
  if (!settings.allowOverlap && issues.length === 0) {
    let reach = 0;
    for (const span of unique) {
      if (span.start < reach) {
        issues.push({
          code: 'SPAN_OVERLAP',
          field: 'answer.spans',
          reason: `the span at tokens [${span.start}, ${span.end}) overlaps another; the schema forbids overlaps`,
        });
        break;
      }
      reach = Math.max(reach, span.end);
    }
  }
  return okUnless<SpanAnswer>(issues, () => ({ spans: unique }));
}

function typed(settings: SpanSettings, spans: readonly LabelledSpan[]): TokenSpan[] {
  return spans.map(s => ({
    start: s.start,
    end: s.end,
    type: settings.entityTypes.indexOf(s.label),
  }));
}

/** The well-formed BIO column of an answer (overlaps cut as in `spansToTags`). */
function tagColumn(settings: SpanSettings, answer: SpanAnswer | null, length: number): Int32Array {
  return spansToTags(answer === null ? [] : typed(settings, answer.spans), length);
}

/** Tag names: 0 = O, 1 + 2e = B-e, 2 + 2e = I-e. */
function bioName(settings: SpanSettings, tag: number): string {
  if (tag === 0) return 'O';
  return `${tag & 1 ? 'B' : 'I'}-${settings.entityTypes[(tag - 1) >> 1]}`;
}

/** BILUO tags (spaCy) of a BIO column. */
function biluo(settings: SpanSettings, tags: Int32Array): string[] {
  const out = Array.from({ length: tags.length }, () => 'O');
  for (const span of tagsToSpans(tags)) {
    const type = settings.entityTypes[span.type];
    if (span.end - span.start === 1) {
      out[span.start] = `U-${type}`;
      continue;
    }
    for (let i = span.start; i < span.end; i++) out[i] = `I-${type}`;
    out[span.start] = `B-${type}`;
    out[span.end - 1] = `L-${type}`;
  }
  return out;
}

/** The TEXT_SPANS kind. */
export const spansKind: TaskKind<SpanSettings, SpanAnswer, SpanCrowd> = {
  name: 'TEXT_SPANS',
  goldThreshold: SPAN_GOLD_THRESHOLD,
  exportFormats: ['JSONL', 'CONLL', 'SPACY'],
  parseSettings,
  validateAnswer,

  scoreGold(settings, _payload, answer, gold, threshold = SPAN_GOLD_THRESHOLD) {
    const score = spanF1(typed(settings, answer.spans), typed(settings, gold.spans));
    return { score, pass: score >= threshold };
  },

  agreement(settings, a, b) {
    return spanF1(typed(settings, a.spans), typed(settings, b.spans));
  },

  // Span F1 has no fixed set of categories to count: α on its distance (Braylan et al. 2022).
  alphaDistance: { metric: 'AGREEMENT' },

  encode(settings, tasks) {
    const workers = new Interner();
    const sentences = tasks.map(task => tokensOf(settings, task.payload) ?? []);
    const lengths = sentences.map(tokens => tokens.length);
    const annotations = annotationsOf(tasks, workers, answer => ({
      spans: typed(settings, answer.spans),
    }));
    const input = buildSpanCrowd(
      lengths,
      annotations,
      settings.entityTypes.length,
      workers.ids.length,
      wordIds(sentences),
    );
    return {
      input,
      taskIds: tasks.map(t => t.taskId),
      workerIds: workers.ids,
      keys: settings.entityTypes,
    };
  },

  taskConfidence(settings, payload, answers) {
    const n = tokensOf(settings, payload)?.length ?? 0;
    if (answers.length === 0 || n === 0) return 0;
    const { input } = spansKind.encode(settings, [{ taskId: '', payload, answers }]);
    const { parameters } = hmmCrowd(input);
    const annotations = answers.map((_, a) => ({
      worker: input.annotationWorker[a],
      tags: input.tags.subarray(input.tagOffset[a], input.tagOffset[a] + n),
    }));
    return hmmCrowdTaskPosterior(parameters, n, annotations).confidence;
  },

  exportResults(format, settings, rows) {
    const columns = rows.map(row => {
      const tokens = tokensOf(settings, row.payload) ?? [];
      return { row, tokens, tags: tagColumn(settings, row.answer, tokens.length) };
    });
    if (format === 'JSONL') {
      return [
        jsonlFile(
          'spans.jsonl',
          columns.map(({ row, tokens }) => ({
            task_id: row.taskId,
            external_id: row.externalId,
            tokens,
            spans: row.answer?.spans ?? null,
            confidence: row.confidence,
            reviewed: row.reviewed ?? false,
          })),
        ),
      ];
    }
    if (format === 'CONLL') {
      const blocks = columns.map(({ tokens, tags }) =>
        tokens
          .map((token, i) => `${token.replace(/\s/gu, '_')} ${bioName(settings, tags[i])}\n`)
          .join(''),
      );
      return [{ name: 'spans.conll', contentType: 'text/plain', content: blocks.join('\n') }];
    }
    if (format === 'SPACY') {
      const docs = columns.map(({ row, tokens, tags }, id) => {
        const ner = biluo(settings, tags);
        return {
          id,
          meta: {
            task_id: row.taskId,
            external_id: row.externalId,
            reviewed: row.reviewed ?? false,
          },
          paragraphs: [
            { sentences: [{ tokens: tokens.map((orth, i) => ({ id: i, orth, ner: ner[i] })) }] },
          ],
        };
      });
      return [
        {
          name: 'spans.spacy.json',
          contentType: 'application/json',
          content: JSON.stringify(docs),
        },
      ];
    }
    throw unsupportedFormat('TEXT_SPANS', format);
  },
};
