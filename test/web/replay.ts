/**
 * Replays a list of HTTP requests against two Prometheus-API servers (e.g. Debian's
 * prometheus and promts on the same data) and compares the answers: status code,
 * Content-Type, and the JSON body byte for byte (key order included) after blanking a
 * small, documented set of fields that legitimately differ between two processes.
 *
 * Usage (the lead's full replay once the TSDB is wired in):
 *   const results = await replay(promBase, promtsBase, REQUESTS);
 *   assert.deepEqual(results.filter((r) => !r.equal), []);
 *
 * `mode: 'shape'` compares only the structure (types, keys, key order, and the shape of an
 * array's first element), for servers that do not hold the same data yet.
 */

export interface ReplayRequest {
  name: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** Path below the server's base URL, e.g. "/api/v1/labels". */
  path: string;
  /** Parameters; an array repeats the key (match[]). Sent in the query, or as a form body for POST. */
  params?: Record<string, string | string[]>;
  /** Extra paths allowed to differ for this request (same syntax as ALLOWED_TO_DIFFER). */
  allowDiff?: string[];
  mode?: 'exact' | 'shape';
}

/**
 * Fields two servers never agree on. Paths are dot-separated from the top of the JSON
 * answer; "*" matches any key or array index.
 *  - runtimeinfo: start/config times, working dir, goroutine and CPU counts, GOGC/GODEBUG.
 *  - buildinfo: promts reports its own build (version/revision/... differ by design).
 *  - flags: listen address, paths and anything a test harness sets per process.
 *  - targets: scrape timestamps and durations.
 *  - rules/alerts: evaluation timestamps and durations.
 *  - walreplay: segment numbers depend on the data dir copy.
 */
export const ALLOWED_TO_DIFFER: readonly string[] = [
  'data.startTime', 'data.lastConfigTime', 'data.CWD', 'data.goroutineCount', 'data.GOMAXPROCS', 'data.GOGC', 'data.GODEBUG',
  'data.version', 'data.revision', 'data.branch', 'data.buildUser', 'data.buildDate', 'data.goVersion',
  'data.web\\.listen-address', 'data.storage\\.tsdb\\.path', 'data.config\\.file',
  'data.activeTargets.*.lastScrape', 'data.activeTargets.*.lastScrapeDuration', 'data.activeTargets.*.globalUrl',
  'data.groups.*.evaluationTime', 'data.groups.*.lastEvaluation', 'data.groups.*.rules.*.evaluationTime', 'data.groups.*.rules.*.lastEvaluation',
  'data.groups.*.rules.*.alerts.*.activeAt', 'data.alerts.*.activeAt',
  'data.min', 'data.max', 'data.current',
];

export interface ReplayAnswer {
  status: number;
  contentType: string | null;
  /** Redirects are not followed: their Location is part of the answer. */
  location: string | null;
  body: string;
}

export interface ReplayResult {
  name: string;
  equal: boolean;
  a: ReplayAnswer;
  b: ReplayAnswer;
  /** Human-readable differences, empty when equal. */
  diffs: string[];
}

export function buildRequest(base: string, r: ReplayRequest): { url: string; init: RequestInit } {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(r.params ?? {})) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
  const method = r.method ?? 'GET';
  if (method === 'POST' && r.params) {
    return { url: base + r.path, init: { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: sp.toString() } };
  }
  const q = sp.toString();
  return { url: base + r.path + (q ? '?' + q : ''), init: { method } };
}

export async function fetchAnswer(base: string, r: ReplayRequest): Promise<ReplayAnswer> {
  const { url, init } = buildRequest(base, r);
  const resp = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  return { status: resp.status, contentType: resp.headers.get('content-type'), location: resp.headers.get('location'), body: await resp.text() };
}

export async function replay(baseA: string, baseB: string, requests: readonly ReplayRequest[]): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const r of requests) {
    const [a, b] = await Promise.all([fetchAnswer(baseA, r), fetchAnswer(baseB, r)]);
    const diffs = compareAnswers(a, b, [...ALLOWED_TO_DIFFER, ...(r.allowDiff ?? [])], r.mode ?? 'exact');
    out.push({ name: r.name, equal: diffs.length === 0, a, b, diffs });
  }
  return out;
}

export function compareAnswers(a: ReplayAnswer, b: ReplayAnswer, allowed: readonly string[], mode: 'exact' | 'shape'): string[] {
  const diffs: string[] = [];
  if (a.status !== b.status) diffs.push(`status ${a.status} != ${b.status}`);
  if (a.contentType !== b.contentType) diffs.push(`content-type ${a.contentType} != ${b.contentType}`);
  if (a.location !== b.location) diffs.push(`location ${a.location} != ${b.location}`);
  const ja = tryJson(a.body);
  const jb = tryJson(b.body);
  if (ja === undefined || jb === undefined) {
    if (a.body !== b.body) diffs.push(`body ${JSON.stringify(a.body.slice(0, 200))} != ${JSON.stringify(b.body.slice(0, 200))}`);
    return diffs;
  }
  const pats = allowed.map(compilePath);
  const na = JSON.stringify(mode === 'shape' ? shape(blank(ja, pats, [])) : blank(ja, pats, []));
  const nb = JSON.stringify(mode === 'shape' ? shape(blank(jb, pats, [])) : blank(jb, pats, []));
  if (na !== nb) diffs.push(`json ${firstDifference(na, nb)}`);
  return diffs;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function compilePath(p: string): string[] {
  return p.split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, '.'));
}

/** Replaces allowed-to-differ values with a marker, keeping key order. */
function blank(v: unknown, pats: string[][], path: string[]): unknown {
  if (pats.some((p) => p.length === path.length && p.every((s, i) => s === '*' || s === path[i]))) return '<allowed>';
  if (Array.isArray(v)) return v.map((x, i) => blank(x, pats, [...path, String(i)]));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = blank(x, pats, [...path, k]);
    return o;
  }
  return v;
}

/**
 * The structure of a value: types, keys in order, first array element. An array element
 * that is an object of strings is a label set, whose keys are data: it becomes "labelset".
 */
export function shape(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0) return [];
    const first = v[0];
    if (first && typeof first === 'object' && !Array.isArray(first) && Object.values(first).every((x) => typeof x === 'string')) return ['labelset'];
    return [shape(first)];
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = shape(x);
    return o;
  }
  return v === '<allowed>' ? v : typeof v;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))} != ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 60))}`;
}
