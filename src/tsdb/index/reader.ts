// Reads an index file (format v2) through the page cache (../paged_file.ts): symbols and the
// postings offset table are checked on open and decoded on first use; series entries and
// postings lists are read on demand.
import { PagedFile } from '../paged_file.js';
import { crc32c } from '../crc32c.js';
import { Labels } from '../../model/index.js';
import { Dec } from './dec.js';
import { IndexCorruptError } from './errors.js';
import { EMPTY_POSTINGS, merge } from './postings.js';
import { compareUtf8 } from './strings.js';

export const INDEX_MAGIC = 0xbaaad700;
export const INDEX_VERSION_2 = 2;
export const INDEX_HEADER_LEN = 5;
export const TOC_LEN = 6 * 8 + 4;
/** Series entries start at 16-byte boundaries; a series id is its offset / 16. */
export const SERIES_ALIGN = 16;

export interface TOC {
  symbols: number;
  series: number;
  labelIndices: number;
  labelIndicesTable: number;
  postings: number;
  postingsTable: number;
}

/** Where a chunk lives and the time range of its samples (both inclusive, ms). */
export interface ChunkMeta {
  ref: number;
  mint: number;
  maxt: number;
}

/** One series entry; reused by readSeries to avoid an allocation per call. */
export interface SeriesEntry {
  labels: Labels;
  chunks: ChunkMeta[];
}

interface NameEntry {
  values: string[];
  offsets: number[];
}

export class IndexReader {
  readonly toc: TOC;
  readonly version: number;
  // Decoded on first use: listing blocks or analyzing one of many needs neither, and a data
  // dir's symbol tables add up. Their checksums are verified on open all the same.
  private symbolTable: string[] | null = null;
  /** Label name -> sorted values with their postings offsets. '' holds the all-series postings. */
  private table: Map<string, NameEntry> | null = null;
  private names: string[] | null = null;
  /** Cursors over the two sections, checksums verified, not yet read. */
  private readonly symbolsAt: Dec | null;
  private readonly tableAt: Dec | null;

  private constructor(
    readonly file: string,
    private readonly f: PagedFile,
  ) {
    if (f.size < INDEX_HEADER_LEN + TOC_LEN) throw new IndexCorruptError(file, 0, `index file of ${f.size} bytes is too small to hold a header and TOC`);
    const h = f.readUncached(0, INDEX_HEADER_LEN);
    const magic = h.readUInt32BE(0);
    if (magic !== INDEX_MAGIC) throw new IndexCorruptError(file, 0, `invalid magic number ${magic.toString(16)}, want baaad700`);
    this.version = h[4]!;
    if (this.version !== INDEX_VERSION_2) throw new IndexCorruptError(file, 4, `unsupported index file version ${this.version} (promts reads version 2, written by Prometheus 2.x)`);
    this.toc = this.readTOC();
    this.symbolsAt = this.toc.symbols === 0 ? null : this.section(this.toc.symbols, 'read symbols');
    this.tableAt = this.toc.postingsTable === 0 ? null : this.section(this.toc.postingsTable, 'read postings table');
  }

  get symbols(): string[] {
    return (this.symbolTable ??= this.readSymbols());
  }

  private get postingsTable(): Map<string, NameEntry> {
    return (this.table ??= this.readPostingsTable());
  }

  static open(path: string): IndexReader {
    const f = PagedFile.open(path);
    try {
      return new IndexReader(path, f);
    } catch (e) {
      f.close();
      throw e;
    }
  }

  static fromBuffer(file: string, buf: Buffer): IndexReader {
    return new IndexReader(file, PagedFile.fromBuffer(file, buf));
  }

  size(): number {
    return this.f.size;
  }

  /** Closes the file (only when nothing reads this index any more). */
  close(): void {
    this.f.close();
  }

  /** A cursor over bytes [off, off + n) of the file. */
  private dec(off: number, n: number): Dec {
    const f = this.f;
    f.bytes(off, n);
    return new Dec(this.file, f.buf, f.at, f.at + Math.min(n, f.size - off), off - f.at);
  }

  private readTOC(): TOC {
    const at = this.f.size - TOC_LEN;
    const b = this.f.readUncached(at, TOC_LEN);
    const d = new Dec(this.file, b, 0, TOC_LEN - 4, at);
    const want = b.readUInt32BE(TOC_LEN - 4);
    const got = crc32c(b.subarray(0, TOC_LEN - 4));
    if (want !== got) d.fail(`read TOC: invalid checksum (stored ${hex(want)}, computed ${hex(got)})`);
    const toc = { symbols: d.be64(), series: d.be64(), labelIndices: d.be64(), labelIndicesTable: d.be64(), postings: d.be64(), postingsTable: d.be64() };
    for (const [k, v] of Object.entries(toc)) if (v > at) d.fail(`read TOC: ${k} section offset ${v} is past the TOC`, 0);
    return toc;
  }

  /**
   * Opens a `len <4b> | data | CRC32 <4b>` section at `off`, verifies its checksum and returns
   * a cursor over the data.
   */
  private section(off: number, name: string): Dec {
    const size = this.f.size;
    if (off + 4 > size) throw new IndexCorruptError(this.file, off, `${name}: section offset past end of file`);
    const head = this.dec(off, 4);
    const len = head.buf.readUInt32BE(head.pos);
    if (off + 4 + len + 4 > size) throw new IndexCorruptError(this.file, off, `${name}: section length ${len} runs past end of file (size ${size})`);
    const d = this.dec(off + 4, len + 4);
    d.end -= 4;
    const want = d.buf.readUInt32BE(d.end);
    const got = crc32c(d.buf.subarray(d.pos, d.end));
    if (want !== got) throw new IndexCorruptError(this.file, off, `${name}: invalid checksum (stored ${hex(want)}, computed ${hex(got)})`);
    return d;
  }

