/**
 * Token-level Dawid–Skene over BIO tags, with well-formed decoding.
 *
 * Every token is an item and every worker's tag for it an answer: worker w has a T × T confusion
 * matrix π_w[k][l] = P(w tags l | true tag k), learned across all the tasks they annotated, and
 * tags have priors p[k]. The EM of Dawid & Skene (1979) runs unchanged on these token answers
 * (`dawidSkene` of ../dawid-skene.ts, crowd-kit's initialisation and stopping), giving each token
 * a posterior over tags that ignores its neighbours. Decoding then picks, per sentence, the
 * well-formed tag sequence maximising Σ_i log P(tag_i) (Viterbi under the BIO constraint,
 * bio-tags.ts): a lone I-PER after O becomes B-PER or O, whichever the posteriors favour, so
 * the output is always a set of non-overlapping spans.
 *
 * The baseline of Simpson & Gurevych (EMNLP 2019, table 2: "Dawid-Skene", 74.4 F1 on the CoNLL
 * crowd test split) and of Nguyen et al. (ACL 2017).
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the
 * EM Algorithm", JRSS C 28(1), 1979.
 */
import { dawidSkene } from '../dawid-skene';
import { ResponseMatrix } from '../response-matrix';
import {
  SpanAggregation,
  SpanCrowd,
  annotatedTasks,
  decodeTasks,
  tagCount,
  validateSpanCrowd,
} from './bio-tags';

/** Options of `tokenDawidSkene`. */
export interface TokenDawidSkeneOptions {
  /** EM iteration cap (default 100, as dawidSkene). */
  readonly maxIterations?: number;
}

/** Token-level Dawid–Skene (see the header). Empty input → all-O tags, confidence 0. */
export function tokenDawidSkene(
  crowd: SpanCrowd,
  options: TokenDawidSkeneOptions = {},
): SpanAggregation {
  validateSpanCrowd(crowd);
  const T = tagCount(crowd.nTypes);
  const matrix = tokenResponses(crowd);
  const result = dawidSkene(matrix, { maxIterations: options.maxIterations });
  const { tags, taskConfidence } = decodeTasks(crowd, result.probabilities, annotatedTasks(crowd));
  return {
    tags,
    marginals: result.probabilities,
    taskConfidence,
    confusion:
      result.confusion.length > 0 ? result.confusion : new Float64Array(crowd.nWorkers * T * T),
    iterations: result.iterations,
  };
}

/** One answer per (annotation, token): task = global token index, label = the worker's tag. */
export function tokenResponses(crowd: SpanCrowd): ResponseMatrix {
  const R = crowd.tags.length;
  const task = new Int32Array(R);
  const worker = new Int32Array(R);
  for (let a = 0; a < crowd.annotationTask.length; a++) {
    const first = crowd.tokenOffset[crowd.annotationTask[a]];
    for (let r = crowd.tagOffset[a]; r < crowd.tagOffset[a + 1]; r++) {
      task[r] = first + r - crowd.tagOffset[a];
      worker[r] = crowd.annotationWorker[a];
    }
  }
  return {
    nTasks: crowd.tokenOffset[crowd.tokenOffset.length - 1],
    nWorkers: crowd.nWorkers,
    nLabels: tagCount(crowd.nTypes),
    task,
    worker,
    label: crowd.tags,
  };
}
