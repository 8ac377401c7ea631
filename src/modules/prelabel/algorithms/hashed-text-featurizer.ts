/**
 * Hashed n-gram features of a text field (the hashing trick), deterministic across runs,
 * machines and languages. Version 1 of the rules, step by step:
 *
 *   1. Normalise: Unicode NFKC (`String.prototype.normalize('NFKC')`), then locale-independent
 *      lower-casing (`toLowerCase`, the Unicode default case mapping). Full-width letters,
 *      ligatures and compatibility forms fold to their plain forms (ｆｉ → fi, ﬁ → fi).
 *   2. Tokenise: a token is a maximal run of code points in the Unicode classes L (letters),
 *      M (marks), N (numbers), or '_'. Everything else separates tokens. Tokens of any length
 *      are kept (scikit-learn's default pattern drops one-character tokens; we keep them:
 *      "5 stars", "a+" carry signal in labeling tasks).
 *   3. The tokens are laid out once as UTF-8 in one buffer, " t₁ t₂ … tₘ ", single spaces
 *      around each token. Every n-gram below is then a contiguous byte range of that buffer.
 *   4. Word n-grams, n ∈ wordNgrams: tᵢ … tᵢ₊ₙ₋₁ joined by single spaces, for every i.
 *   5. Character n-grams, n ∈ charNgrams, inside each padded word " tᵢ " (scikit-learn's
 *      `char_wb` analyzer): every window of n code points; a padded word shorter than n is one
 *      n-gram by itself, and a padded word that is one window long is not counted again for a
 *      larger n.
 *   6. Hash: h = MurmurHash3_x86_32(UTF-8 bytes of the n-gram, seed) read as a signed 32-bit
 *      integer, with seed 0 for word n-grams and seed 1 for character n-grams (so the word "ab"
 *      and the character bigram "ab" are different features). Bucket j = |h| mod D; the value
 *      added is ξ = +1 if h ≥ 0, else −1: the signed hashing trick, which keeps inner products
 *      unbiased under collisions (Weinberger et al. 2009). Index and sign follow scikit-learn's
 *      HashingVectorizer(alternate_sign=True).
 *   7. Weighting, per bucket after accumulation: 'tf' keeps x_j = Σ ξ; 'log-tf' uses
 *      sign(x_j)·ln(1 + |x_j|) (sublinear term frequency; applied to buckets, so it differs from
 *      per-term log-tf only where terms collide).
 *   8. Normalisation: 'l2' scales the row to ‖x‖₂ = 1 (an all-zero row, e.g. empty text, stays
 *      zero); 'none' leaves it.
 *
 * Cost per row: one hash per n-gram, a clear of the D floats of the row (a memset), and the
 * weighting and normalisation over the touched buckets only, so a wide D costs little more than
 * a narrow one. Buffers live in a workspace reused across rows, so a batch allocates nothing per
 * row beyond the normalised string itself (JavaScript strings are immutable).
 *
 * K. Weinberger, A. Dasgupta, J. Langford, A. Smola, J. Attenberg, "Feature Hashing for Large
 * Scale Multitask Learning", ICML 2009. https://arxiv.org/abs/0902.2206
 */
import { HashedTextFeaturizerSpec, readFieldPath } from './featurizer-spec';
import { murmurHash3, writeCodePoint } from './murmur-hash3';
import { ROW_FEATURIZED, RowOutcome, rowSkip } from './row-outcome';

/** Seed of word n-gram hashes. */
export const WORD_NGRAM_SEED = 0;
/** Seed of character n-gram hashes. */
export const CHAR_NGRAM_SEED = 1;

const SPACE = 0x20;
/** One code point of a token (sticky, so `test` reads exactly the code point at lastIndex). */
const NON_ASCII_TOKEN_CHAR = /[\p{L}\p{M}\p{N}_]/uy;

/**
 * Scratch buffers of the text featurizer, reused across rows; grown (doubled) only when a text
 * is longer than any before.
 */
export interface TextWorkspace {
  /** UTF-8 of " t₁ t₂ … tₘ ". */
  bytes: Uint8Array;
  /** Byte offset of each code point of `bytes`, plus one past the end. */
  codePointOffsets: Int32Array;
  /** Code point index of each token's first code point. */
  tokenStart: Int32Array;
  /** Code point index one past each token's last code point. */
  tokenEnd: Int32Array;
  /** Distinct buckets written in the current row, `touchedCount` of them. */
  touched: Int32Array;
  touchedCount: number;
  /** marked[j] = 1 while bucket j is in `touched`; length D (sized on first use). */
  marked: Uint8Array;
}

