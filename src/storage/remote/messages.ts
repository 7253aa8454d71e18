// prompb messages of remote write 1.0 and remote read (SAMPLES), built on proto.ts.
// Field numbers follow prompb/remote.proto and prompb/types.proto of Prometheus 2.42.
import { Labels } from '../../model/index.js';
import type { MetricType } from '../../storage/index.js';
import { ProtoDecodeError, ProtoReader, ProtoWriter } from './proto.js';

/**
 * Encodes a series' labels as repeated `Label` (field 1 of TimeSeries), once per series.
 * Sizes are computed first so the bytes go straight into one exactly-sized buffer (no
 * scratch writer, no length shifting, no copy).
 */
export function encodeLabels(lset: Labels): Buffer {
  const n = lset.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const l = labelLen(Buffer.byteLength(lset.name(i)), Buffer.byteLength(lset.value(i)));
    total += 1 + varintLen(l) + l;
  }
  const b = Buffer.allocUnsafe(total);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const name = lset.name(i);
    const value = lset.value(i);
    const nl = Buffer.byteLength(name);
    const vl = Buffer.byteLength(value);
    b[p++] = 0x0a;
    p = putUvarint(b, p, labelLen(nl, vl));
    b[p++] = 0x0a;
    p = putUvarint(b, p, nl);
    p += b.write(name, p, 'utf8');
    b[p++] = 0x12;
    p = putUvarint(b, p, vl);
    p += b.write(value, p, 'utf8');
  }
  return b;
}

/** Bytes of a Label message with a name of nl and a value of vl UTF-8 bytes. */
function labelLen(nl: number, vl: number): number {
  return 1 + varintLen(nl) + nl + 1 + varintLen(vl) + vl;
}

function putUvarint(b: Buffer, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

export interface MetadataEntry {
  readonly family: string;
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/** Scratch for one timestamp's varint (at most 10 bytes). */
const T_SCRATCH = new ProtoWriter(16);

const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

/**
 * Writes a WriteRequest with one TimeSeries per sample, as Prometheus 2.42's queue does
 * (its pendingData holds one sample per entry). `labels[i]` is the pre-encoded label bytes of
 * sample i's series.
 */
/** Exemplars of a request (send_exemplars): series labels and exemplar labels as encodeLabels bytes. */
export interface ExemplarBatch {
  readonly labels: readonly Buffer[];
  readonly exLabels: readonly Buffer[];
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly n: number;
}

export function encodeWriteRequest(w: ProtoWriter, labels: readonly Buffer[], ts: Float64Array, vs: Float64Array, n: number, metadata: readonly MetadataEntry[] = [], exemplars?: ExemplarBatch): Buffer {
  w.reset();
  // Samples of one scrape share a timestamp: its varint is encoded once per run of equal t.
  let lastT = NaN;
  let tLen = 0;
  const tb = T_SCRATCH.buf;
  // Keyed on the Buffer, not its ArrayBuffer: small pooled Buffers share one ArrayBuffer.
  let dvOf = w.buf;
  let dv = new DataView(dvOf.buffer, dvOf.byteOffset, dvOf.length);
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (t !== lastT) {
      T_SCRATCH.reset();
      T_SCRATCH.int64(t);
      tLen = T_SCRATCH.pos;
      lastT = t;
    }
    const lb = labels[i]!;
    // Sample = 0x09 + 8-byte value + 0x10 + varint(t): at most 20 bytes, so its length is one byte.
    const sampleLen = 10 + tLen;
    const seriesLen = lb.length + 2 + sampleLen;
    // Sizes are known up front, so bytes go straight in: no reserve-and-shift, no call per field.
    w.ensure(seriesLen + 6);
    const b = w.buf;
    if (dvOf !== b) {
      dvOf = b;
      dv = new DataView(b.buffer, b.byteOffset, b.length);
    }
    let p = w.pos;
    b[p++] = 0x0a;
    p = putUvarint(b, p, seriesLen);
    b.set(lb, p);
    p += lb.length;
    b[p++] = 0x12;
    b[p++] = sampleLen;
    b[p++] = 0x09;
    // DataView keeps NaN payloads (StaleNaN) exact; Buffer.writeDoubleLE would not.
    dv.setFloat64(p, vs[i]!, true);
    p += 8;
    b[p++] = 0x10;
    for (let k = 0; k < tLen; k++) b[p++] = tb[k]!;
    w.pos = p;
  }
  // Each exemplar goes in a TimeSeries of its own (labels + one Exemplar, no samples), as
  // Prometheus's queue manager sends them.
  if (exemplars) {
    for (let i = 0; i < exemplars.n; i++) {
      const s = w.begin(1);
      w.bytes(exemplars.labels[i]!);
      const e = w.begin(3);
      w.bytes(exemplars.exLabels[i]!);
      w.tag(2, 1);
      w.double(exemplars.vs[i]!);
      w.tag(3, 0);
      w.int64(exemplars.ts[i]!);
      w.end(e);
      w.end(s);
    }
  }
  for (const md of metadata) {
    const m = w.begin(3);
    w.tag(1, 0);
    w.uvarint(Math.max(0, METRIC_TYPES.indexOf(md.type)));
    w.string(2, md.family);
    w.string(4, md.help);
    w.string(5, md.unit);
    w.end(m);
  }
  return w.finish();
}

/** Bytes of an int64 varint (10 for negatives, which Go writes as 64-bit two's complement). */
function varintLen(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Receives decoded WriteRequest contents without an object per sample. */
export interface WriteRequestVisitor {
  /** One TimeSeries: its labels (unsorted as sent) and its samples in ts/vs[0..n). */
  series(labels: Labels, ts: Float64Array, vs: Float64Array, n: number, exemplars: readonly DecodedExemplar[]): void;
  metadata?(md: MetadataEntry): void;
}

export interface DecodedExemplar {
  readonly labels: Labels;
  readonly value: number;
  readonly ts: number;
}

/** Scratch arrays reused across TimeSeries while decoding one request. */
class SampleScratch {
  ts = new Float64Array(64);
  vs = new Float64Array(64);
  n = 0;
  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const t2 = new Float64Array(this.n * 2);
      t2.set(this.ts);
      const v2 = new Float64Array(this.n * 2);
      v2.set(this.vs);
      this.ts = t2;
      this.vs = v2;
    }
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }
}