  private readSymbols(): string[] {
    const d = this.symbolsAt;
    if (d === null) return [];
    const n = d.be32();
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = d.uvarintStr();
    return out;
  }

  private readPostingsTable(): Map<string, NameEntry> {
    const table = new Map<string, NameEntry>();
    const d = this.tableAt;
    if (d === null) return table;
    const n = d.be32();
    let cur: NameEntry | undefined;
    let curName: string | undefined;
    for (let i = 0; i < n; i++) {
      const at = d.pos;
      const keys = d.uvarint();
      if (keys !== 2) d.fail(`read postings table: entry has ${keys} keys, want 2`, at);
      const name = d.uvarintStr();
      const value = d.uvarintStr();
      const off = d.uvarint();
      if (name !== curName) {
        curName = name;
        cur = { values: [], offsets: [] };
        table.set(name, cur);
      }
      cur!.values.push(value);
      cur!.offsets.push(off);
    }
    return table;
  }

  lookupSymbol(ref: number, d?: Dec): string {
    const s = this.symbols[ref];
    if (s === undefined) {
      if (d) d.fail(`unknown symbol reference ${ref} (table has ${this.symbols.length})`);
      throw new IndexCorruptError(this.file, undefined, `unknown symbol reference ${ref}`);
    }
    return s;
  }

  /** Label names of all series, sorted. */
  labelNames(): string[] {
    this.names ??= [...this.postingsTable.keys()].filter((n) => n !== '');
    return this.names.slice();
  }

  /** All values of a label name, sorted (empty when the name is unknown). */
  labelValues(name: string): readonly string[] {
    return this.postingsTable.get(name)?.values ?? [];
  }

  /** Series ids carrying name=value, sorted. */
  postings(name: string, value: string): Uint32Array {
    const e = this.postingsTable.get(name);
    if (!e) return EMPTY_POSTINGS;
    const i = bsearch(e.values, value);
    if (i < 0) return EMPTY_POSTINGS;
    return this.readPostings(e.offsets[i]!);
  }

  /** Union of the postings of several values of one name. */
  postingsForValues(name: string, values: Iterable<string>): Uint32Array {
    const lists: Uint32Array[] = [];
    for (const v of values) lists.push(this.postings(name, v));
    return merge(lists);
  }

  /** Every series id in the index. */
  allPostings(): Uint32Array {
    return this.postings('', '');
  }

  /** Calls fn for every value of `name` with its postings list, in value order. */
  forEachPostings(name: string, fn: (value: string, p: Uint32Array) => void): void {
    const e = this.postingsTable.get(name);
    if (!e) return;
    for (let i = 0; i < e.values.length; i++) fn(e.values[i]!, this.readPostings(e.offsets[i]!));
  }

  private readPostings(off: number): Uint32Array {
    const d = this.section(off, 'read postings');
    const n = d.be32();
    if (n * 4 !== d.remaining) d.fail(`postings list claims ${n} entries but holds ${d.remaining} bytes`);
    const out = new Uint32Array(n);
    const b = d.buf;
    let p = d.pos;
    for (let i = 0; i < n; i++, p += 4) out[i] = b.readUInt32BE(p);
    return out;
  }

  /** Reads series `id` (offset / 16) into `out`. */
  readSeries(id: number, out: SeriesEntry = { labels: Labels.EMPTY, chunks: [] }): SeriesEntry {
    const off = id * SERIES_ALIGN;
    const limit = this.f.size - TOC_LEN;
    if (off < this.toc.series || off >= limit) throw new IndexCorruptError(this.file, off, `series reference ${id} points outside the series section`);
    // An entry is `len uvarint | len bytes | CRC32`; most fit in the page its length is in.
    let d = this.dec(off, Math.min(limit - off, 10));
    const len = d.uvarint();
    const hdr = d.pos - (off - d.base);
    if (off + hdr + len + 4 > this.f.size) throw new IndexCorruptError(this.file, off, `series entry length ${len} runs past end of file`);
    if (d.pos + len + 4 <= d.buf.length) d.end = d.pos + len;
    else {
      d = this.dec(off + hdr, len + 4);
      d.end -= 4;
    }
    const want = d.buf.readUInt32BE(d.end);
    const got = crc32c(d.buf, d.pos, d.end);
    if (want !== got) throw new IndexCorruptError(this.file, off, `read series: invalid checksum (stored ${hex(want)}, computed ${hex(got)})`);
    const nl = d.uvarint();
    const kv: string[] = new Array(nl * 2);
    for (let i = 0; i < nl; i++) {
      kv[2 * i] = this.lookupSymbol(d.uvarint(), d);
      kv[2 * i + 1] = this.lookupSymbol(d.uvarint(), d);
    }
    out.labels = Labels.fromSortedFlat(kv);
    const nc = d.uvarint();
    const chunks = out.chunks;
    chunks.length = 0;
    let maxt = 0;
    let ref = 0;
    for (let i = 0; i < nc; i++) {
      let mint: number;
      if (i === 0) {
        mint = d.varint();
        maxt = mint + d.uvarint();
        ref = d.uvarint();
      } else {
        mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        ref += d.varint();
      }
      chunks.push({ ref, mint, maxt });
    }
    return out;
  }

  /** Number of series (entries of the all-series postings). */
  numSeries(): number {
    return this.allPostings().length;
  }
}

function bsearch(values: readonly string[], v: string): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareUtf8(values[mid]!, v);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
