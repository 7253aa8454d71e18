// WAL series ref -> pre-encoded labels for a remote-write queue, with the segment each
// series record was last read from (for Prometheus's SeriesReset after a checkpoint).
import { RefTable } from '../reftable.js';

interface Entry {
  /** null: known but dropped by write_relabel_configs. */
  readonly labels: Buffer | null;
  readonly segment: number;
}

export class SeriesTable {
  private readonly t = new RefTable<Entry>();

  get size(): number {
    return this.t.size;
  }

  /** Labels of ref; undefined when no series record was read for it. */
  get(ref: number): Buffer | null | undefined {
    return this.t.get(ref)?.labels;
  }

  set(ref: number, labels: Buffer | null, segment: number): void {
    this.t.set(ref, { labels, segment });
  }

  /** Forgets series last seen in a segment before `segment` (Prometheus's SeriesReset). */
  resetBefore(segment: number): void {
    this.t.forEach((e, ref) => {
      if (e.segment < segment) this.t.delete(ref);
    });
  }
}
