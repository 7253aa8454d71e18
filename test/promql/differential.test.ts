// Differential test against Debian's real Prometheus 2.42: hundreds of mutated queries go to
// its /api/v1/format_query; our parser must give the same prettified string or the same
// positioned error text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { debianBinary, freePort, startProcess, tempDir, waitForHttp } from '../helpers/index.js';
import { rng, queryCorpus } from './corpus.js';
import { parseExpr, prettyExpr } from '../../src/promql/index.js';

const prometheus = debianBinary('prometheus');

const TOKENS = ['(', ')', '{', '}', '[', ']', ',', '=', '=~', '!=', '==', '+', '-', '*', '/', '^', ':', 'offset', 'by', 'without', 'on',
  'ignoring', 'group_left', 'bool', 'sum', 'topk', 'rate', 'foo', '"x"', '5m', '1', 'Inf', ' ', 'start()', '1e'];

test('parser and printer agree with Debian prometheus 2.42 on mutated queries', { skip: prometheus ? false : 'Debian prometheus is not installed', timeout: 90_000 }, async () => {
  const port = await freePort();
  const dir = tempDir();
  const cfg = join(dir.path, 'p.yml');
  (await import('node:fs')).writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const p = startProcess(prometheus!, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, p);
    const r = rng(2042);
    const corpus = queryCorpus(200);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
    const mutate = (s: string): string => {
      const pos = Math.floor(r() * (s.length + 1));
      switch (Math.floor(r() * 3)) {
        case 0: return s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 3));
        case 1: return s.slice(0, pos) + pick(TOKENS) + s.slice(pos);
        default: {
          const a = Math.floor(r() * s.length);
          return s.slice(0, pos) + s.slice(a, a + 1 + Math.floor(r() * 8)) + s.slice(pos);
        }
      }
    };
    const diffs: string[] = [];
    let compared = 0;
    // Long expressions first: these exercise the line splitting of the prettifier.
    const long = [
      'sum by (job, instance) (rate(http_requests_total{job="api-server",handler=~"/api/v1/.*",code=~"5.."}[5m])) / ignoring (code) group_left sum by (job, instance) (rate(http_requests_total[5m]))',
      'histogram_quantile(0.99, sum without (pod, container) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[10m])))',
      '-(avg_over_time(sum by (job) (rate(process_cpu_seconds_total{job=~"prometheus|alertmanager|node-exporter"}[1m]))[30m:1m] offset 1h))',
      'topk(10, count by (__name__, job) ({__name__=~".+", job=~"kubernetes-.*", instance!~"10\\.0\\..*"}) > 1000 and on (job) up{job=~"kubernetes-.*"} == 1)',
      'label_replace(max_over_time(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay",mountpoint!="/boot"}[1h]), "disk", "$1", "device", "/dev/(.*)")',
    ];
    const next = (): string => {
      if (long.length > 0) return long.shift()!;
      const q = mutate(pick(corpus));
      return r() < 0.5 ? mutate(q) : q;
    };
    while (compared < 400) {
      const q = next();
      // Excluded, with reason: Go strings may hold invalid UTF-8 that JS strings cannot (\xff
      // escapes), and yacc names '@' in a few error states by its internal number ("<Item 57385>").
      if (/\\x[89a-fA-F]|\\[23][0-7]{2}|@/.test(q)) continue;
      compared++;
      const res = (await (await fetch(`http://127.0.0.1:${port}/api/v1/format_query?query=${encodeURIComponent(q)}`)).json()) as { status: string; data?: string; error?: string };
      let ours: string;
      try {
        ours = 'ok ' + prettyExpr(parseExpr(q));
      } catch (e) {
        ours = 'error ' + (e as Error).message;
      }
      const theirs = res.status === 'success' ? 'ok ' + res.data : 'error ' + res.error!.replace(/^invalid parameter "query": /, '');
      if (ours !== theirs) diffs.push(`${JSON.stringify(q)}\n  ours   ${ours}\n  theirs ${theirs}`);
    }
    console.log(`promql differential: ${compared - diffs.length}/${compared} mutated queries agree with Debian prometheus`);
    assert.deepEqual(diffs, []);
  } finally {
    await p.stop();
    dir.cleanup();
  }
});
