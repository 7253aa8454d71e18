// The Go client library's text-format reader (prometheus/common expfmt TextParser, the
// version promtool 2.42 links). promtool's `check metrics` lints through it, so its
// acceptance rules and its "text format parsing error in line N: ..." messages differ from
// the scrape parser's and must be kept separately. Not used on any hot path.
import { isUtf8 } from 'node:buffer';
import { goQuote, parseGoFloatString, parseGoInt, NumberSyntaxError } from './gonum.js';

export type FamilyType = 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'UNTYPED' | 'HISTOGRAM' | 'GAUGE_HISTOGRAM';
const TYPES: ReadonlySet<string> = new Set(['COUNTER', 'GAUGE', 'SUMMARY', 'UNTYPED', 'HISTOGRAM', 'GAUGE_HISTOGRAM']);

export interface FamilyMetric {
  labelNames: string[];
  buckets: number;
  quantiles: number;
}

export interface MetricFamily {
  name: string;
  help?: string;
  type?: FamilyType;
  metrics: FamilyMetric[];
}

export class ExpfmtParseError extends Error {
  readonly code = 'parse_error';
  constructor(readonly line: number, readonly msg: string) {
    super(`text format parsing error in line ${line}: ${msg}`);
  }
}

class EOFSignal extends Error {}

