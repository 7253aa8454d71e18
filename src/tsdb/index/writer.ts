// Writes an index file (format v2) the way Prometheus 2.42's index.Writer lays it out:
// header, symbols, 16-byte aligned series, label indices, postings, label offset table,
// postings offset table, TOC. Everything is built in memory and written in one go.
import { writeFileSynced } from '../fsync.js';
import { PromtsError, type Labels } from '../../model/index.js';
import { Enc } from './enc.js';
import { INDEX_MAGIC, INDEX_VERSION_2, SERIES_ALIGN, type ChunkMeta } from './reader.js';
import { compareLabelKv, compareUtf8 } from './strings.js';

export interface IndexSeriesInput {
  readonly labels: Labels;
  /**
   * Chunk metas in time order: objects, or packed as (ref, mint, maxt) triples, which a
   * streaming block writer keeps instead of an object per chunk.
   */
  readonly chunks: readonly ChunkMeta[] | Float64Array;
}

/** Input the index format cannot hold (series out of order, overlapping chunks): a caller bug. */
export class IndexWriteError extends PromtsError {
  constructor(message: string) {
    super('index_write', message, 'pass series sorted by labels with time-ordered, non-overlapping chunks');
  }
}

/**
 * Encodes an index for series given in label order (Go byte order; checked). `extraSymbols`
 * join the symbol table beside the series' own strings: Prometheus's compactor writes the
 * union of its sources' symbol tables, including strings of series it dropped.
 */
