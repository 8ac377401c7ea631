/**
 * BIO tags for text spans, and the crowd input every span aggregator reads.
 *
 * Tag codes for E entity types: 0 = O, 1 + 2e = B-e, 2 + 2e = I-e (so T = 1 + 2E tags). A tag
 * sequence is well-formed when every I-e follows B-e or I-e of the same type; only well-formed
 * sequences map one-to-one onto non-overlapping spans.
 *
 * Reading a worker's spans never fails on overlap inside the allowed input: spans are painted in
 * order of start (then longest first), and a later span that overlaps an earlier one is cut to
 * the tokens still free, which is what a BIO column can hold. Decoding (`decodeWellFormed`) is a
 * Viterbi pass over per-token log scores with the transitions O → I-e and X → I-e (X not of type
 * e) forbidden, so whatever the scores, the result is well-formed (Lafferty et al. 2001's
 * constrained decoding; the same rule as BSC-seq's output layer, Simpson & Gurevych 2019).
 */

/** One span over tokens: [start, end) with an entity-type index. */
export interface TokenSpan {
  readonly start: number;
  readonly end: number;
  readonly type: number;
}

/**
 * Crowd span annotations in typed arrays. Task t owns tokens [tokenOffset[t], tokenOffset[t+1]).
 * Annotation a is worker `annotationWorker[a]`'s full BIO column for task `annotationTask[a]`:
 * tags at `tags[tagOffset[a] … tagOffset[a] + length of that task)`. A task may have no annotation.
 */
export interface SpanCrowd {
  readonly nTypes: number;
  readonly nWorkers: number;
  readonly tokenOffset: Int32Array;
  readonly annotationTask: Int32Array;
  readonly annotationWorker: Int32Array;
  readonly tagOffset: Int32Array;
  readonly tags: Int32Array;
  /**
   * Optional: a vocabulary id per token (`wordIds`: lowercased), for aggregators that read the
   * words (span-type-dawid-skene.ts); the others ignore it.
   */
  readonly words?: Int32Array;
}

/**
 * Token words → vocabulary ids, one per token in task order (the layout of `tokenOffset`),
 * lowercased so that a sentence in capitals ("TORONTO") shares its words with the others.
 */
export function wordIds(tokens: ReadonlyArray<readonly string[]>): Int32Array {
  const vocabulary = new Map<string, number>();
  const ids = new Int32Array(tokens.reduce((n, sentence) => n + sentence.length, 0));
  let i = 0;
  for (const sentence of tokens) {
    for (const token of sentence) {
      const word = token.toLowerCase();
      let id = vocabulary.get(word);
      if (id === undefined) vocabulary.set(word, (id = vocabulary.size));
      ids[i++] = id;
    }
  }
  return ids;
}

/** Number of BIO tags for `nTypes` entity types. */
export function tagCount(nTypes: number): number {
  return 1 + 2 * nTypes;
}

/** True when tag `to` may follow tag `from` (from = -1: the sentence start). */
export function isAllowedTransition(from: number, to: number): boolean {
  if (to === 0 || (to & 1) === 1) return true; // O or B-e
  return from > 0 && (from - 1) >> 1 === (to - 2) >> 1; // I-e after B-e or I-e
}

/** Paints spans into a BIO column of `length` tokens (overlaps cut, see the header). */
export function spansToTags(
  spans: readonly TokenSpan[],
  length: number,
  out?: Int32Array,
): Int32Array {
  const tags = out ?? new Int32Array(length);
  tags.fill(0, 0, length);
  const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end || a.type - b.type);
  for (const span of ordered) {
    let open = false;
    for (let i = Math.max(0, span.start); i < Math.min(length, span.end); i++) {
      if (tags[i] !== 0) {
        open = false;
        continue;
      }
      tags[i] = open ? 2 + 2 * span.type : 1 + 2 * span.type;
      open = true;
    }
  }
  return tags;
}

/**
 * Spans of a tag column. A span starts at B-e, or at an I-e that does not continue an e span
 * (the lenient IOB reading the datasets use), and runs over the following I-e.
 */
export function tagsToSpans(tags: ArrayLike<number>, start = 0, end = tags.length): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let open = -1;
  let openType = -1;
  for (let i = start; i <= end; i++) {
    const tag = i < end ? tags[i] : 0;
    const type = tag === 0 ? -1 : (tag - 1) >> 1;
    const continues = tag !== 0 && (tag & 1) === 0 && type === openType;
    if (open >= 0 && !continues) {
      spans.push({ start: open - start, end: i - start, type: openType });
      open = -1;
      openType = -1;
    }
    if (tag !== 0 && !continues) {
      open = i;
      openType = type;
    }
  }
  return spans;
}