function readLabel(r: ProtoReader, out: string[]): void {
  let name = '';
  let value = '';
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x0a) name = r.string();
    else if (tag === 0x12) value = r.string();
    else r.skip(tag & 7);
  }
  out.push(name, value);
}

/** Labels from a flat list as sent; Labels.fromFlat sorts them. */
function labelsOf(kv: string[]): Labels {
  return Labels.fromFlat(kv);
}

function readTimeSeries(buf: Uint8Array, start: number, end: number, sc: SampleScratch): { labels: Labels; exemplars: DecodedExemplar[] } {
  const r = new ProtoReader(buf, start, end);
  const kv: string[] = [];
  const exemplars: DecodedExemplar[] = [];
  sc.n = 0;
  while (!r.done) {
    const tag = r.uvarint();
    switch (tag) {
      case 0x0a: {
        const s = r.lenDelim();
        readLabel(new ProtoReader(buf, s, r.pos), kv);
        break;
      }
      case 0x12: {
        const s = r.lenDelim();
        const sr = new ProtoReader(buf, s, r.pos);
        let v = 0;
        let t = 0;
        while (!sr.done) {
          const st = sr.uvarint();
          if (st === 0x09) v = sr.double();
          else if (st === 0x10) t = sr.int64();
          else sr.skip(st & 7);
        }
        sc.push(t, v);
        break;
      }
      case 0x1a: {
        const s = r.lenDelim();
        const er = new ProtoReader(buf, s, r.pos);
        const ekv: string[] = [];
        let v = 0;
        let t = 0;
        while (!er.done) {
          const et = er.uvarint();
          if (et === 0x0a) {
            const ls = er.lenDelim();
            readLabel(new ProtoReader(buf, ls, er.pos), ekv);
          } else if (et === 0x11) v = er.double();
          else if (et === 0x18) t = er.int64();
          else er.skip(et & 7);
        }
        exemplars.push({ labels: labelsOf(ekv), value: v, ts: t });
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return { labels: labelsOf(kv), exemplars };
}

/** Decodes an (uncompressed) WriteRequest, calling the visitor per TimeSeries in order. */
export function decodeWriteRequest(buf: Uint8Array, v: WriteRequestVisitor): void {
  const r = new ProtoReader(buf);
  const sc = new SampleScratch();
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x0a) {
      const s = r.lenDelim();
      const { labels, exemplars } = readTimeSeries(buf, s, r.pos, sc);
      v.series(labels, sc.ts, sc.vs, sc.n, exemplars);
    } else if (tag === 0x1a) {
      const s = r.lenDelim();
      const mr = new ProtoReader(buf, s, r.pos);
      let type = 0;
      let family = '';
      let help = '';
      let unit = '';
      while (!mr.done) {
        const mt = mr.uvarint();
        if (mt === 0x08) type = mr.uvarint();
        else if (mt === 0x12) family = mr.string();
        else if (mt === 0x22) help = mr.string();
        else if (mt === 0x2a) unit = mr.string();
        else mr.skip(mt & 7);
      }
      v.metadata?.({ family, type: METRIC_TYPES[type] ?? 'unknown', help, unit });
    } else r.skip(tag & 7);
  }
}

// ---------------------------------------------------------------------------------------
// Remote read
// ---------------------------------------------------------------------------------------

export type MatcherType = 0 | 1 | 2 | 3; // EQ, NEQ, RE, NRE

export interface ReadMatcher {
  readonly type: MatcherType;
  readonly name: string;
  readonly value: string;
}

export interface ReadHints {
  readonly stepMs: number;
  readonly func: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly grouping: readonly string[];
  readonly by: boolean;
  readonly rangeMs: number;
}

export interface ReadQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly ReadMatcher[];
  readonly hints?: ReadHints;
}