export function encodeIndex(series: readonly IndexSeriesInput[], extraSymbols: Iterable<string> = []): Buffer {
  // Symbols: every label name and value, sorted by UTF-8 bytes.
  // Prometheus's head always holds the all-series postings key ("", ""), so "" is a symbol
  // of every block it writes; keep it for byte-identical output.
  const symSet = new Set<string>(['']);
  for (const s of series) for (const x of s.labels.kv) symSet.add(x);
  for (const x of extraSymbols) symSet.add(x);
  const symbols = [...symSet].sort(compareUtf8);
  const symIdx = new Map<string, number>();
  symbols.forEach((s, i) => symIdx.set(s, i));

  const e = new Enc(1 << 20);
  e.be32(INDEX_MAGIC);
  e.byte(INDEX_VERSION_2);

  const toc = { symbols: 0, series: 0, labelIndices: 0, labelIndicesTable: 0, postings: 0, postingsTable: 0 };
  toc.symbols = e.len;
  e.be32(0); // len, patched below
  const symStart = e.len;
  e.be32(symbols.length);
  for (const s of symbols) e.uvarintStr(s);
  e.be32At(e.len - symStart, toc.symbols);
  e.crcFrom(symStart);

  // Series, collecting postings as we go: name -> value -> ids (ids ascend with the loop).
  toc.series = e.len;
  const all: number[] = [];
  const post = new Map<string, Map<string, number[]>>();
  const body = new Enc(1 << 12);
  let prev: readonly string[] | undefined;
  for (const s of series) {
    const kv = s.labels.kv;
    if (prev && compareLabelKv(prev, kv) >= 0) throw new IndexWriteError(`out-of-order series added with label set ${s.labels.toString()}`);
    prev = kv;
    e.pad(SERIES_ALIGN);
    const id = e.len / SERIES_ALIGN;
    all.push(id);
    body.len = 0;
    body.uvarint(kv.length / 2);
    for (let i = 0; i < kv.length; i += 2) {
      body.uvarint(symIdx.get(kv[i]!)!);
      body.uvarint(symIdx.get(kv[i + 1]!)!);
      let m = post.get(kv[i]!);
      if (!m) post.set(kv[i]!, (m = new Map()));
      const ids = m.get(kv[i + 1]!);
      if (ids) ids.push(id);
      else m.set(kv[i + 1]!, [id]);
    }
    const cs = s.chunks;
    const packed = cs instanceof Float64Array;
    const n = packed ? cs.length / 3 : cs.length;
    body.uvarint(n);
    let t0 = 0;
    let ref0 = 0;
    for (let i = 0; i < n; i++) {
      let ref: number, mint: number, maxt: number;
      if (packed) {
        ref = cs[3 * i]!;
        mint = cs[3 * i + 1]!;
        maxt = cs[3 * i + 2]!;
      } else {
        const c = cs[i]!;
        ref = c.ref;
        mint = c.mint;
        maxt = c.maxt;
      }
      if (maxt < mint) throw new IndexWriteError(`chunk maxT ${maxt} is less than minT ${mint}`);
      if (i === 0) {
        body.varint(mint);
        body.uvarint(maxt - mint);
        body.uvarint(ref);
      } else {
        if (mint <= t0) throw new IndexWriteError(`chunk minT ${mint} is not higher than previous chunk maxT ${t0}`);
        body.uvarint(mint - t0);
        body.uvarint(maxt - mint);
        body.varint(ref - ref0);
      }
      t0 = maxt;
      ref0 = ref;
    }
    e.uvarint(body.len);
    const at = e.len;
    e.bytes(body.view());
    e.crcFrom(at);
  }

  const names = [...post.keys()].sort(compareUtf8);
  const sortedValues = new Map<string, string[]>();
  for (const n of names) sortedValues.set(n, [...post.get(n)!.keys()].sort(compareUtf8));

  // Label indices (unused by readers since 2.x, still written by 2.42): one per name.
  toc.labelIndices = e.len;
  const labelIndexOffsets: number[] = [];
  for (const n of names) {
    e.pad(4);
    labelIndexOffsets.push(e.len);
    const lenAt = e.len;
    e.be32(0);
    const start = e.len;
    const vals = sortedValues.get(n)!;
    e.be32(1);
    e.be32(vals.length);
    for (const v of vals) e.be32(symIdx.get(v)!);
    e.be32At(e.len - start, lenAt);
    e.crcFrom(start);
  }

  // Postings: the all-series list under ("", ""), then every name/value pair in order.
  toc.postings = e.len;
  e.pad(4);
  const postingsOffsets: { name: string; value: string; off: number }[] = [];
  const writePosting = (name: string, value: string, ids: readonly number[]): void => {
    e.pad(4);
    postingsOffsets.push({ name, value, off: e.len });
    e.be32(4 + ids.length * 4);
    const start = e.len;
    e.be32(ids.length);
    for (const id of ids) e.be32(id);
    e.crcFrom(start);
  };
  writePosting('', '', all);
  for (const n of names) {
    const m = post.get(n)!;
    for (const v of sortedValues.get(n)!) writePosting(n, v, m.get(v)!);
  }

  toc.labelIndicesTable = e.len;
  {
    const lenAt = e.len;
    e.be32(0);
    const start = e.len;
    e.be32(names.length);
    names.forEach((n, i) => {
      e.uvarint(1);
      e.uvarintStr(n);
      e.uvarint(labelIndexOffsets[i]!);
    });
    e.be32At(e.len - start, lenAt);
    e.crcFrom(start);
  }

  toc.postingsTable = e.len;
  {
    const lenAt = e.len;
    e.be32(0);
    const start = e.len;
    e.be32(postingsOffsets.length);
    for (const p of postingsOffsets) {
      e.uvarint(2);
      e.uvarintStr(p.name);
      e.uvarintStr(p.value);
      e.uvarint(p.off);
    }
    e.be32At(e.len - start, lenAt);
    e.crcFrom(start);
  }

  const tocStart = e.len;
  e.be64(toc.symbols);
  e.be64(toc.series);
  e.be64(toc.labelIndices);
  e.be64(toc.labelIndicesTable);
  e.be64(toc.postings);
  e.be64(toc.postingsTable);
  e.crcFrom(tocStart);
  return e.view();
}

/** Writes the index to `path` and fsyncs it. */
export function writeIndexFile(path: string, series: readonly IndexSeriesInput[], extraSymbols?: Iterable<string>): number {
  return writeFileSynced(path, encodeIndex(series, extraSymbols));
}
