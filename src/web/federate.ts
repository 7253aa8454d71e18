/**
 * /federate: the latest sample (within the lookback delta) of every series matching any
 * `match[]`, in the text exposition format 0.0.4, one `# TYPE <name> untyped` per metric
 * name. External labels are appended unless the series has the label, and `instance=""`
 * is always added when missing so that the scraping server (with honor_labels: true) keeps
 * the series' own labels instead of attaching its target's instance. Staleness markers
 * cannot be expressed in the format and are skipped, as in Prometheus.
 */
import { compareStrings, isStaleNaN, Labels, METRIC_NAME, type Matcher } from '../model/index.js';
import type { SampleIterator } from '../storage/index.js';
import { formatGoFloatG } from './format.js';
import { sendBody, sendGoError, type Ctx } from './http.js';
import { readForm } from './body.js';

export interface FederateOptions {
  lookbackDeltaMs: number;
  maxBodyBytes: number;
  now: () => number;
  externalLabels: () => Labels;
  parseSelector: (s: string) => Matcher[];
}

interface Latest {
  labels: Labels;
  t: number;
  v: number;
}

export async function federate(ctx: Ctx, deps: { queryable: import('../storage/index.js').Queryable }, opts: FederateOptions): Promise<void> {
  const form = await readForm(ctx, opts.maxBodyBytes);
  if (form.error) {
    sendGoError(ctx.res, 400, `error parsing form values: ${form.error}`);
    return;
  }
  const sets: Matcher[][] = [];
  for (const m of form.all('match[]')) {
    try {
      sets.push(opts.parseSelector(m));
    } catch (e) {
      sendGoError(ctx.res, 400, e instanceof Error ? e.message : String(e));
      return;
    }
  }
  const maxt = opts.now();
  const mint = maxt - opts.lookbackDeltaMs;
  const found = new Map<string, Latest>();
  const q = deps.queryable.querier(mint, maxt);
  try {
    let it: SampleIterator | undefined;
    for (const ms of sets) {
      const ss = q.select(true, { start: mint, end: maxt }, ...ms);
      while (ss.next()) {
        const s = ss.at();
        const key = s.labels.key();
        if (found.has(key)) continue;
        it = s.iterator(it);
        let ok = false;
        let t = 0;
        let v = 0;
        // The querier is bounded to [mint, maxt]: the last sample is the latest one.
        if (it.seek(mint)) {
          do {
            if (it.t > maxt) break;
            t = it.t;
            v = it.v;
            ok = true;
          } while (it.next());
        }
        const err = it.err();
        if (err) throw err;
        if (!ok || isStaleNaN(v)) continue;
        found.set(key, { labels: s.labels, t, v });
      }
      const err = ss.err();
      if (err) throw err;
    }
  } catch (e) {
    sendGoError(ctx.res, 500, e instanceof Error ? e.message : String(e));
    return;
  } finally {
    q.close();
  }
  const vec = [...found.values()].sort((a, b) => Labels.compare(a.labels, b.labels));
  // Stable by metric name; within a name the series keep label order.
  vec.sort((a, b) => compareStrings(a.labels.get(METRIC_NAME), b.labels.get(METRIC_NAME)));
  const ext = new Map<string, string>();
  const el = opts.externalLabels();
  for (let i = 0; i < el.length; i++) ext.set(el.name(i), el.value(i));
  if (!ext.has('instance')) ext.set('instance', '');
  const extNames = [...ext.keys()].sort(compareStrings);
  await sendBody(ctx, 200, 'text/plain; version=0.0.4; charset=utf-8', exposition(vec, ext, extNames), true);
}

function* exposition(vec: Latest[], ext: Map<string, string>, extNames: string[]): Iterable<string> {
  let lastName: string | undefined;
  for (const s of vec) {
    const name = s.labels.get(METRIC_NAME);
    if (name === '') continue;
    let out = '';
    if (name !== lastName) {
      out += `# TYPE ${name} untyped\n`;
      lastName = name;
    }
    out += name + '{';
    let first = true;
    const kv = s.labels.kv;
    for (let i = 0; i < kv.length; i += 2) {
      if (kv[i] === METRIC_NAME || kv[i + 1] === '') continue;
      out += (first ? '' : ',') + kv[i] + '="' + escapeLabelValue(kv[i + 1]!) + '"';
      first = false;
    }
    for (const n of extNames) {
      if (s.labels.has(n)) continue;
      out += (first ? '' : ',') + n + '="' + escapeLabelValue(ext.get(n)!) + '"';
      first = false;
    }
    out += '} ' + formatGoFloatG(s.v) + ' ' + s.t + '\n';
    yield out;
  }
}

/** Text format escaping: backslash, double quote and newline. */
function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}