export interface ReadRequest {
  readonly queries: readonly ReadQuery[];
  /** 0 = SAMPLES, 1 = STREAMED_XOR_CHUNKS. Empty means SAMPLES. */
  readonly acceptedResponseTypes: readonly number[];
}

export function encodeReadRequest(req: ReadRequest): Buffer {
  const w = new ProtoWriter(1024);
  for (const q of req.queries) {
    const m = w.begin(1);
    w.tag(1, 0);
    w.int64(q.startMs);
    w.tag(2, 0);
    w.int64(q.endMs);
    for (const mt of q.matchers) {
      const mm = w.begin(3);
      w.tag(1, 0);
      w.uvarint(mt.type);
      w.string(2, mt.name);
      w.string(3, mt.value);
      w.end(mm);
    }
    if (q.hints) {
      const h = q.hints;
      const hm = w.begin(4);
      w.tag(1, 0);
      w.int64(h.stepMs);
      w.string(2, h.func);
      w.tag(3, 0);
      w.int64(h.startMs);
      w.tag(4, 0);
      w.int64(h.endMs);
      for (const g of h.grouping) w.string(5, g);
      w.tag(6, 0);
      w.uvarint(h.by ? 1 : 0);
      w.tag(7, 0);
      w.int64(h.rangeMs);
      w.end(hm);
    }
    w.end(m);
  }
  for (const t of req.acceptedResponseTypes) {
    w.tag(2, 0);
    w.uvarint(t);
  }
  return Buffer.from(w.finish());
}

export function decodeReadRequest(buf: Uint8Array): ReadRequest {
  const r = new ProtoReader(buf);
  const queries: ReadQuery[] = [];
  const types: number[] = [];
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x0a) {
      const s = r.lenDelim();
      queries.push(decodeQuery(new ProtoReader(buf, s, r.pos)));
    } else if (tag === 0x10) types.push(r.uvarint());
    else if (tag === 0x12) {
      // packed repeated enum
      const s = r.lenDelim();
      const pr = new ProtoReader(buf, s, r.pos);
      while (!pr.done) types.push(pr.uvarint());
    } else r.skip(tag & 7);
  }
  return { queries, acceptedResponseTypes: types };
}