/** A workspace sized for texts of about `initialLength` UTF-16 code units. */
export function createTextWorkspace(initialLength = 256): TextWorkspace {
  return {
    bytes: new Uint8Array(3 * initialLength + 2),
    codePointOffsets: new Int32Array(initialLength + 3),
    tokenStart: new Int32Array(initialLength + 1),
    tokenEnd: new Int32Array(initialLength + 1),
    touched: new Int32Array(initialLength),
    touchedCount: 0,
    marked: new Uint8Array(0),
  };
}

/**
 * Featurizes the text at `spec.field` of `payload` into `out[offset, offset + D)`, overwriting
 * the whole row. A missing field or a non-string value is a skip (the row is left all zeros).
 */
export function featurizeHashedText(
  spec: HashedTextFeaturizerSpec,
  path: readonly string[],
  payload: unknown,
  out: Float32Array,
  offset: number,
  workspace: TextWorkspace,
): RowOutcome {
  const D = spec.dimension;
  out.fill(0, offset, offset + D);
  const value = readFieldPath(payload, path);
  if (value === undefined || value === null) {
    return rowSkip('missing-field', `payload has no field ${spec.field}`);
  }
  if (typeof value !== 'string') {
    return rowSkip('wrong-type', `field ${spec.field} is a ${typeof value}, not a string`);
  }
  hashTextInto(spec, value, out, offset, workspace);
  return ROW_FEATURIZED;
}

/**
 * The feature row of `text` (steps 1–8 above) into `out[offset, offset + D)`, which must be
 * all zeros on entry.
 */
export function hashTextInto(
  spec: HashedTextFeaturizerSpec,
  text: string,
  out: Float32Array,
  offset: number,
  workspace: TextWorkspace,
): void {
  const D = spec.dimension;
  const tokens = layOutTokens(text.normalize('NFKC').toLowerCase(), workspace);
  const { bytes, codePointOffsets: cp, tokenStart, tokenEnd } = workspace;
  if (workspace.marked.length !== D) workspace.marked = new Uint8Array(D);
  workspace.touchedCount = 0;

  if (spec.wordNgrams !== null) {
    const [minN, maxN] = spec.wordNgrams;
    for (let n = minN; n <= maxN; n++) {
      for (let i = 0; i + n <= tokens; i++) {
        const h = murmurHash3(bytes, cp[tokenStart[i]], cp[tokenEnd[i + n - 1]], WORD_NGRAM_SEED);
        addSignedHash(out, offset, D, h, workspace);
      }
    }
  }
  if (spec.charNgrams !== null) {
    const [minN, maxN] = spec.charNgrams;
    for (let t = 0; t < tokens; t++) {
      // The padded word " tₜ " spans code points [tokenStart − 1, tokenEnd + 1).
      const wordStart = tokenStart[t] - 1;
      const wordLength = tokenEnd[t] + 1 - wordStart;
      for (let n = minN; n <= maxN; n++) {
        if (wordLength <= n) {
          const h = murmurHash3(bytes, cp[wordStart], cp[wordStart + wordLength], CHAR_NGRAM_SEED);
          addSignedHash(out, offset, D, h, workspace);
          break;
        }
        for (let s = wordStart; s + n <= wordStart + wordLength; s++) {
          const h = murmurHash3(bytes, cp[s], cp[s + n], CHAR_NGRAM_SEED);
          addSignedHash(out, offset, D, h, workspace);
        }
      }
    }
  }

  // Every bucket outside `touched` is zero, so steps 7 and 8 only visit the touched ones.
  const { touched, touchedCount, marked } = workspace;
  if (spec.weighting === 'log-tf') {
    for (let t = 0; t < touchedCount; t++) {
      const j = offset + touched[t];
      const x = out[j];
      // Bucket sums are integers: small ones come from a table of the same Math.log1p values.
      const magnitude = x < 0 ? -x : x;
      const log = magnitude < LOG1P_TABLE.length ? LOG1P_TABLE[magnitude] : Math.log1p(magnitude);
      out[j] = x < 0 ? -log : log;
    }
  }
  if (spec.normalization === 'l2') {
    let sumOfSquares = 0;
    for (let t = 0; t < touchedCount; t++) sumOfSquares += out[offset + touched[t]] ** 2;
    if (sumOfSquares > 0) {
      const scale = 1 / Math.sqrt(sumOfSquares);
      for (let t = 0; t < touchedCount; t++) out[offset + touched[t]] *= scale;
    }
  }
  for (let t = 0; t < touchedCount; t++) marked[touched[t]] = 0;
}

