// dns_sd through node:dns against a tiny authoritative DNS server on 127.0.0.1 (UDP), so the
// real resolver path (SRV and A lookups, NXDOMAIN) is exercised, not a fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { asDurationMs } from '../../src/model/index.js';
import { DnsDiscoverer } from '../../src/discovery/index.js';

function encodeName(n: string): Buffer {
  return Buffer.concat([...n.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
}

/** Answers SRV for _m._tcp.test and A for *.test; everything else NXDOMAIN. */
function answer(q: Buffer): Buffer {
  let i = 12;
  const labels: string[] = [];
  while (q[i]! !== 0) {
    labels.push(q.subarray(i + 1, i + 1 + q[i]!).toString());
    i += q[i]! + 1;
  }
  const qtype = q.readUInt16BE(i + 1);
  const question = q.subarray(12, i + 5);
  const name = labels.join('.').toLowerCase();
  const rrs: Buffer[] = [];
  const rr = (type: number, rdata: Buffer): Buffer => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(0xc00c, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt16BE(1, 4);
    h.writeUInt32BE(60, 6);
    h.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([h, rdata]);
  };
  let rcode = 0;
  if (qtype === 33 && name === '_m._tcp.test') {
    for (const [host, port] of [['a.test', 9100], ['b.test', 9200]] as const) {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(10, 0);
      fixed.writeUInt16BE(5, 2);
      fixed.writeUInt16BE(port, 4);
      rrs.push(rr(33, Buffer.concat([fixed, encodeName(host)])));
    }
  } else if (qtype === 1 && name.endsWith('.test') && name !== 'missing.test') {
    rrs.push(rr(1, Buffer.from([192, 0, 2, 7])));
  } else if (name === 'missing.test') rcode = 3;
  const header = Buffer.alloc(12);
  q.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  return Buffer.concat([header, question, ...rrs]);
}

test('dns_sd resolves SRV and A records through node:dns; a missing name gives an empty group', async () => {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => sock.send(answer(msg), rinfo.port, rinfo.address));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${(sock.address() as AddressInfo).port}`]);
  try {
    const srv = await new DnsDiscoverer({ names: ['_m._tcp.test'], type: 'SRV', port: 0, refresh_interval: asDurationMs(30_000) }, resolver).lookup('_m._tcp.test');
    assert.deepEqual(srv.targets.map((t) => [t['__address__'], t['__meta_dns_srv_record_target'], t['__meta_dns_srv_record_port'], t['__meta_dns_name']]).sort(), [
      ['a.test:9100', 'a.test.', '9100', '_m._tcp.test'],
      ['b.test:9200', 'b.test.', '9200', '_m._tcp.test'],
    ]);
    const a = await new DnsDiscoverer({ names: ['host.test'], type: 'A', port: 9100, refresh_interval: asDurationMs(30_000) }, resolver).lookup('host.test');
    assert.deepEqual(a.targets.map((t) => t['__address__']), ['192.0.2.7:9100']);
    // Through run(): a lookup error (NXDOMAIN) becomes an empty group for that name.
    const sent: { source: string; n: number }[] = [];
    const ac = new AbortController();
    const d = new DnsDiscoverer({ names: ['host.test', 'missing.test'], type: 'A', port: 80, refresh_interval: asDurationMs(30_000) }, resolver);
    const run = d.run({ logger: (await import('../../src/log/index.js')).nopLogger, signal: ac.signal, send: (gs) => { sent.push(...gs.map((g) => ({ source: g.source, n: g.targets.length }))); ac.abort(); } });
    await run;
    assert.deepEqual(sent.sort((x, y) => x.source.localeCompare(y.source)), [{ source: 'host.test', n: 1 }, { source: 'missing.test', n: 0 }]);
  } finally {
    sock.close();
  }
});
