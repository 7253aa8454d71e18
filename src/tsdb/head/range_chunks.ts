// The head's chunks over [mint, maxt], in label order, packed for the block writer (head
// compaction, snapshots): chunks inside the range with no tombstone on them are copied as they
// are (completed ones from chunks_head/, the open one from memory); a chunk that sticks out
// of the range, overlaps a tombstone or an earlier chunk is re-encoded with only the samples
// the block should hold. Copies chunk bytes, never decoded samples: ~1-2 bytes a sample.
import type { Interval, PackedChunkSeries } from '../block/index.js';
import { overlapsIntervals, PackedChunkSeriesBuilder, trimChunk } from '../block/index.js';
import type { Head } from './head.js';

/** Series between two yields to the event loop, so scrapes keep flowing while this runs. */
const YIELD_EVERY = 1000;
const NO_LABELS: readonly string[] = [];

/**
 * Packs every head series' chunks (or the kept parts of them) over [mint, maxt], both
 * inclusive, in label order. Series without samples in the range are left out. Yields to the
 * event loop every YIELD_EVERY series; series removed meanwhile are skipped.
 */
export async function packHeadRange(head: Head, mint: number, maxt: number): Promise<PackedChunkSeries> {
  const kvOf = (id: number): readonly string[] => head.getByRef(id)?.labels.kv ?? NO_LABELS;
  // sortByLabels may return the postings' cached order: read it, never write to it.
  const refs = head.postings.sortByLabels(head.selectRefs([]), kvOf);
  const b = new PackedChunkSeriesBuilder();
  for (let i = 0; i < refs.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
    const s = head.getByRef(refs[i]!);
    if (s === undefined) continue;
    const stones = head.tombstones.size === 0 ? undefined : head.tombstones.get(s.ref);
    const deleted: Interval[] | undefined = stones?.map(([a, z]) => ({ mint: a, maxt: z }));
    b.beginSeries(s.labels);
    // Lowest timestamp still wanted: the range start, then one past the last chunk added.
    let floor = mint;
    const add = (cMint: number, cMaxt: number, bytes: Uint8Array): void => {
      if (cMint >= floor && cMaxt <= maxt && (deleted === undefined || !overlapsIntervals(cMint, cMaxt, deleted))) {
        b.addChunk(cMint, cMaxt, bytes);
        floor = cMaxt + 1;
        return;
      }
      const t = trimChunk(bytes, floor, maxt, deleted);
      if (t === null) return;
      b.addChunk(t.mint, t.maxt, t.data);
      floor = t.maxt + 1;
    };
    for (let k = 0, n = s.mmCount(); k < n; k++) {
      const cMint = s.mmMint(k);
      const cMaxt = s.mmMaxt(k);
      if (cMint > maxt) break;
      if (cMaxt < floor) continue;
      add(cMint, cMaxt, head.chunkBytes(s.mmRef(k)));
    }
    const c = s.head;
    // Times first: they live on the series; numSamples() reads the chunk's buffer.
    if (c !== null && s.maxt >= floor && s.headMint <= maxt && c.numSamples() > 0) add(s.headMint, s.maxt, c.bytes());
    b.endSeries();
  }
  return b.build();
}
