/**
 * Span-level type re-estimation after a sequence model: the entity type of every decoded span is
 * chosen again by a Dawid–Skene model over span types, with the span's words as extra evidence.
 *
 * Why: HMM-crowd with BSC-seq's worker model (hmm-crowd.ts) finds span boundaries well, but a
 * third of its false entities on conll_mturk_val have the gold boundaries and the wrong type. Its
 * worker model spends T × T × T cells per worker (9³ for 4 types) on tags in context, so the
 * type confusions it learns for a worker who marked a few hundred entities are mostly prior. A
 * model of the type alone has E × E cells per worker, learned from every span that worker marked
 * with exactly the decoded boundaries.
 *
 * Model, given the decoded spans S (the items) and, per span s, the workers who marked exactly
 * [s.start, s.end) with some type (the answers):
 *
 *   Dawid & Skene (1979) over the E types: P(worker w says type l | true type k) = π_w[k][l],
 *   priors p[k], EM from majority vote (`dawidSkene` of ../dawid-skene.ts, stopping on the
 *   marginal log-likelihood, tolerance 1e-7), giving q_s[k]. A span no worker marked exactly
 *   keeps its type (q_s one-hot).
 *   Word evidence (optional, `crowd.words`: a vocabulary id per token, lowercased): the type
 *   distribution of each word over all decoded spans, c[v][k] = Σ_{s ∋ v} q_s[k], read leave-one-out
 *   (span s's own contribution removed) and smoothed by α = `wordPrior`:
 *     score_s[k] = log q_s[k] + λ Σ_{i ∈ s} log((c[v_i][k] − n_s(v_i) q_s[k] + α) / Σ_k' (…)),
 *   λ = `wordWeight`: naive Bayes with the words of the other spans as a type lexicon, learned
 *   from the crowd's posterior and not from gold (the word features of HMM-crowd, Nguyen et al.
 *   ACL 2017, here for the type only). The span takes the type of the highest score.
 *
 * Boundaries are those of the base decoding, so the output stays well-formed: B-k then I-k.
 * λ = 1 and α = 0.5 were picked by split-half on conll_mturk_val (sentences with an even task
 * index pick, odd ones report: bench/kinds-studies.ts), like hmm-crowd's priors.
 *
 * Confidence: an O token keeps its base marginal; a token of a span of type k gets the base mass
 * of its position's tags over all types (B-* at the span start, I-* inside) times q_s[k] (the
 * normalised score), and a task's confidence is its smallest token confidence. `marginals` are
 * the base model's, before re-typing.
 *
 * Pure; deterministic (spans in task order, answers in annotation order).
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the
 * EM Algorithm", JRSS C 28(1), 1979. A. T. Nguyen, B. C. Wallace, J. J. Li, A. Nenkova and
 * M. Lease, "Aggregating and Predicting Sequence Labels from Crowd Annotations", ACL 2017.
 * E. Simpson and I. Gurevych, "A Bayesian Approach for Sequence Tagging with Crowds", EMNLP 2019.
 */
import { dawidSkene } from '../dawid-skene';
import {
  SpanAggregation,
  SpanCrowd,
  TokenSpan,
  annotatedTasks,
  spansOfTask,
  tagCount,
  tagsToSpans,
  validateSpanCrowd,
} from './bio-tags';
import { HmmCrowdOptions, HmmCrowdResult, hmmCrowd } from './hmm-crowd';

/** λ and α of the header (split-half choice, bench/kinds-studies.ts). */
export const DEFAULT_WORD_WEIGHT = 1;
export const DEFAULT_WORD_PRIOR = 0.5;

/** Options of `retypeSpans`. */
export interface SpanTypeOptions {
  /** λ: weight of the word evidence (0: types from the span-level Dawid–Skene alone). */
  readonly wordWeight?: number;
  /** α: pseudo-count of every (word, type) cell. */
  readonly wordPrior?: number;
}

