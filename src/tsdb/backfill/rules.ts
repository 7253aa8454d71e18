// `promts tsdb create-blocks-from rules`: promtool 2.42's rule importer. Each recording rule
// is evaluated as range queries against a Prometheus API, one query per 2h block window,
// and each window's result becomes its own block (so one block per rule and window).
import { mkdirSync } from 'node:fs';
import { Labels } from '../../model/index.js';
import { PromClient, formatExpr, parseExpr, type ApiData } from '../../promql/index.js';
import { groupHash, parseRuleFile } from '../../rules/index.js';
import { writeBlock } from '../block/index.js';
import { BackfillError, compatibleBlockDuration } from './common.js';
import { SeriesBuf } from './series-buf.js';

export interface RulesBackfillOptions {
  /** Prometheus API base URL (--url). */
  url: string;
  /** --start, ms. */
  start: number;
  /** --end, ms; default: three hours before now, as promtool. */
  end?: number;
  outputDir: string;
  /** --eval-interval (ms): for groups without their own interval. */
  evalInterval: number;
  httpConfigFile?: string;
  /** Receives promtool's logfmt lines (it logs to stderr). */
  log?: (line: string) => void;
  /** Called after each rule x block window; total is known up front. */
  onProgress?: (done: number, total: number) => void;
  now?: () => number;
}

interface ImportRule {
  file: string;
  group: string;
  /** Index of the rule in its group (promtool's log "id"). */
  id: number;
  interval: number;
  name: string;
  expr: string;
  labels: Readonly<Record<string, string>>;
}