/**
 * The best well-formed tag sequence for one sentence: maximises Σ_i score[i][tag_i] +
 * Σ_i transition[tag_{i−1}][tag_i] over sequences with no forbidden transition. `scores` is
 * row-major n × T (log scale); `transition` (T × T, log scale, optional) and `initial` (T) add
 * sequence preferences; forbidden moves are excluded whatever their values. Ties go to the lower
 * tag index. Writes into `out` (length ≥ n) and returns it.
 */
export function decodeWellFormed(
  scores: Float64Array,
  n: number,
  T: number,
  out: Int32Array,
  transition?: Float64Array,
  initial?: Float64Array,
): Int32Array {
  if (n === 0) return out;
  const best = new Float64Array(n * T);
  const back = new Int32Array(n * T);
  for (let k = 0; k < T; k++) {
    best[k] = isAllowedTransition(-1, k) ? scores[k] + (initial ? initial[k] : 0) : -Infinity;
  }
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < T; k++) {
      let top = -Infinity;
      let arg = 0;
      for (let j = 0; j < T; j++) {
        if (!isAllowedTransition(j, k)) continue;
        const value = best[(i - 1) * T + j] + (transition ? transition[j * T + k] : 0);
        if (value > top) {
          top = value;
          arg = j;
        }
      }
      best[i * T + k] = top + scores[i * T + k];
      back[i * T + k] = arg;
    }
  }
  let last = 0;
  for (let k = 1; k < T; k++) if (best[(n - 1) * T + k] > best[(n - 1) * T + last]) last = k;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = last;
    last = back[i * T + last];
  }
  return out;
}

/** True when the column is well-formed (no I-e without a preceding B-e / I-e of type e). */
export function isWellFormed(tags: ArrayLike<number>, start = 0, end = tags.length): boolean {
  for (let i = start; i < end; i++) {
    if (!isAllowedTransition(i === start ? -1 : tags[i - 1], tags[i])) return false;
  }
  return true;
}

/**
 * Checks the crowd arrays once, at the door: offsets monotone, indexes in range, tags valid.
 * Throws RangeError (pure code; callers map it to their own error).
 */
export function validateSpanCrowd(crowd: SpanCrowd): void {
  const { tokenOffset, annotationTask, annotationWorker, tagOffset, tags } = crowd;
  if (!(Number.isInteger(crowd.nTypes) && crowd.nTypes >= 0)) {
    throw new RangeError('nTypes must be a non-negative integer');
  }
  if (tokenOffset.length < 1 || tokenOffset[0] !== 0) {
    throw new RangeError('tokenOffset must start with 0');
  }
  for (let t = 1; t < tokenOffset.length; t++) {
    if (tokenOffset[t] < tokenOffset[t - 1]) throw new RangeError(`tokenOffset decreases at ${t}`);
  }
  const nTasks = tokenOffset.length - 1;
  const nAnnotations = annotationTask.length;
  if (annotationWorker.length !== nAnnotations || tagOffset.length !== nAnnotations + 1) {
    throw new RangeError('annotation arrays differ in length');
  }
  const T = tagCount(crowd.nTypes);
  for (let a = 0; a < nAnnotations; a++) {
    const t = annotationTask[a];
    if (!(t >= 0 && t < nTasks)) throw new RangeError(`annotation ${a}: task ${t} out of range`);
    const w = annotationWorker[a];
    if (!(w >= 0 && w < crowd.nWorkers)) {
      throw new RangeError(`annotation ${a}: worker ${w} out of range`);
    }
    if (tagOffset[a + 1] - tagOffset[a] !== tokenOffset[t + 1] - tokenOffset[t]) {
      throw new RangeError(`annotation ${a}: its tags do not cover task ${t}'s tokens`);
    }
  }
  if (tagOffset[0] !== 0 || tagOffset[nAnnotations] !== tags.length) {
    throw new RangeError('tagOffset must run from 0 to tags.length');
  }
  for (let i = 0; i < tags.length; i++) {
    if (!(tags[i] >= 0 && tags[i] < T)) throw new RangeError(`tag ${tags[i]} out of range`);
  }
  if (crowd.words) {
    if (crowd.words.length !== tokenOffset[nTasks]) {
      throw new RangeError('words must have one id per token');
    }
    for (const id of crowd.words)
      if (!(id >= 0)) throw new RangeError(`word id ${id} out of range`);
  }
}

/** One worker's spans for one task, as read from a file or the API (indexes already dense). */
export interface SpanAnnotation {
  readonly task: number;
  readonly worker: number;
  readonly spans: readonly TokenSpan[];
}

/**
 * Builds the typed crowd arrays from per-task token counts and span annotations (in the given
 * order). Spans must lie inside their task and have a type below `nTypes` (RangeError otherwise).
 * `words` (optional, `wordIds`) is carried as the crowd's `words`.
 */
