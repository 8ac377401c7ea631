/**
 * Existence of matched box clusters (step 2 of box fusion, box-fusion.ts): a latent class model
 * over the clusters' drawing patterns, fitted by EM over the flat cluster table
 * (box-clusters.ts).
 *
 * Model. Cluster c in image i has the workers S_c who drew it among the workers W_i who
 * answered i, and a size bucket s(c) by the area of its fused box, COCO's small / medium / large
 * (< 32², < 96², else), because small objects are missed far more often. A cluster is of a
 * latent class k: not an object (0), a clear object (1) or a hard one (2: occluded, far, in a
 * crowd; drawn by only some workers). Worker w draws a box in a cluster of class k and bucket s
 * with rate r_{k,w,s}: r_0 is w's false-positive rate, r_1 and r_2 their recall on clear and hard
 * objects; each bucket has a class prior ρ_s. Then
 *   P(k | c) ∝ ρ_s[k] Π_{w ∈ W_i} r_{k,w,s}^[w ∈ S_c] (1 − r_{k,w,s})^[w ∉ S_c],
 * P(exists) = 1 − P(0 | c).
 * Steps. Start: from each cluster's start value q (the share of workers who drew it, or the
 * previous round's P(exists)) as (1 − q)², q², 2q(1 − q). M-step: every rate is a Beta-smoothed
 * share pulled toward the crowd's pooled rate for (k, s) (`PRIOR_STRENGTH` = 2 pseudo-clusters),
 * the priors are shares with one pseudo-cluster per class. E-step: the posterior above. Stop when
 * no P(absent) moves by 1e-4. A worker who rarely misses makes an object they skipped less
 * likely; a worker who draws many spurious boxes adds little; the hard class keeps two or three
 * careful workers from being outvoted by the rest (with only two classes, recall fell from 0.893
 * to 0.875 on ped_boxes_even).
 *
 * Related: Branson, Van Horn & Perona, "Lean Crowdsourcing", CVPR 2017 (per-worker box models);
 * Dawid & Skene, JRSS C 28(1), 1979 (EM over latent classes).
 */
import { ClusterTable } from './box-clusters';

/** Number of size buckets (COCO small / medium / large). */
export const SIZE_BUCKETS = 3;

/** Latent classes of a cluster: not an object, a clearly visible object, a hard one. */
const ABSENT = 0;
const CLEAR = 1;
const HARD = 2;
const CLASSES = 3;

const PRIOR_STRENGTH = 2;
const CONVERGED = 1e-4;

/** The existence part of the model. */
export interface ExistenceRates {
  /**
   * CLASSES × nWorkers × SIZE_BUCKETS, `[(k * nWorkers + w) * SIZE_BUCKETS + s]`: P(w draws a
   * box in the cluster | class k, bucket s). Class 0's rate is the worker's false-positive rate,
   * classes 1 and 2 their recall on clear and on hard objects.
   */
  readonly drawRate: Float64Array;
  /** SIZE_BUCKETS × CLASSES: P(class | bucket). */
  readonly prior: Float64Array;
}

/** COCO size bucket of a box: 0 small (< 32²), 1 medium (< 96²), 2 large. */
export function sizeBucket(w: number, h: number): number {
  const area = w * h;
  return area < 32 * 32 ? 0 : area < 96 * 96 ? 1 : 2;
}

/**
 * EM over the latent classes of every cluster of `table` (header). `bucket[c]` is cluster c's
 * size bucket, `start[c]` its start value; returns the rates and P(exists) per cluster.
 * The E-step runs once per cluster type (`clusterTypes`), the M-step weighs each type by its
 * number of clusters: the same fixed point as a pass over every cluster, at a fraction of the
 * work when images go to the same groups of workers.
 */
export function fitExistence(
  table: ClusterTable,
  bucket: Int32Array,
  start: Float64Array,
  nWorkers: number,
  maxIterations: number,
): { rates: ExistenceRates; existence: Float64Array } {
  const types = clusterTypes(table, bucket);
  const everyCluster = Int32Array.from({ length: table.nClusters }, (_, c) => c);
  const initial = initialResponsibilities(start);
  let rates = maximizeRates(table, bucket, everyCluster, null, initial, nWorkers);
  let responsibilities: Float64Array = new Float64Array(types.count.length * CLASSES);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const next = typePosteriors(table, bucket, types, rates);
    let change = 0;
    if (iteration === 0) {
      // The start differs between clusters of one type: compare cluster by cluster.
      for (let c = 0; c < table.nClusters; c++) {
        const moved = next[types.typeOf[c] * CLASSES] - initial[c * CLASSES];
        change = Math.max(change, Math.abs(moved));
      }
    } else {
      for (let t = 0; t < types.count.length; t++) {
        const moved = next[t * CLASSES] - responsibilities[t * CLASSES];
        change = Math.max(change, Math.abs(moved));
      }
    }
    responsibilities = next;
    rates = maximizeRates(table, bucket, types.first, types.count, responsibilities, nWorkers);
    if (change < CONVERGED) break;
  }
  const existence = Float64Array.from(
    { length: table.nClusters },
    (_, c) =>
      1 - (maxIterations > 0 ? responsibilities[types.typeOf[c] * CLASSES] : initial[c * CLASSES]),
  );
  return { rates, existence };
}

