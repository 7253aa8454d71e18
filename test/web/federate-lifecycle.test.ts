// /federate, /-/healthy, /-/ready, /-/reload, /-/quit, /version, /metrics over HTTP.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, STALE_NAN } from '../../src/model/index.js';
import { startTest, req, type Running } from './helpers.js';

describe('federation', () => {
  let s: Running;
  before(async () => {
    s = await startTest({ externalLabels: () => Labels.fromObject({ dc: 'probe', job: 'ext' }), now: () => 600_000 });
    const app = s.storage.appender();
    app.append(0, Labels.fromObject({ __name__: 'big', a: 'x"\\\ny' }), 590_000, 114055848);
    app.append(0, Labels.fromObject({ __name__: 'gone' }), 590_000, STALE_NAN);
    app.append(0, Labels.fromObject({ __name__: 'small' }), 599_000, 4.7671e-5);
    app.append(0, Labels.fromObject({ __name__: 'old' }), 299_999, 1);
    await app.commit();
  });
  after(() => s.close());

  test('latest sample per series, external labels appended, instance="" added', async () => {
    const r = await req(`${s.base}/federate?match[]=up&match[]={__name__=~"big|gone|small|old"}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(r.text, [
      '# TYPE big untyped',
      'big{a="x\\"\\\\\\ny",dc="probe",instance="",job="ext"} 1.14055848e+08 590000',
      '# TYPE small untyped',
      'small{dc="probe",instance="",job="ext"} 4.7671e-05 599000',
      '# TYPE up untyped',
      'up{instance="a:1",job="api",dc="probe"} 1 300000',
      'up{instance="b:1",job="api",dc="probe"} 0 300000',
      'up{instance="n:9100",job="node",dc="probe"} 1 300000',
      '',
    ].join('\n'));
  });

  test('no match[] answers an empty body; a bad selector a plain-text 400', async () => {
    const r = await req(`${s.base}/federate`);
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    const bad = await req(`${s.base}/federate?match[]=up{`);
    assert.equal(bad.status, 400);
    assert.equal(bad.text, '1:4: parse error: unexpected end of input inside braces\n');
    const esc = await req(`${s.base}/federate?match[]=up&x=%zz`);
    assert.equal(esc.text, 'error parsing form values: invalid URL escape "%zz"\n');
    const post = await req(`${s.base}/federate?match[]=up`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, OPTIONS');
  });
});

describe('lifecycle disabled', () => {
  let s: Running;
  let ready = false;
  before(async () => {
    s = await startTest({ ready: () => ready });
  });
  after(() => s.close());

  test('healthy always; ready and the API answer 503 until ready', async () => {
    let r = await req(`${s.base}/-/healthy`);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'Prometheus Server is Healthy.\n');
    r = await req(`${s.base}/-/ready`);
    assert.equal(r.status, 503);
    assert.equal(r.text, 'Service Unavailable');
    r = await req(`${s.base}/api/v1/labels`);
    assert.equal(r.status, 503);
    assert.equal(r.text, 'Service Unavailable');
    r = await req(`${s.base}/api/v1/status/walreplay`);
    assert.equal(r.status, 200, 'WAL replay progress is readable while starting');
    ready = true;
    r = await req(`${s.base}/-/ready`);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'Prometheus Server is Ready.\n');
    r = await req(`${s.base}/-/ready`, { method: 'HEAD' });
    assert.equal(r.status, 200);
  });

  test('reload and quit are refused with Prometheus texts', async () => {
    for (const p of ['reload', 'quit']) {
      for (const m of ['POST', 'PUT']) {
        const r = await req(`${s.base}/-/${p}`, { method: m });
        assert.equal(r.status, 403);
        assert.equal(r.text, 'Lifecycle API is not enabled.');
      }
      const g = await req(`${s.base}/-/${p}`);
      assert.equal(g.status, 405);
      assert.equal(g.text, 'Only POST or PUT requests allowed');
    }
  });

  test('/version and /metrics', async () => {
    const v = await req(`${s.base}/version`);
    assert.equal(v.text, '{"version":"2.42.0+ds","revision":"2.42.0+ds-5+deb12u1","branch":"debian/sid","buildUser":"team+pkg-go@tracker.debian.org","buildDate":"20260604-00:58:54","goVersion":"go1.19.8"}\n');
    assert.equal(Buffer.byteLength(v.text), 179, 'same length as Prometheus 2.42 answered');
    const m = await req(`${s.base}/metrics`);
    assert.equal(m.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(m.text, '# TYPE x counter\nx 1\n');
  });
});

describe('lifecycle enabled', () => {
  let s: Running;
  let reloads = 0;
  let quits = 0;
  let failReload: string | undefined;
  before(async () => {
    s = await startTest({
      reload: async () => {
        reloads++;
        if (failReload) throw new Error(failReload);
      },
      quit: () => {
        quits++;
      },
    }, { enableLifecycle: true });
  });
  after(() => s.close());

  test('reload calls the provider; failures answer 500 with the reason', async () => {
    let r = await req(`${s.base}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    failReload = 'couldn\'t load configuration (--config.file="p.yml")';
    r = await req(`${s.base}/-/reload`, { method: 'PUT' });
    assert.equal(r.status, 500);
    assert.equal(r.text, 'failed to reload config: couldn\'t load configuration (--config.file="p.yml")\n');
    assert.equal(reloads, 2);
  });

  test('quit answers, then asks the server to stop once', async () => {
    const r = await req(`${s.base}/-/quit`, { method: 'POST' });
    assert.equal(r.text, 'Requesting termination... Goodbye!');
    const again = await req(`${s.base}/-/quit`, { method: 'PUT' });
    assert.equal(again.text, 'Termination already in progress.');
    assert.equal(quits, 1);
  });
});