/** Go's %q of one byte (a rune literal: 'x'). */
function qbyte(c: number): string {
  switch (c) {
    case 0x27: return "'\\''";
    case 0x5c: return "'\\\\'";
    case 0x0a: return "'\\n'";
    case 0x09: return "'\\t'";
    case 0x0d: return "'\\r'";
  }
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isLNStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isLNCont = (c: number): boolean => isLNStart(c) || (c >= 0x30 && c <= 0x39);
const isMNStart = (c: number): boolean => isLNStart(c) || c === 0x3a;
const isMNCont = (c: number): boolean => isLNCont(c) || c === 0x3a;

/**
 * Parses a whole text-format body into metric families keyed by name (families without
 * samples are dropped), throwing ExpfmtParseError with expfmt's message on the first problem.
 */
export function textToMetricFamilies(body: Uint8Array): Map<string, MetricFamily> {
  return new TextParser(body).parse();
}

class TextParser {
  private pos = 0;
  private cur = 0;
  private line = 0;
  private token = '';
  private readonly fams = new Map<string, MetricFamily>();
  private mf: MetricFamily | undefined;
  private metric: FamilyMetric | undefined;
  private labelNames: string[] = [];
  private pairName = '';
  private sigLabels = new Map<string, string>();
  private readonly summaries = new Map<string, FamilyMetric>();
  private readonly histograms = new Map<string, FamilyMetric>();
  private quantile = NaN;
  private bucket = NaN;
  private isSumCount = { summary: false, histogram: false };

  constructor(private readonly b: Uint8Array) {}

  parse(): Map<string, MetricFamily> {
    type State = (() => State) | null;
    let state: State = () => this.startOfLine() as State;
    try {
      while (state) state = state() as State;
    } catch (e) {
      if (e instanceof EOFSignal) throw new ExpfmtParseError(this.line, 'unexpected end of input stream');
      throw e;
    }
    for (const [k, f] of this.fams) if (f.metrics.length === 0) this.fams.delete(k);
    return this.fams;
  }

  private fail(msg: string): never {
    throw new ExpfmtParseError(this.line, msg);
  }

  /** Reads the next byte into cur; throws EOFSignal at the end. */
  private read(): number {
    if (this.pos >= this.b.length) throw new EOFSignal();
    this.cur = this.b[this.pos++]!;
    return this.cur;
  }

  private skipBlankTab(): void {
    while (isBlank(this.read()));
  }

  private tokenUntilWhitespace(): void {
    const s = this.pos - 1;
    while (!isBlank(this.cur) && this.cur !== 0x0a) this.read();
    this.token = Buffer.from(this.b.subarray(s, this.pos - 1)).toString('latin1');
  }

  private tokenAs(start: (c: number) => boolean, cont: (c: number) => boolean): void {
    this.token = '';
    if (!start(this.cur)) return;
    const s = this.pos - 1;
    do this.read();
    while (cont(this.cur));
    this.token = Buffer.from(this.b.subarray(s, this.pos - 1)).toString('latin1');
  }

  private tokenUntilNewline(escapes: boolean): void {
    const out: number[] = [];
    let escaped = false;
    for (;;) {
      const c = this.cur;
      if (escapes && escaped) {
        if (c === 0x5c) out.push(0x5c);
        else if (c === 0x6e) out.push(0x0a);
        else this.fail(`invalid escape sequence '\\${String.fromCharCode(c)}'`);
        escaped = false;
      } else if (c === 0x0a) break;
      else if (c === 0x5c && escapes) escaped = true;
      else out.push(c);
      this.read();
    }
    this.token = Buffer.from(out).toString('utf8');
  }

  private startOfLine(): unknown {
    this.line++;
    try {
      this.skipBlankTab();
    } catch (e) {
      if (e instanceof EOFSignal) return null; // the only clean end
      throw e;
    }
    if (this.cur === 0x23) return () => this.startComment();
    if (this.cur === 0x0a) return () => this.startOfLine();
    return () => this.readingMetricName();
  }

  private startComment(): unknown {
    this.skipBlankTab();
    if (this.cur === 0x0a) return () => this.startOfLine();
    this.tokenUntilWhitespace();
    if (this.cur === 0x0a) return () => this.startOfLine();
    const keyword = this.token;
    if (keyword !== 'HELP' && keyword !== 'TYPE') {
      while (this.cur !== 0x0a) this.read();
      return () => this.startOfLine();
    }
    this.skipBlankTab();
    this.tokenAs(isMNStart, isMNCont);
    if (this.cur === 0x0a) return () => this.startOfLine();
    if (!isBlank(this.cur)) this.fail('invalid metric name in comment');
    this.setOrCreateMF();
    this.skipBlankTab();
    if (this.cur === 0x0a) return () => this.startOfLine();
    return keyword === 'HELP' ? () => this.readingHelp() : () => this.readingType();
  }

  private readingMetricName(): unknown {
    this.tokenAs(isMNStart, isMNCont);
    if (this.token === '') this.fail('invalid metric name');
    this.setOrCreateMF();
    const mf = this.mf!;
    mf.type ??= 'UNTYPED';
    this.metric = { labelNames: [], buckets: 0, quantiles: 0 };
    if (isBlank(this.cur)) this.skipBlankTab();
    return () => this.readingLabels();
  }

  private readingLabels(): unknown {
    const t = this.mf!.type;
    if (t === 'SUMMARY' || t === 'HISTOGRAM') {
      this.sigLabels = new Map([['__name__', this.mf!.name]]);
      this.quantile = NaN;
      this.bucket = NaN;
    }
    if (this.cur !== 0x7b) return () => this.readingValue();
    return () => this.startLabelName();
  }

  private startLabelName(): unknown {
    this.skipBlankTab();
    if (this.cur === 0x7d) {
      this.metric!.labelNames.push(...this.labelNames);
      this.labelNames = [];
      this.skipBlankTab();
      return () => this.readingValue();
    }
    this.tokenAs(isLNStart, isLNCont);
    if (this.token === '') this.fail(`invalid label name for metric ${goQuote(this.mf!.name)}`);
    if (isBlank(this.cur)) this.skipBlankTab();
    if (this.cur !== 0x3d) this.fail(`expected '=' after label name, found ${qbyte(this.cur)}`);
    this.pairName = this.token;
    if (this.pairName === '__name__') this.fail('label name "__name__" is reserved');
    const t = this.mf!.type;
    if (!(t === 'SUMMARY' && this.pairName === 'quantile') && !(t === 'HISTOGRAM' && this.pairName === 'le')) {
      this.labelNames.push(this.pairName);
    }
    return () => this.startLabelValue();
  }

  private startLabelValue(): unknown {
    this.skipBlankTab();
    if (this.cur !== 0x22) this.fail(`expected '"' at start of label value, found ${qbyte(this.cur)}`);
    const out: number[] = [];
    let escaped = false;
    for (;;) {
      const c = this.read();
      if (escaped) {
        if (c === 0x22 || c === 0x5c) out.push(c);
        else if (c === 0x6e) out.push(0x0a);
        else this.fail(`invalid escape sequence '\\${String.fromCharCode(c)}'`);
        escaped = false;
        continue;
      }
      if (c === 0x22) break;
      if (c === 0x0a) this.fail(`label value ${goQuote(Buffer.from(out).toString('latin1'))} contains unescaped new-line`);
      if (c === 0x5c) escaped = true;
      else out.push(c);
    }
    const raw = Buffer.from(out);
    if (!isUtf8(raw)) this.fail(`invalid label value ${goQuote(raw.toString('latin1'))}`);
    const value = raw.toString('utf8');
    const t = this.mf!.type;
    if (t === 'SUMMARY' || t === 'HISTOGRAM') {
      const special = t === 'SUMMARY' ? 'quantile' : 'le';
      if (this.pairName === special) {
        try {
          const f = parseGoFloatString(value);
          if (t === 'SUMMARY') this.quantile = f;
          else this.bucket = f;
        } catch (e) {
          if (!(e instanceof NumberSyntaxError)) throw e;
          this.fail(`expected float as value for '${special}' label, got ${goQuote(value)}`);
        }
      } else this.sigLabels.set(this.pairName, value);
    }
    this.skipBlankTab();
    const next = this.cur as number;
    if (next === 0x2c) return () => this.startLabelName();
    if (next === 0x7d) {
      this.metric!.labelNames.push(...this.labelNames);
      this.labelNames = [];
      this.skipBlankTab();
      return () => this.readingValue();
    }
    this.fail(`unexpected end of label value ${goQuote(value)}`);
  }

  private readingValue(): unknown {
    const mf = this.mf!;
    const t = mf.type;
    if (t === 'SUMMARY' || t === 'HISTOGRAM') {
      const sig = [...this.sigLabels].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((p) => p.join('\xff')).join('\xfe');
      const seen = t === 'SUMMARY' ? this.summaries : this.histograms;
      const existing = seen.get(mf.name + '\xfd' + sig);
      if (existing) this.metric = existing;
      else {
        seen.set(mf.name + '\xfd' + sig, this.metric!);
        mf.metrics.push(this.metric!);
      }
    } else mf.metrics.push(this.metric!);
    this.tokenUntilWhitespace();
    try {
      parseGoFloatString(this.token);
    } catch (e) {
      if (!(e instanceof NumberSyntaxError)) throw e;
      this.fail(`expected float as value, got ${goQuote(this.token)}`);
    }
    if (t === 'SUMMARY' && !this.isSumCount.summary && !Number.isNaN(this.quantile)) this.metric!.quantiles++;
    if (t === 'HISTOGRAM' && !this.isSumCount.histogram && !Number.isNaN(this.bucket)) this.metric!.buckets++;
    if (this.cur === 0x0a) return () => this.startOfLine();
    return () => this.startTimestamp();
  }

  private startTimestamp(): unknown {
    this.skipBlankTab();
    this.tokenUntilWhitespace();
    const tok = Buffer.from(this.token, 'latin1');
    if (!/^[+-]?[0-9]+$/.test(this.token)) this.fail(`expected integer as timestamp, got ${goQuote(this.token)}`);
    try {
      const digits = this.token.replace(/^[+-]/, '');
      parseGoInt(Buffer.from(digits), 0, digits.length);
    } catch {
      this.fail(`expected integer as timestamp, got ${goQuote(tok.toString('latin1'))}`);
    }
    this.tokenUntilNewline(false);
    if (this.token.length > 0) this.fail(`spurious string after timestamp: ${goQuote(this.token)}`);
    return () => this.startOfLine();
  }

  private readingHelp(): unknown {
    const mf = this.mf!;
    if (mf.help !== undefined) this.fail(`second HELP line for metric name ${goQuote(mf.name)}`);
    this.tokenUntilNewline(true);
    mf.help = this.token;
    return () => this.startOfLine();
  }

  private readingType(): unknown {
    const mf = this.mf!;
    if (mf.type !== undefined) this.fail(`second TYPE line for metric name ${goQuote(mf.name)}, or TYPE reported after samples`);
    this.tokenUntilNewline(false);
    const up = this.token.toUpperCase();
    if (!TYPES.has(up)) this.fail(`unknown metric type ${goQuote(this.token)}`);
    mf.type = up as FamilyType;
    return () => this.startOfLine();
  }

  private setOrCreateMF(): void {
    this.isSumCount = { summary: false, histogram: false };
    const name = this.token;
    let mf = this.fams.get(name);
    if (mf) {
      this.mf = mf;
      return;
    }
    const isCount = name.length > 6 && name.endsWith('_count');
    const isSum = name.length > 4 && name.endsWith('_sum');
    const isBucket = name.length > 7 && name.endsWith('_bucket');
    const base = isCount ? name.slice(0, -6) : isSum ? name.slice(0, -4) : name;
    mf = this.fams.get(base);
    if (mf && mf.type === 'SUMMARY') {
      this.mf = mf;
      this.isSumCount.summary = isCount || isSum;
      return;
    }
    const hbase = isBucket ? name.slice(0, -7) : base;
    mf = this.fams.get(hbase);
    if (mf && mf.type === 'HISTOGRAM') {
      this.mf = mf;
      this.isSumCount.histogram = isCount || isSum;
      return;
    }
    this.mf = { name, metrics: [] };
    this.fams.set(name, this.mf);
  }
}
