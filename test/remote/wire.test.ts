// Wire format: WriteRequest / ReadRequest / ReadResponse round trips through our encoder and
// decoder, including negative timestamps and StaleNaN bit patterns, under snappy block framing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, STALE_NAN, isStaleNaN } from '../../src/model/index.js';
import { ProtoWriter, compress, decompress, decodeReadRequest, decodeReadResponse, decodeWriteRequest, encodeLabels, encodeReadRequest, encodeWriteRequest, ReadResponseWriter } from '../../src/storage/remote/index.js';

test('WriteRequest round-trips labels, values, negative timestamps and StaleNaN through snappy', () => {
  const a = Labels.fromObject({ __name__: 'up', job: 'x', instance: 'ünï:9090' });
  const b = Labels.fromObject({ __name__: 'temp' });
  const ts = Float64Array.from([-1, 0, 1_700_000_000_123, 2 ** 52]);
  // Assigned one by one: an array literal would let V8 canonicalise the NaN before we start.
  const vs = new Float64Array(4);
  vs[0] = 1.5;
  vs[1] = STALE_NAN;
  vs[2] = -0;
  vs[3] = 1e308;
  const lb = [encodeLabels(a), encodeLabels(b), encodeLabels(a), encodeLabels(b)];
  const body = compress(encodeWriteRequest(new ProtoWriter(16), lb, ts, vs, 4, [{ family: 'up', type: 'gauge', help: 'h', unit: '' }]));
  const got: { l: string; t: number; v: number }[] = [];
  const md: string[] = [];
  decodeWriteRequest(decompress(body), {
    series(l, t, v, n) {
      for (let i = 0; i < n; i++) got.push({ l: l.toString(), t: t[i]!, v: v[i]! });
    },
    metadata(m) {
      md.push(`${m.family}/${m.type}/${m.help}`);
    },
  });
  assert.equal(got.length, 4);
  assert.deepEqual(got.map((g) => g.t), [-1, 0, 1_700_000_000_123, 2 ** 52]);
  assert.equal(got[0]!.l, a.toString());
  assert.equal(got[0]!.v, 1.5);
  assert.ok(isStaleNaN(got[1]!.v), 'StaleNaN must keep its bit pattern');
  assert.ok(Object.is(got[2]!.v, -0));
  assert.deepEqual(md, ['up/gauge/h']);
});

test('ReadRequest and ReadResponse round-trip queries, matchers, hints and series', () => {
  const req = { queries: [{ startMs: -5, endMs: 1000, matchers: [{ type: 0 as const, name: '__name__', value: 'up' }, { type: 2 as const, name: 'job', value: 'a.*' }], hints: { stepMs: 15000, func: 'rate', startMs: 1, endMs: 2, grouping: ['job'], by: true, rangeMs: 300000 } }], acceptedResponseTypes: [0] };
  assert.deepEqual(decodeReadRequest(encodeReadRequest(req)), req);
  const w = new ReadResponseWriter();
  w.startResult();
  const m = w.startSeries(Labels.fromObject({ __name__: 'up', job: 'a' }));
  w.sample(10, 1);
  w.sample(20, 2);
  w.endSeries(m);
  w.endResult();
  const res = decodeReadResponse(w.finish());
  assert.equal(res.length, 1);
  assert.equal(res[0]![0]!.labels.get('job'), 'a');
  assert.deepEqual([...res[0]![0]!.ts], [10, 20]);
  assert.deepEqual([...res[0]![0]!.vs], [1, 2]);
});
