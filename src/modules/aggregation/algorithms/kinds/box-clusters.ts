/**
 * The matched clusters of box fusion (step 1 of box-fusion.ts) as flat arrays in compressed
 * sparse row form: images → their answering workers, images → their clusters, clusters → their
 * member boxes, and each cluster's drawing pattern as one byte per worker of its image. The
 * existence EM (box-existence.ts), the coordinate fusion and the localization fit walk these
 * typed arrays in a fixed order (image, cluster, worker), where they used to walk per-image
 * lists and a Set of drawers per cluster on every iteration: at a million boxes the Sets and
 * their garbage took most of the time.
 */

/** Clusters of every answered image, flattened (see the header). */
export interface ClusterTable {
  readonly nImages: number;
  readonly nClusters: number;
  /** nImages: the task of each image (images in task order, only those with answers). */
  readonly imageTask: Int32Array;
  /** nImages + 1: image i's workers are `imageWorkers[workerOffset[i] … workerOffset[i + 1])`. */
  readonly workerOffset: Int32Array;
  /** Each image's answering workers, ascending (also those who drew nothing). */
  readonly imageWorkers: Int32Array;
  /** nImages + 1: image i's clusters are `clusterOffset[i] … clusterOffset[i + 1]`. */
  readonly clusterOffset: Int32Array;
  /** nClusters: the image of each cluster. */
  readonly clusterImage: Int32Array;
  /** nClusters + 1: cluster c's boxes are `memberBoxes[memberOffset[c] … memberOffset[c + 1])`. */
  readonly memberOffset: Int32Array;
  readonly memberBoxes: Int32Array;
  /**
   * nClusters + 1: `drew[drewOffset[c] + j]` is 1 when the j-th worker of c's image (in
   * `imageWorkers` order) has a box in c, else 0.
   */
  readonly drewOffset: Int32Array;
  readonly drew: Uint8Array;
}

/** One image's matching output: its task, its answering workers (ascending), its clusters. */
export interface MatchedImage {
  readonly task: number;
  readonly workers: readonly number[];
  readonly clusters: ReadonlyArray<readonly number[]>;
}

/** Flattens the matched images (their order and each cluster's member order are kept). */
export function clusterTable(
  images: readonly MatchedImage[],
  workerOf: Int32Array,
  nWorkers: number,
): ClusterTable {
  const nImages = images.length;
  const counts = countRows(images);
  const table = {
    nImages,
    nClusters: counts.clusters,
    imageTask: Int32Array.from(images, image => image.task),
    workerOffset: new Int32Array(nImages + 1),
    imageWorkers: new Int32Array(counts.workers),
    clusterOffset: new Int32Array(nImages + 1),
    clusterImage: new Int32Array(counts.clusters),
    memberOffset: new Int32Array(counts.clusters + 1),
    memberBoxes: new Int32Array(counts.members),
    drewOffset: new Int32Array(counts.clusters + 1),
    drew: new Uint8Array(counts.slots),
  };
  const slotOf = new Int32Array(nWorkers);
  let c = 0;
  images.forEach((image, i) => {
    const firstWorker = table.workerOffset[i];
    table.workerOffset[i + 1] = firstWorker + image.workers.length;
    image.workers.forEach((w, j) => {
      table.imageWorkers[firstWorker + j] = w;
      slotOf[w] = j;
    });
    table.clusterOffset[i + 1] = table.clusterOffset[i] + image.clusters.length;
    for (const members of image.clusters) {
      table.clusterImage[c] = i;
      const firstMember = table.memberOffset[c];
      table.memberOffset[c + 1] = firstMember + members.length;
      table.drewOffset[c + 1] = table.drewOffset[c] + image.workers.length;
      members.forEach((b, m) => {
        table.memberBoxes[firstMember + m] = b;
        table.drew[table.drewOffset[c] + slotOf[workerOf[b]]] = 1;
      });
      c++;
    }
  });
  return table;
}

/** Sizes of the table's arrays. */
function countRows(images: readonly MatchedImage[]): {
  workers: number;
  clusters: number;
  members: number;
  slots: number;
} {
  const counts = { workers: 0, clusters: 0, members: 0, slots: 0 };
  for (const image of images) {
    counts.workers += image.workers.length;
    counts.clusters += image.clusters.length;
    counts.slots += image.clusters.length * image.workers.length;
    for (const members of image.clusters) counts.members += members.length;
  }
  return counts;
}

/** Cluster c's member boxes as a plain list (for the output and the online posterior). */
export function membersOf(table: ClusterTable, c: number): number[] {
  return Array.from(table.memberBoxes.subarray(table.memberOffset[c], table.memberOffset[c + 1]));
}