/** Runs the import; returns the ULIDs of the written blocks. Throws BackfillError. */
export async function createBlocksFromRules(files: readonly string[], opts: RulesBackfillOptions): Promise<string[]> {
  const log = opts.log ?? (() => undefined);
  // promtool works in whole seconds (time.Time.Unix()).
  const startSec = Math.floor(opts.start / 1000);
  const endSec = Math.floor((opts.end ?? (opts.now ?? Date.now)() - 3 * 3600_000) / 1000);
  if (!(startSec < endSec)) throw new BackfillError('start time is not before end time', 'give an --end after --start (the default end is three hours ago)');
  const rules = loadRules(files, opts.evalInterval);
  log(`level=info backfiller="new rule importer" start="${rfc822(startSec)}" end="${rfc822(endSec)}"`);
  mkdirSync(opts.outputDir, { recursive: true });
  const client = new PromClient(opts.url, { httpConfigFile: opts.httpConfigFile });
  const blockDuration = compatibleBlockDuration(0);
  const windows = Math.floor((endSec * 1000) / blockDuration) - Math.floor((startSec * 1000) / blockDuration) + 1;
  const total = rules.length * windows;
  let done = 0;
  const written: string[] = [];
  const errors: string[] = [];
  for (const r of rules) {
    if (r.id === 0) log(`level=info backfiller="processing group" name=${logfmtValue(`${r.file};${r.group}`)}`);
    log(`level=info backfiller="processing rule" id=${r.id} name=${logfmtValue(r.name)}`);
    try {
      await importRule(client, r, startSec, endSec, blockDuration, opts.outputDir, written, () => opts.onProgress?.(++done, total));
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  opts.onProgress?.(total, total);
  if (errors.length > 0) {
    for (const e of errors) log(`rule importer error: ${e}`);
    throw new BackfillError('error importing rules', 'check --url and that the rules\' queries run on that server (see "rule importer error" above)');
  }
  return written;
}

function loadRules(files: readonly string[], evalInterval: number): ImportRule[] {
  const out: ImportRule[] = [];
  for (const file of files) {
    const res = parseRuleFile(file);
    if (!res.ok) throw new BackfillError(`rule importer parse error: ${res.errors.map((e) => e.message).join('; ')}`, `fix ${file} (promts check rules ${file} shows every problem)`);
    for (const g of res.value.groups) {
      for (const [id, r] of g.rules.entries()) {
        // promtool 2.42 imports alerting rules too (its docs say they are ignored; the binary
        // records the alert's expression under the alert's name), so promts does the same.
        const name = r.record.value || r.alert.value;
        out.push({ file, group: g.name, id, interval: g.interval || evalInterval, name, expr: formatExpr(parseExpr(r.expr.value)), labels: r.labels });
      }
    }
  }
  return out;
}

async function importRule(client: PromClient, r: ImportRule, startSec: number, endSec: number, blockDuration: number, outputDir: string, written: string[], step: () => void): Promise<void> {
  for (let startOfBlock = blockDuration * Math.floor((startSec * 1000) / blockDuration); startOfBlock <= endSec * 1000; startOfBlock += blockDuration) {
    const endOfBlock = startOfBlock + blockDuration - 1;
    const currStart = Math.max(Math.floor(startOfBlock / 1000), startSec);
    // The group's evaluation slots (offset by a hash of file and group name), as a live server would run it.
    const from = alignedStart(r, currStart);
    const to = Math.min(Math.floor(endOfBlock / 1000), endSec) * 1000;
    if (to < from) break;
    let data: ApiData;
    try {
      ({ data } = await client.range(r.expr, from, to, r.interval));
    } catch (e) {
      throw new BackfillError(`query range: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (data.resultType !== 'matrix') throw new BackfillError(`rule result is wrong type ${data.resultType}`, `rule ${r.name} in ${r.file} must return an instant vector`);
    const series: SeriesBuf[] = [];
    for (const s of data.result) {
      const buf = new SeriesBuf(ruleLabels(s.metric, r));
      for (const [t, v] of s.values) buf.push(Math.round(t * 1000), parseGoFloat(v));
      series.push(buf);
    }
    // The chunk range is twice the block: promtool's block writer is opened that way.
    const b = writeBlock(outputDir, series, { chunkRange: 2 * blockDuration });
    if (b) written.push(b.ulid);
    step();
  }
}

/**
 * The group's first evaluation slot at or after `sec` (Go's Group.EvalTimestamp, in ns: the
 * slots are offset by a hash of file and group name), in ms as the API server sees it: the
 * client sends float seconds and the server rounds them to the millisecond.
 */
function alignedStart(r: ImportRule, sec: number): number {
  const interval = BigInt(r.interval) * 1_000_000n;
  const offset = groupHash(r.file, r.group) % interval;
  const adj = BigInt(sec) * 1_000_000_000n - offset;
  let ns = adj - (((adj % interval) + interval) % interval) + offset;
  while (ns / 1_000_000_000n < BigInt(sec)) ns += interval;
  const unix = Number(ns / 1_000_000_000n);
  const frac = Number(ns % 1_000_000_000n) / 1e9;
  return unix * 1000 + Math.round(frac * 1000);
}

/** Query output labels, overridden by the rule's labels, then __name__ = the rule's name. */
function ruleLabels(metric: Readonly<Record<string, string>>, r: ImportRule): Labels {
  const m = new Map<string, string>(Object.entries(metric));
  for (const [k, v] of Object.entries(r.labels)) m.set(k, v);
  m.set('__name__', r.name);
  // An empty value removes the label (Go's labels.Builder.Set).
  for (const [k, v] of m) if (v === '') m.delete(k);
  return Labels.fromMap(m);
}

/** The API's sample values: Go's strconv.ParseFloat spellings ("NaN", "+Inf", "-Inf"). */
function parseGoFloat(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return s === 'NaN' ? NaN : Number(s);
}

/** go-kit's logfmt: quoted only when the value needs it. */
function logfmtValue(v: string): string {
  return v === '' || /[\s="\\]|[^\x20-\x7e]/.test(v) ? JSON.stringify(v) : v;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC822 ("02 Jan 06 15:04 MST") in UTC. */
function rfc822(sec: number): string {
  const d = new Date(sec * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}