/** ln(1 + k) for k = 0…255. */
const LOG1P_TABLE = Float64Array.from({ length: 256 }, (_, k) => Math.log1p(k));

/** Step 6: bucket |h| mod D gets ξ = sign(h), h read as a signed 32-bit integer. */
function addSignedHash(
  out: Float32Array,
  offset: number,
  D: number,
  unsigned: number,
  workspace: TextWorkspace,
): void {
  const signed = unsigned | 0;
  // |−2³¹| = 2³¹ is exact in a double, so the minimum needs no special case.
  const bucket = Math.abs(signed) % D;
  out[offset + bucket] += signed >= 0 ? 1 : -1;
  if (workspace.marked[bucket] === 0) {
    workspace.marked[bucket] = 1;
    if (workspace.touchedCount === workspace.touched.length) {
      const grown = new Int32Array(workspace.touched.length * 2);
      grown.set(workspace.touched);
      workspace.touched = grown;
    }
    workspace.touched[workspace.touchedCount++] = bucket;
  }
}

/**
 * Writes " t₁ t₂ … tₘ " into the workspace (UTF-8 bytes, code point offsets, token bounds) and
 * returns m. `text` is already normalised.
 */
function layOutTokens(text: string, workspace: TextWorkspace): number {
  ensureCapacity(workspace, text.length);
  const { bytes, codePointOffsets, tokenStart, tokenEnd } = workspace;
  let bytePos = 0;
  let codePoints = 0;
  let tokens = 0;
  let inToken = false;
  // Leading pad.
  codePointOffsets[codePoints++] = bytePos;
  bytes[bytePos++] = SPACE;
  for (let i = 0; i < text.length;) {
    const c = text.codePointAt(i)!;
    const isTokenChar =
      c < 0x80
        ? (c >= 0x61 && c <= 0x7a) ||
          (c >= 0x30 && c <= 0x39) ||
          c === 0x5f ||
          (c >= 0x41 && c <= 0x5a)
        : isNonAsciiTokenChar(text, i);
    if (isTokenChar) {
      if (!inToken) {
        if (tokens > 0) {
          codePointOffsets[codePoints++] = bytePos;
          bytes[bytePos++] = SPACE;
        }
        tokenStart[tokens] = codePoints;
        inToken = true;
      }
      codePointOffsets[codePoints++] = bytePos;
      bytePos = writeCodePoint(c, bytes, bytePos);
    } else if (inToken) {
      tokenEnd[tokens++] = codePoints;
      inToken = false;
    }
    i += c > 0xffff ? 2 : 1;
  }
  if (inToken) tokenEnd[tokens++] = codePoints;
  // Trailing pad (also the pad of an empty text: " " with no tokens, which yields no n-grams).
  if (tokens > 0) {
    codePointOffsets[codePoints++] = bytePos;
    bytes[bytePos++] = SPACE;
  }
  codePointOffsets[codePoints] = bytePos;
  return tokens;
}

function isNonAsciiTokenChar(text: string, index: number): boolean {
  NON_ASCII_TOKEN_CHAR.lastIndex = index;
  return NON_ASCII_TOKEN_CHAR.test(text);
}

/**
 * Bounds for a normalised text of L UTF-16 units: at most L + 2 code points in the layout (one
 * separator per gap between tokens, and each gap consumed at least one unit), at most 3 bytes
 * per unit plus the two pads, at most L tokens.
 */
function ensureCapacity(workspace: TextWorkspace, length: number): void {
  if (workspace.codePointOffsets.length >= length + 3) return;
  let capacity = workspace.codePointOffsets.length;
  while (capacity < length + 3) capacity *= 2;
  workspace.bytes = new Uint8Array(3 * capacity + 2);
  workspace.codePointOffsets = new Int32Array(capacity + 3);
  workspace.tokenStart = new Int32Array(capacity + 1);
  workspace.tokenEnd = new Int32Array(capacity + 1);
}