/**
 * Clusters of one type have the same image workers (as a list), drawing pattern and size
 * bucket, hence the same posterior. `first[t]` is type t's first cluster, `count[t]` its size.
 */
interface ClusterTypes {
  readonly typeOf: Int32Array;
  readonly first: Int32Array;
  readonly count: Float64Array;
}

function clusterTypes(table: ClusterTable, bucket: Int32Array): ClusterTypes {
  const workerSets = new Map<string, number>();
  const setOf = Int32Array.from({ length: table.nImages }, (_, i) => {
    const key = table.imageWorkers
      .subarray(table.workerOffset[i], table.workerOffset[i + 1])
      .join();
    if (!workerSets.has(key)) workerSets.set(key, workerSets.size);
    return workerSets.get(key)!;
  });
  const typeIndex = new Map<number | string, number>();
  const typeOf = new Int32Array(table.nClusters);
  const first: number[] = [];
  const count: number[] = [];
  for (let c = 0; c < table.nClusters; c++) {
    const key = typeKey(table, c, setOf[table.clusterImage[c]] * SIZE_BUCKETS + bucket[c]);
    let t = typeIndex.get(key);
    if (t === undefined) {
      t = first.length;
      typeIndex.set(key, t);
      first.push(c);
      count.push(0);
    }
    typeOf[c] = t;
    count[t]++;
  }
  return { typeOf, first: Int32Array.from(first), count: Float64Array.from(count) };
}

/**
 * A key of (worker list and bucket as `group`, drawing pattern): a number while the pattern fits
 * in 20 bits beside the group (exact below 2^53), else a string.
 */
function typeKey(table: ClusterTable, c: number, group: number): number | string {
  const from = table.drewOffset[c];
  const to = table.drewOffset[c + 1];
  if (to - from > 20 || group >= 2 ** 32) {
    return `${group} ${table.drew.subarray(from, to).join('')}`;
  }
  let mask = 0;
  for (let j = from; j < to; j++) mask = mask * 2 + table.drew[j];
  return group * 2 ** 20 + mask;
}

/** E-step: P(class | pattern) of every type, from its first cluster. */
function typePosteriors(
  table: ClusterTable,
  bucket: Int32Array,
  types: ClusterTypes,
  rates: ExistenceRates,
): Float64Array {
  const logs = logRates(rates);
  const out = new Float64Array(types.first.length * CLASSES);
  for (let t = 0; t < types.first.length; t++) {
    const c = types.first[t];
    const i = table.clusterImage[c];
    const [from, to] = [table.workerOffset[i], table.workerOffset[i + 1]];
    const pattern = { drew: table.drew, at: table.drewOffset[c] };
    classPosterior(rates, logs, table.imageWorkers, from, to, pattern, bucket[c], out, t * CLASSES);
  }
  return out;
}

/** Soft start from each cluster's start value q (binomial-like weights). */
function initialResponsibilities(start: Float64Array): Float64Array {
  const out = new Float64Array(start.length * CLASSES);
  start.forEach((share, c) => {
    out[c * CLASSES + ABSENT] = (1 - share) * (1 - share);
    out[c * CLASSES + CLEAR] = share * share;
    out[c * CLASSES + HARD] = 2 * share * (1 - share);
  });
  return out;
}

/** log r and log(1 − r) of the draw rates. */
interface LogRates {
  readonly logDraw: Float64Array;
  readonly logMiss: Float64Array;
}

function logRates(model: ExistenceRates): LogRates {
  return {
    logDraw: model.drawRate.map(Math.log),
    logMiss: model.drawRate.map(r => Math.log(1 - r)),
  };
}

/**
 * E-step of one cluster: writes P(class | drawing pattern) into out[at … at + CLASSES). Its
 * workers are `workers[from … to)`; `pattern.drew[pattern.at + j]` says whether the j-th of them
 * drew it.
 */
