// Prometheus 2.42's own parser tables (promparse_test.go, openmetricsparse_test.go), read from
// ../shared/conformance/textparse: every entry, value, timestamp, exemplar and error text.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';
import { Entry, OpenMetricsParser, PromParser, TextParseError, type Parser } from '../../src/textparse/index.js';

interface Input { base64: string; text: string | null }
interface Expected {
  kind: string; metric?: string; help?: string; type?: string; unit?: string; comment?: string;
  series?: string; value?: number | string; timestamp_ms?: number | null; labels?: Record<string, string>;
  exemplar?: { labels: Record<string, string>; value: number; has_ts: boolean; ts_ms: number } | null;
}
interface Cases {
  parse: { input: Input; expected: Expected[] };
  errors: { cases: { input: Input; error: string }[] };
  null_bytes: { cases: { input: Input; error: string }[] };
}

const load = (f: string): Cases => JSON.parse(readFileSync(join(conformanceDir, 'textparse', f), 'utf8')) as Cases;
const bytes = (i: Input): Buffer => Buffer.from(i.base64, 'base64');

/** Drives a parser to the end; returns 'EOF' or the error text, like the upstream tests. */
function drain(p: Parser): string {
  try {
    while (p.next() !== Entry.EOF);
    return 'EOF';
  } catch (e) {
    if (e instanceof TextParseError) return e.message;
    throw e;
  }
}

function entries(p: Parser): Expected[] {
  const out: Expected[] = [];
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    switch (e) {
      case Entry.Help: out.push({ kind: 'help', metric: p.metaName(), help: p.help() }); break;
      case Entry.Type: out.push({ kind: 'type', metric: p.metaName(), type: p.type() }); break;
      case Entry.Unit: out.push({ kind: 'unit', metric: p.metaName(), unit: p.unit() }); break;
      case Entry.Comment: out.push({ kind: 'comment', comment: p.comment() }); break;
      case Entry.Series: {
        const ex = p.exemplar();
        out.push({
          kind: 'series', series: p.series(), value: p.value, timestamp_ms: p.hasTimestamp ? p.timestamp : null, labels: p.labels().toObject(),
          exemplar: ex && { labels: ex.labels.toObject(), value: ex.value, has_ts: ex.hasTs, ts_ms: ex.ts },
        });
      }
    }
  }
  return out;
}

function normalise(e: Expected, om: boolean): Expected {
  const c = { ...e };
  if (c.kind === 'series') {
    if (typeof c.value === 'string') c.value = Number(c.value.replace(/^\+/, ''));
    if (!om) delete c.exemplar;
    else c.exemplar ??= null;
  }
  return c;
}

for (const [file, make, om] of [
  ['promparse-cases.json', (b: Buffer) => new PromParser(b), false],
  ['openmetricsparse-cases.json', (b: Buffer) => new OpenMetricsParser(b), true],
] as const) {
  describe(`textparse conformance: ${file}`, () => {
    const cases = load(file);
    test('parses the upstream entry table entry by entry', () => {
      const got = entries(make(bytes(cases.parse.input))).map((e) => normalise(e, om));
      const want = cases.parse.expected.map((e) => normalise(e, om));
      for (let i = 0; i < Math.max(got.length, want.length); i++) assert.deepEqual(got[i], want[i], `entry ${i}`);
      console.log(`# ${file}: ${want.length} entries match`);
    });
    test('rejects malformed input with Prometheus error texts', () => {
      let n = 0;
      for (const c of cases.errors.cases) {
        assert.equal(drain(make(bytes(c.input))), c.error, `input ${JSON.stringify(c.input.text ?? c.input.base64)}`);
        n++;
      }
      console.log(`# ${file}: ${n} error cases match`);
    });
    test('handles NUL bytes like Prometheus', () => {
      let n = 0;
      for (const c of cases.null_bytes.cases) {
        assert.equal(drain(make(bytes(c.input))), c.error === '' ? 'EOF' : c.error, `input ${JSON.stringify(c.input.text ?? c.input.base64)}`);
        n++;
      }
      console.log(`# ${file}: ${n} null-byte cases match`);
    });
  });
}

describe('textparse conformance: sample files', () => {
  test('promtestdata.txt and the .nometa variant hold 410 samples each, same series', () => {
    const series: string[][] = [];
    for (const f of ['promtestdata.txt', 'promtestdata.nometa.txt']) {
      const p = new PromParser(readFileSync(join(conformanceDir, 'textparse', f)));
      const s: string[] = [];
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) s.push(p.labels().key() + ' ' + p.value);
      series.push(s);
      // Upstream's benchmark hard-codes this count (promtestdataSampleCount).
      assert.equal(s.length, 410, f);
    }
    assert.deepEqual(series[0], series[1]);
  });
  test('the OpenMetrics sample files parse to # EOF with exemplars', () => {
    let exemplars = 0;
    let samples = 0;
    for (const f of ['v3.0.0/omtestdata.txt', 'v3.0.0/omhistogramdata.txt']) {
      const p = new OpenMetricsParser(readFileSync(join(conformanceDir, 'textparse', f)));
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
        if (e !== Entry.Series) continue;
        samples++;
        if (p.exemplar()) exemplars++;
      }
    }
    assert.ok(samples > 0 && exemplars > 0, `samples ${samples}, exemplars ${exemplars}`);
    console.log(`# OpenMetrics samples: ${samples} series, ${exemplars} exemplars`);
  });
});