export function buildSpanCrowd(
  taskLengths: ArrayLike<number>,
  annotations: readonly SpanAnnotation[],
  nTypes: number,
  nWorkers: number,
  words?: Int32Array,
): SpanCrowd {
  const tokenOffset = new Int32Array(taskLengths.length + 1);
  for (let t = 0; t < taskLengths.length; t++) tokenOffset[t + 1] = tokenOffset[t] + taskLengths[t];
  const annotationTask = new Int32Array(annotations.length);
  const annotationWorker = new Int32Array(annotations.length);
  const tagOffset = new Int32Array(annotations.length + 1);
  annotations.forEach((annotation, a) => {
    const length = taskLengths[annotation.task];
    if (length === undefined) throw new RangeError(`annotation ${a}: task out of range`);
    tagOffset[a + 1] = tagOffset[a] + length;
  });
  const tags = new Int32Array(tagOffset[annotations.length]);
  annotations.forEach((annotation, a) => {
    const length = tagOffset[a + 1] - tagOffset[a];
    for (const span of annotation.spans) {
      if (!(span.start >= 0 && span.end > span.start && span.end <= length)) {
        throw new RangeError(`annotation ${a}: span [${span.start}, ${span.end}) outside the task`);
      }
      if (!(Number.isInteger(span.type) && span.type >= 0 && span.type < nTypes)) {
        throw new RangeError(`annotation ${a}: span type ${span.type} out of range`);
      }
    }
    annotationTask[a] = annotation.task;
    annotationWorker[a] = annotation.worker;
    spansToTags(annotation.spans, length, tags.subarray(tagOffset[a], tagOffset[a + 1]));
  });
  const crowd = {
    nTypes,
    nWorkers,
    tokenOffset,
    annotationTask,
    annotationWorker,
    tagOffset,
    tags,
    ...(words ? { words } : {}),
  };
  validateSpanCrowd(crowd);
  return crowd;
}

/** Output shared by the span aggregators. */
export interface SpanAggregation {
  /** Well-formed BIO tags per token (all O for a task with no annotation). */
  readonly tags: Int32Array;
  /** Posterior tag marginals, nTokens × T (rows of unannotated tasks are all zero). */
  readonly marginals: Float64Array;
  /** Per task: the smallest posterior marginal of a decoded tag (0 when unannotated). */
  readonly taskConfidence: Float64Array;
  /** nWorkers × T × T, `confusion[(w * T + k) * T + l]` = P(w tags l | true tag k). */
  readonly confusion: Float64Array;
  /** EM iterations run. */
  readonly iterations: number;
}

/** The spans of task t in an aggregation (token indexes relative to the task). */
export function spansOfTask(crowd: SpanCrowd, tags: Int32Array, t: number): TokenSpan[] {
  return tagsToSpans(tags, crowd.tokenOffset[t], crowd.tokenOffset[t + 1]);
}

/**
 * Decodes every annotated task of `marginals` into well-formed tags (max Σ log marginal under
 * the BIO constraint, optional log transitions) and its confidence: the smallest marginal of a
 * decoded tag. `annotated[t]` says whether task t has at least one annotation.
 */
export function decodeTasks(
  crowd: SpanCrowd,
  marginals: Float64Array,
  annotated: Uint8Array,
  transition?: Float64Array,
  initial?: Float64Array,
): { tags: Int32Array; taskConfidence: Float64Array } {
  const T = tagCount(crowd.nTypes);
  const nTasks = crowd.tokenOffset.length - 1;
  const tags = new Int32Array(crowd.tokenOffset[nTasks]);
  const taskConfidence = new Float64Array(nTasks);
  for (let t = 0; t < nTasks; t++) {
    if (!annotated[t]) continue;
    const from = crowd.tokenOffset[t];
    const n = crowd.tokenOffset[t + 1] - from;
    const scores = new Float64Array(n * T);
    for (let j = 0; j < n * T; j++) scores[j] = Math.log(marginals[from * T + j] + 1e-300);
    decodeWellFormed(scores, n, T, tags.subarray(from, from + n), transition, initial);
    let confidence = 1;
    for (let i = from; i < from + n; i++)
      confidence = Math.min(confidence, marginals[i * T + tags[i]]);
    taskConfidence[t] = confidence;
  }
  return { tags, taskConfidence };
}

/** annotated[t] = 1 when task t has at least one annotation. */
export function annotatedTasks(crowd: SpanCrowd): Uint8Array {
  const annotated = new Uint8Array(crowd.tokenOffset.length - 1);
  for (const t of crowd.annotationTask) annotated[t] = 1;
  return annotated;
}