function classPosterior(
  model: ExistenceRates,
  logs: LogRates,
  workers: Int32Array,
  from: number,
  to: number,
  pattern: { readonly drew: Uint8Array; readonly at: number },
  s: number,
  out: Float64Array,
  at: number,
): void {
  const { drew, at: drewAt } = pattern;
  const nWorkers = model.drawRate.length / (CLASSES * SIZE_BUCKETS);
  let top = -Infinity;
  for (let k = 0; k < CLASSES; k++) {
    let logp = Math.log(model.prior[s * CLASSES + k]);
    for (let j = from; j < to; j++) {
      const r = (k * nWorkers + workers[j]) * SIZE_BUCKETS + s;
      logp += drew[drewAt + j - from] ? logs.logDraw[r] : logs.logMiss[r];
    }
    out[at + k] = logp;
    top = Math.max(top, logp);
  }
  let total = 0;
  for (let k = 0; k < CLASSES; k++) total += out[at + k] = Math.exp(out[at + k] - top);
  for (let k = 0; k < CLASSES; k++) out[at + k] /= total;
}

/** P(exists) = 1 − P(absent) of a cluster drawn by `drew` among `workers`, in size bucket s. */
export function existenceProbability(
  model: ExistenceRates,
  workers: readonly number[],
  drew: ReadonlySet<number>,
  s: number,
): number {
  const out = new Float64Array(CLASSES);
  const pattern = Uint8Array.from(workers, w => (drew.has(w) ? 1 : 0));
  classPosterior(
    model,
    logRates(model),
    Int32Array.from(workers),
    0,
    workers.length,
    { drew: pattern, at: 0 },
    s,
    out,
    0,
  );
  return 1 - out[ABSENT];
}

/**
 * M-step: draw rates per (class, worker, bucket) and class priors per bucket, from the
 * responsibilities of `clusters[e]` at `responsibilities[e * CLASSES …]`, each counted `weight[e]`
 * times (once when `weight` is null).
 */
function maximizeRates(
  table: ClusterTable,
  bucket: Int32Array,
  clusters: Int32Array,
  weight: Float64Array | null,
  responsibilities: Float64Array,
  nWorkers: number,
): ExistenceRates {
  const size = CLASSES * nWorkers * SIZE_BUCKETS;
  const hits = new Float64Array(size);
  const seen = new Float64Array(size);
  const prior = new Float64Array(SIZE_BUCKETS * CLASSES).fill(1);
  const { imageWorkers, workerOffset, drew, drewOffset } = table;
  for (let e = 0; e < clusters.length; e++) {
    const c = clusters[e];
    const s = bucket[c];
    const from = workerOffset[table.clusterImage[c]];
    const to = workerOffset[table.clusterImage[c] + 1];
    for (let k = 0; k < CLASSES; k++) {
      const p =
        weight === null
          ? responsibilities[e * CLASSES + k]
          : weight[e] * responsibilities[e * CLASSES + k];
      prior[s * CLASSES + k] += p;
      for (let j = from; j < to; j++) {
        const r = (k * nWorkers + imageWorkers[j]) * SIZE_BUCKETS + s;
        seen[r] += p;
        if (drew[drewOffset[c] + j - from]) hits[r] += p;
      }
    }
  }
  for (let s = 0; s < SIZE_BUCKETS; s++) {
    let total = 0;
    for (let k = 0; k < CLASSES; k++) total += prior[s * CLASSES + k];
    for (let k = 0; k < CLASSES; k++) prior[s * CLASSES + k] /= total;
  }
  return { drawRate: smoothedRates(hits, seen, nWorkers), prior };
}

/** (hits + m·pooled) / (seen + m) per (class, worker, bucket), pooled over the workers. */
function smoothedRates(hits: Float64Array, seen: Float64Array, nWorkers: number): Float64Array {
  const rates = new Float64Array(CLASSES * nWorkers * SIZE_BUCKETS);
  for (let k = 0; k < CLASSES; k++) {
    for (let s = 0; s < SIZE_BUCKETS; s++) {
      let allHits = 0.5;
      let allSeen = 1;
      for (let w = 0; w < nWorkers; w++) {
        allHits += hits[(k * nWorkers + w) * SIZE_BUCKETS + s];
        allSeen += seen[(k * nWorkers + w) * SIZE_BUCKETS + s];
      }
      const pooled = allHits / allSeen;
      for (let w = 0; w < nWorkers; w++) {
        const j = (k * nWorkers + w) * SIZE_BUCKETS + s;
        const rate = (hits[j] + PRIOR_STRENGTH * pooled) / (seen[j] + PRIOR_STRENGTH);
        rates[j] = Math.min(1 - 1e-6, Math.max(1e-6, rate));
      }
    }
  }
  return rates;
}