function decodeQuery(r: ProtoReader): ReadQuery {
  let startMs = 0;
  let endMs = 0;
  const matchers: ReadMatcher[] = [];
  let hints: ReadHints | undefined;
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x08) startMs = r.int64();
    else if (tag === 0x10) endMs = r.int64();
    else if (tag === 0x1a) {
      const s = r.lenDelim();
      const mr = new ProtoReader(r.buf, s, r.pos);
      let type = 0;
      let name = '';
      let value = '';
      while (!mr.done) {
        const t = mr.uvarint();
        if (t === 0x08) type = mr.uvarint();
        else if (t === 0x12) name = mr.string();
        else if (t === 0x1a) value = mr.string();
        else mr.skip(t & 7);
      }
      if (type > 3) throw new ProtoDecodeError(`invalid matcher type ${type}`);
      matchers.push({ type: type as MatcherType, name, value });
    } else if (tag === 0x22) {
      const s = r.lenDelim();
      const hr = new ProtoReader(r.buf, s, r.pos);
      const h = { stepMs: 0, func: '', startMs: 0, endMs: 0, grouping: [] as string[], by: false, rangeMs: 0 };
      while (!hr.done) {
        const t = hr.uvarint();
        if (t === 0x08) h.stepMs = hr.int64();
        else if (t === 0x12) h.func = hr.string();
        else if (t === 0x18) h.startMs = hr.int64();
        else if (t === 0x20) h.endMs = hr.int64();
        else if (t === 0x2a) h.grouping.push(hr.string());
        else if (t === 0x30) h.by = hr.uvarint() !== 0;
        else if (t === 0x38) h.rangeMs = hr.int64();
        else hr.skip(t & 7);
      }
      hints = h;
    } else r.skip(tag & 7);
  }
  return { startMs, endMs, matchers, hints };
}

/** One series of a read response: labels and samples in parallel arrays. */
export interface ReadSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** Decodes a ReadResponse into one list of series per query. */
export function decodeReadResponse(buf: Uint8Array): ReadSeries[][] {
  const r = new ProtoReader(buf);
  const out: ReadSeries[][] = [];
  const sc = new SampleScratch();
  while (!r.done) {
    const tag = r.uvarint();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    const s = r.lenDelim();
    const qr = new ProtoReader(buf, s, r.pos);
    const series: ReadSeries[] = [];
    while (!qr.done) {
      const t = qr.uvarint();
      if (t !== 0x0a) {
        qr.skip(t & 7);
        continue;
      }
      const ts = qr.lenDelim();
      const { labels } = readTimeSeries(buf, ts, qr.pos, sc);
      series.push({ labels, ts: sc.ts.slice(0, sc.n), vs: sc.vs.slice(0, sc.n) });
    }
    out.push(series);
  }
  return out;
}

/** Incrementally writes a ReadResponse: startResult(), series()..., endResult(), finish(). */
export class ReadResponseWriter {
  private readonly w = new ProtoWriter(64 * 1024);
  private mark = -1;
  startResult(): void {
    this.mark = this.w.begin(1);
  }
  /** Starts a TimeSeries; add samples with sample(), then endSeries(). */
  startSeries(lset: Labels): number {
    const m = this.w.begin(1);
    for (let i = 0; i < lset.length; i++) {
      const lm = this.w.begin(1);
      this.w.string(1, lset.name(i));
      this.w.string(2, lset.value(i));
      this.w.end(lm);
    }
    return m;
  }
  sample(t: number, v: number): void {
    const s = this.w.begin(2);
    this.w.tag(1, 1);
    this.w.double(v);
    this.w.tag(2, 0);
    this.w.int64(t);
    this.w.end(s);
  }
  endSeries(mark: number): void {
    this.w.end(mark);
  }
  endResult(): void {
    this.w.end(this.mark);
  }
  /** Bytes written so far (for the read sample limit checks). */
  get size(): number {
    return this.w.pos;
  }
  finish(): Buffer {
    return this.w.finish();
  }
}