/** Re-types the spans of `base` (see the header). */
export function retypeSpans(
  crowd: SpanCrowd,
  base: SpanAggregation,
  options: SpanTypeOptions = {},
): SpanAggregation {
  validateSpanCrowd(crowd);
  const E = crowd.nTypes;
  const T = tagCount(E);
  const nTasks = crowd.tokenOffset.length - 1;
  const wordWeight = options.wordWeight ?? DEFAULT_WORD_WEIGHT;
  const decoded: TokenSpan[][] = [];
  const firstSpan = new Int32Array(nTasks + 1);
  for (let t = 0; t < nTasks; t++) {
    decoded.push(spansOfTask(crowd, base.tags, t));
    firstSpan[t + 1] = firstSpan[t] + decoded[t].length;
  }
  const nSpans = firstSpan[nTasks];
  // Answers: a worker's span with exactly a decoded span's boundaries, labelled by its type.
  const item: number[] = [];
  const answerWorker: number[] = [];
  const answerType: number[] = [];
  for (let a = 0; a < crowd.annotationTask.length; a++) {
    const t = crowd.annotationTask[a];
    const column = crowd.tags.subarray(crowd.tagOffset[a], crowd.tagOffset[a + 1]);
    for (const s of tagsToSpans(column)) {
      const j = decoded[t].findIndex(d => d.start === s.start && d.end === s.end);
      if (j < 0) continue;
      item.push(firstSpan[t] + j);
      answerWorker.push(crowd.annotationWorker[a]);
      answerType.push(s.type);
    }
  }
  const q = new Float64Array(nSpans * E);
  for (let t = 0; t < nTasks; t++) {
    decoded[t].forEach((s, j) => (q[(firstSpan[t] + j) * E + s.type] = 1));
  }
  if (item.length > 0 && E > 0) {
    const fit = dawidSkene(
      {
        nTasks: nSpans,
        nWorkers: crowd.nWorkers,
        nLabels: E,
        task: Int32Array.from(item),
        worker: Int32Array.from(answerWorker),
        label: Int32Array.from(answerType),
      },
      { stopOn: 'log-likelihood', tolerance: 1e-7 },
    );
    const answered = new Uint8Array(nSpans);
    for (const i of item) answered[i] = 1;
    for (let i = 0; i < nSpans; i++) {
      if (answered[i]) q.set(fit.probabilities.subarray(i * E, (i + 1) * E), i * E);
    }
  }
  const score = new Float64Array(nSpans * E);
  for (let j = 0; j < nSpans * E; j++) score[j] = Math.log(q[j] + 1e-12);
  if (crowd.words && wordWeight > 0) addWordEvidence(crowd, decoded, firstSpan, q, score, options);
  const tags = base.tags.slice();
  const confidence = new Float64Array(tags.length);
  for (let i = 0; i < tags.length; i++) confidence[i] = base.marginals[i * T + tags[i]];
  for (let t = 0; t < nTasks; t++) {
    const from = crowd.tokenOffset[t];
    decoded[t].forEach((s, j) => {
      const row = score.subarray((firstSpan[t] + j) * E, (firstSpan[t] + j + 1) * E);
      let type = 0;
      for (let k = 1; k < E; k++) if (row[k] > row[type]) type = k;
      let total = 0;
      for (let k = 0; k < E; k++) total += Math.exp(row[k] - row[type]);
      const share = 1 / total;
      for (let i = from + s.start; i < from + s.end; i++) {
        const inside = i > from + s.start ? 1 : 0;
        tags[i] = 1 + inside + 2 * type;
        let mass = 0;
        for (let k = 0; k < E; k++) mass += base.marginals[i * T + 1 + inside + 2 * k];
        confidence[i] = mass * share;
      }
    });
  }
  const annotated = annotatedTasks(crowd);
  const taskConfidence = new Float64Array(nTasks);
  for (let t = 0; t < nTasks; t++) {
    if (!annotated[t]) continue;
    let c = 1;
    for (let i = crowd.tokenOffset[t]; i < crowd.tokenOffset[t + 1]; i++) {
      c = Math.min(c, confidence[i]);
    }
    taskConfidence[t] = c;
  }
  return { ...base, tags, taskConfidence };
}

/** Adds λ × the leave-one-out word log-likelihoods of the header to `score`. */
function addWordEvidence(
  crowd: SpanCrowd,
  decoded: readonly TokenSpan[][],
  firstSpan: Int32Array,
  q: Float64Array,
  score: Float64Array,
  options: SpanTypeOptions,
): void {
  const words = crowd.words!;
  const E = crowd.nTypes;
  const wordWeight = options.wordWeight ?? DEFAULT_WORD_WEIGHT;
  const wordPrior = options.wordPrior ?? DEFAULT_WORD_PRIOR;
  let nWords = 0;
  for (const v of words) nWords = Math.max(nWords, v + 1);
  const counts = new Float64Array(nWords * E);
  decoded.forEach((spans, t) =>
    spans.forEach((s, j) => {
      const span = firstSpan[t] + j;
      for (let i = crowd.tokenOffset[t] + s.start; i < crowd.tokenOffset[t] + s.end; i++) {
        for (let k = 0; k < E; k++) counts[words[i] * E + k] += q[span * E + k];
      }
    }),
  );
  decoded.forEach((spans, t) =>
    spans.forEach((s, j) => {
      const span = firstSpan[t] + j;
      const from = crowd.tokenOffset[t] + s.start;
      const to = crowd.tokenOffset[t] + s.end;
      for (let i = from; i < to; i++) {
        let own = 0; // occurrences of this word in the span itself, left out
        for (let m = from; m < to; m++) if (words[m] === words[i]) own++;
        let total = 0;
        for (let k = 0; k < E; k++) {
          total += Math.max(0, counts[words[i] * E + k] - own * q[span * E + k]) + wordPrior;
        }
        for (let k = 0; k < E; k++) {
          const other = Math.max(0, counts[words[i] * E + k] - own * q[span * E + k]);
          score[span * E + k] += wordWeight * Math.log((other + wordPrior) / total);
        }
      }
    }),
  );
}

/** HMM-crowd (hmm-crowd.ts), then its spans re-typed (`retypeSpans`): the default for spans. */
export function hmmCrowdTyped(
  crowd: SpanCrowd,
  options: HmmCrowdOptions & SpanTypeOptions = {},
): HmmCrowdResult {
  const base = hmmCrowd(crowd, options);
  return { ...base, ...retypeSpans(crowd, base, options) };
}
