/**
 * Dense indexes for string ids in order of first appearance: the task kinds' exporters, the
 * response encoder and the command line's file readers number tasks, workers and items this way.
 */
export class Interner {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `id`, new ones appended. */
  of(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  /** How many ids it has seen. */
  get size(): number {
    return this.ids.length;
  }

  /** The index of `id` if it was seen, without adding it. */
  find(id: string): number | undefined {
    return this.index.get(id);
  }
}
