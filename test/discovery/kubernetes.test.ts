// kubernetes_sd_configs against a fake API server on 127.0.0.1 that implements list and watch
// (newline-delimited ADDED/MODIFIED/DELETED events on a held-open response, 410 Gone for a
// compacted resourceVersion), first through the discoverer, then through `promts server`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addrs, runDiscoverer } from './harness.js';
import { eventually, freePort, repoRoot, startProcess, tempDir, waitForHttp } from '../helpers/index.js';
import type { KubernetesSDConfig } from '../../src/config/index.js';
import {
  KubernetesDiscoverer, KubernetesSDError, buildEndpointSlice, buildEndpoints, buildIngress, buildNode, buildPod, buildService, matchesHostnamePattern, sanitizeLabelName,
} from '../../src/discovery/kubernetes/index.js';

type Obj = { metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };

// ---------------------------------------------------------------------------------------
// The fake API server
// ---------------------------------------------------------------------------------------

const KIND_OF: [RegExp, string][] = [
  [/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/, 'pods'],
  [/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?services$/, 'services'],
  [/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?endpoints$/, 'endpoints'],
  [/^\/apis\/discovery\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?endpointslices$/, 'endpointslices'],
  [/^\/apis\/networking\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?ingresses$/, 'ingresses'],
  [/^\/api\/v1\/()nodes$/, 'nodes'],
];

interface Watch {
  kind: string;
  ns: string;
  res: ServerResponse;
}

class FakeKube {
  readonly objects = new Map<string, Map<string, Obj>>();
  readonly requests: { url: URL; headers: IncomingMessage['headers'] }[] = [];
  private readonly watches = new Set<Watch>();
  private rv = 100;
  /** Watches from a resourceVersion below this get 410 Gone. */
  compactedBelow = 0;
  /** Answer this many list requests with 500 first. */
  failLists = 0;
  private readonly server = createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  get watchCount(): number {
    return this.watches.size;
  }

  private store(kind: string): Map<string, Obj> {
    let m = this.objects.get(kind);
    if (!m) this.objects.set(kind, (m = new Map()));
    return m;
  }

  /** Adds or replaces an object and tells the open watches (ADDED or MODIFIED). */
  put(kind: string, obj: Obj): void {
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rv);
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const type = this.store(kind).has(key) ? 'MODIFIED' : 'ADDED';
    this.store(kind).set(key, o);
    this.notify(kind, type, o);
  }

  delete(kind: string, ns: string, name: string): void {
    const o = this.store(kind).get(`${ns}/${name}`);
    if (!o) return;
    this.store(kind).delete(`${ns}/${name}`);
    o.metadata.resourceVersion = String(++this.rv);
    this.notify(kind, 'DELETED', o);
  }

  /** Ends every open watch, as an API server does when its watch timeout passes. */
  endWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** Tells open watches their version is too old, as after etcd compaction. */
  expireWatches(): void {
    this.compactedBelow = this.rv + 1;
    for (const w of this.watches) w.res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } }) + '\n');
    this.watches.clear();
  }

  private notify(kind: string, type: string, o: Obj): void {
    for (const w of this.watches) {
      if (w.kind === kind && (w.ns === '' || w.ns === o.metadata.namespace)) w.res.write(JSON.stringify({ type, object: o }) + '\n');
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ url, headers: req.headers });
    const hit = KIND_OF.map(([re, kind]) => [re.exec(url.pathname), kind] as const).find(([m]) => m);
    if (!hit) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404, message: `the server could not find ${url.pathname}` }));
      return;
    }
    const [m, kind] = hit;
    const ns = m![1] ?? '';
    if (url.searchParams.get('watch') === 'true') {
      if (Number(url.searchParams.get('resourceVersion')) < this.compactedBelow) {
        res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 410 }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const w = { kind, ns, res };
      this.watches.add(w);
      res.on('close', () => this.watches.delete(w));
      return;
    }
    if (this.failLists > 0) {
      this.failLists--;
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 500, message: 'etcd is sad' }));
      return;
    }
    const items = [...this.store(kind).values()].filter((o) => ns === '' || o.metadata.namespace === ns);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(this.rv) }, items }));
  }
}

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

const pod = (ns: string, name: string, ip: string, extra: Partial<Obj> = {}): Obj => ({
  metadata: {
    name, namespace: ns, uid: `uid-${name}`,
    labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
    annotations: { 'prometheus.io/scrape': 'true' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-123', controller: true }],
  },
  spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
  status: { podIP: ip, hostIP: '10.0.0.1', phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', containerID: 'containerd://abc' }] },
  ...extra,
});

const baseCfg = (over: Partial<KubernetesSDConfig>): KubernetesSDConfig => ({
  role: 'pod', namespaces: { own_namespace: false, names: [] }, selectors: [], attach_metadata: { node: false },
  tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true, ...over,
});

/** Runs a discoverer, keeping the latest group per source. */

// ---------------------------------------------------------------------------------------
// Label sets per role
// ---------------------------------------------------------------------------------------

describe('kubernetes SD label sets (Prometheus 2.42)', () => {
  test('pod: one target per container port, port-less containers and init containers, sanitized labels with _present_ twins', () => {
    const p = pod('default', 'web-1', '10.1.0.5');
    (p['spec'] as { containers: unknown[]; initContainers: unknown[] }).containers.push({ name: 'sidecar', image: 'side:2' });
    (p['spec'] as { initContainers: unknown[] }).initContainers = [{ name: 'init', image: 'busybox', ports: [{ containerPort: 9000, protocol: 'TCP' }] }];
    const g = buildPod(p);
    assert.equal(g.source, 'pod/default/web-1');
    assert.deepEqual(g.labels, {
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_pod_name: 'web-1',
      __meta_kubernetes_pod_ip: '10.1.0.5',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: 'node-1',
      __meta_kubernetes_pod_host_ip: '10.0.0.1',
      __meta_kubernetes_pod_uid: 'uid-web-1',
      __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
      __meta_kubernetes_pod_controller_name: 'web-123',
      __meta_kubernetes_pod_label_app: 'web',
      __meta_kubernetes_pod_labelpresent_app: 'true',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
      __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
    });
    assert.deepEqual(g.targets, [
      {
        __address__: '10.1.0.5:8080', __meta_kubernetes_pod_container_name: 'app', __meta_kubernetes_pod_container_id: 'containerd://abc',
        __meta_kubernetes_pod_container_image: 'web:1', __meta_kubernetes_pod_container_init: 'false', __meta_kubernetes_pod_container_port_number: '8080',
        __meta_kubernetes_pod_container_port_name: 'http', __meta_kubernetes_pod_container_port_protocol: 'TCP',
      },
      { __address__: '10.1.0.5', __meta_kubernetes_pod_container_name: 'sidecar', __meta_kubernetes_pod_container_id: '', __meta_kubernetes_pod_container_image: 'side:2', __meta_kubernetes_pod_container_init: 'false' },
      {
        __address__: '10.1.0.5:9000', __meta_kubernetes_pod_container_name: 'init', __meta_kubernetes_pod_container_id: '', __meta_kubernetes_pod_container_image: 'busybox',
        __meta_kubernetes_pod_container_init: 'true', __meta_kubernetes_pod_container_port_number: '9000', __meta_kubernetes_pod_container_port_name: '',
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
      },
    ]);
    // No IP yet (pending): the group exists but is empty, which removes old targets.
    const pending = buildPod({ ...p, status: { phase: 'Pending' } });
    assert.deepEqual([pending.targets.length, pending.labels], [0, {}]);
    // IPv6 addresses get brackets, like Go's net.JoinHostPort.
    assert.equal(buildPod(pod('default', 'v6', 'fd00::1')).targets[0]!['__address__'], '[fd00::1]:8080');
    assert.equal(sanitizeLabelName('a.b/c-dé'), 'a_b_c_d_');
  });

  test('service: one target per port at name.ns.svc, cluster IP / external name / load balancer IP by type', () => {
    const svc = (type: string, spec: Record<string, unknown>): Obj => ({ metadata: { name: 'api', namespace: 'prod', labels: { tier: 'be' }, annotations: { 'a/b': 'x' } }, spec: { type, ports: [{ name: 'web', port: 80, protocol: 'TCP' }], ...spec } });
    const g = buildService(svc('ClusterIP', { clusterIP: '10.96.0.10' }));
    assert.equal(g.source, 'svc/prod/api');
    assert.deepEqual(g.labels, {
      __meta_kubernetes_namespace: 'prod', __meta_kubernetes_service_name: 'api', __meta_kubernetes_service_label_tier: 'be', __meta_kubernetes_service_labelpresent_tier: 'true',
      __meta_kubernetes_service_annotation_a_b: 'x', __meta_kubernetes_service_annotationpresent_a_b: 'true',
    });
    assert.deepEqual(g.targets, [{ __address__: 'api.prod.svc:80', __meta_kubernetes_service_port_name: 'web', __meta_kubernetes_service_port_number: '80', __meta_kubernetes_service_port_protocol: 'TCP', __meta_kubernetes_service_type: 'ClusterIP', __meta_kubernetes_service_cluster_ip: '10.96.0.10' }]);
    const ext = buildService(svc('ExternalName', { externalName: 'db.example.com' })).targets[0]!;
    assert.equal(ext['__meta_kubernetes_service_external_name'], 'db.example.com');
    assert.equal(ext['__meta_kubernetes_service_cluster_ip'], undefined);
    assert.equal(buildService(svc('LoadBalancer', { clusterIP: '10.96.0.11', loadBalancerIP: '1.2.3.4' })).targets[0]!['__meta_kubernetes_service_loadbalancer_ip'], '1.2.3.4');
  });

  test('endpoints: ready and not-ready addresses, service and pod labels, uncovered container ports as extra targets', () => {
    const p = pod('default', 'web-1', '10.1.0.5');
    (p['spec'] as { containers: { ports: unknown[] }[] }).containers[0]!.ports.push({ name: 'metrics', containerPort: 9102, protocol: 'TCP' });
    const svc = { metadata: { name: 'web', namespace: 'default', labels: { team: 'a' } }, spec: {} };
    const eps = {
      metadata: { name: 'web', namespace: 'default', labels: { 'endpoints.kubernetes.io/x': 'y' } },
      subsets: [{
        addresses: [{ ip: '10.1.0.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
        notReadyAddresses: [{ ip: '10.1.0.9', hostname: 'h9' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      }],
    };
    const g = buildEndpoints(eps, { service: (ns, n) => (ns === 'default' && n === 'web' ? svc : undefined), pod: (r) => (r?.name === 'web-1' ? p : undefined) });
    assert.equal(g.source, 'endpoints/default/web');
    assert.deepEqual(g.labels, {
      __meta_kubernetes_namespace: 'default', __meta_kubernetes_endpoints_name: 'web',
      __meta_kubernetes_endpoints_label_endpoints_kubernetes_io_x: 'y', __meta_kubernetes_endpoints_labelpresent_endpoints_kubernetes_io_x: 'true',
      __meta_kubernetes_service_name: 'web', __meta_kubernetes_service_label_team: 'a', __meta_kubernetes_service_labelpresent_team: 'true',
    });
    assert.deepEqual(g.targets.map((t) => t['__address__']), ['10.1.0.5:8080', '10.1.0.9:8080', '10.1.0.5:9102']);
    const [direct, notReady, extra] = g.targets;
    assert.equal(direct!['__meta_kubernetes_endpoint_ready'], 'true');
    assert.equal(direct!['__meta_kubernetes_endpoint_node_name'], 'node-1');
    assert.equal(direct!['__meta_kubernetes_endpoint_address_target_kind'], 'Pod');
    assert.equal(direct!['__meta_kubernetes_endpoint_address_target_name'], 'web-1');
    assert.equal(direct!['__meta_kubernetes_pod_name'], 'web-1');
    assert.equal(direct!['__meta_kubernetes_pod_container_name'], 'app');
    assert.equal(direct!['__meta_kubernetes_pod_container_port_name'], 'http');
    assert.deepEqual(notReady, { __address__: '10.1.0.9:8080', __meta_kubernetes_endpoint_port_name: 'http', __meta_kubernetes_endpoint_port_protocol: 'TCP', __meta_kubernetes_endpoint_ready: 'false', __meta_kubernetes_endpoint_hostname: 'h9' });
    assert.equal(extra!['__meta_kubernetes_pod_container_port_name'], 'metrics');
    assert.equal(extra!['__meta_kubernetes_endpoint_ready'], undefined, 'inferred targets carry no endpoint labels');
    assert.equal(extra!['__meta_kubernetes_pod_ready'], 'true');
  });

  test('endpointslice: per-endpoint conditions, port labels, service from kubernetes.io/service-name', () => {
    const es = {
      metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.0.7'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'gone', namespace: 'default' }, deprecatedTopology: { 'kubernetes.io/hostname': 'node-2' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    };
    const g = buildEndpointSlice(es, { service: (_ns, n) => (n === 'web' ? { metadata: { name: 'web', namespace: 'default' } } : undefined), pod: () => undefined });
    assert.equal(g.source, 'endpointslice/default/web-abc');
    assert.deepEqual(g.labels, { __meta_kubernetes_namespace: 'default', __meta_kubernetes_endpointslice_name: 'web-abc', __meta_kubernetes_endpointslice_address_type: 'IPv4', __meta_kubernetes_service_name: 'web' });
    assert.deepEqual(g.targets, [{
      __address__: '10.1.0.7:8080',
      __meta_kubernetes_endpointslice_port_name: 'http', __meta_kubernetes_endpointslice_port_protocol: 'TCP', __meta_kubernetes_endpointslice_port: '8080',
      __meta_kubernetes_endpointslice_port_app_protocol: 'http',
      __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true', __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
      __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
      __meta_kubernetes_endpointslice_address_target_kind: 'Pod', __meta_kubernetes_endpointslice_address_target_name: 'gone',
      __meta_kubernetes_endpointslice_endpoint_topology_kubernetes_io_hostname: 'node-2', __meta_kubernetes_endpointslice_endpoint_topology_present_kubernetes_io_hostname: 'true',
    }]);
  });

  test('ingress: a target per rule path, https when a TLS host (or wildcard) covers the rule', () => {
    const g = buildIngress({
      metadata: { name: 'site', namespace: 'web' },
      spec: { ingressClassName: 'nginx', tls: [{ hosts: ['*.example.com'] }], rules: [{ host: 'a.example.com', http: { paths: [{ path: '/api' }, { path: '' }] } }, { host: 'plain.org' }] },
    });
    assert.equal(g.source, 'ingress/web/site');
    assert.deepEqual(g.labels, { __meta_kubernetes_namespace: 'web', __meta_kubernetes_ingress_name: 'site', __meta_kubernetes_ingress_class_name: 'nginx' });
    assert.deepEqual(g.targets.map((t) => [t['__address__'], t['__meta_kubernetes_ingress_scheme'], t['__meta_kubernetes_ingress_path']]), [
      ['a.example.com', 'https', '/api'], ['a.example.com', 'https', '/'], ['plain.org', 'http', '/'],
    ]);
    assert.equal(matchesHostnamePattern('*.example.com', 'a.b.example.com'), false);
  });

  test('node: kubelet port on the first InternalIP, instance = node name, first address per type', () => {
    const g = buildNode({
      metadata: { name: 'node-1', labels: { 'kubernetes.io/os': 'linux' } },
      spec: { providerID: 'aws:///i-1' },
      status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.1' }, { type: 'InternalIP', address: '10.0.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
    })!;
    assert.equal(g.source, 'node/node-1');
    assert.deepEqual(g.targets, [{ __address__: '10.0.0.1:10250', instance: 'node-1', __meta_kubernetes_node_address_Hostname: 'n1', __meta_kubernetes_node_address_InternalIP: '10.0.0.1' }]);
    assert.deepEqual(g.labels, { __meta_kubernetes_node_provider_id: 'aws:///i-1', __meta_kubernetes_node_name: 'node-1', __meta_kubernetes_node_label_kubernetes_io_os: 'linux', __meta_kubernetes_node_labelpresent_kubernetes_io_os: 'true' });
    assert.equal(buildNode({ metadata: { name: 'x' }, status: { addresses: [] } }), undefined);
  });
});

// ---------------------------------------------------------------------------------------
// The discoverer against the fake API server
// ---------------------------------------------------------------------------------------

describe('kubernetes SD list and watch', () => {
  test('pod role: lists, then follows ADDED/MODIFIED/DELETED; sends the bearer token and selectors', async () => {
    const kube = await new FakeKube().start();
    kube.put('pods', pod('default', 'web-1', '10.1.0.5'));
    kube.put('pods', pod('other', 'web-2', '10.1.0.6'));
    const d = new KubernetesDiscoverer(baseCfg({ api_server: kube.url, bearer_token: 's3cret', selectors: [{ role: 'pod', label: 'app=web', field: 'status.phase=Running' }] }));
    const r = runDiscoverer(d);
    try {
      await eventually(async () => addrs(r.groups).join() === '10.1.0.5:8080,10.1.0.6:8080', 5000, 20);
      assert.deepEqual([...r.groups.keys()].sort(), ['pod/default/web-1', 'pod/other/web-2']);
      const list = kube.requests.find((q) => !q.url.searchParams.has('watch'))!;
      assert.equal(list.url.pathname, '/api/v1/pods');
      assert.equal(list.headers['authorization'], 'Bearer s3cret');
      assert.equal(list.url.searchParams.get('labelSelector'), 'app=web');
      assert.equal(list.url.searchParams.get('fieldSelector'), 'status.phase=Running');
      await eventually(async () => kube.watchCount === 1, 5000, 20);
      const watch = kube.requests.find((q) => q.url.searchParams.get('watch') === 'true')!;
      assert.equal(watch.url.searchParams.get('resourceVersion'), '102');

      kube.put('pods', pod('default', 'web-3', '10.1.0.7'));
      await eventually(async () => r.groups.has('pod/default/web-3'), 5000, 20);
      kube.put('pods', pod('default', 'web-1', '10.1.0.50'));
      await eventually(async () => r.groups.get('pod/default/web-1')?.targets[0]?.['__address__'] === '10.1.0.50:8080', 5000, 20);
      kube.delete('pods', 'other', 'web-2');
      await eventually(async () => !r.groups.has('pod/other/web-2'), 5000, 20);
      assert.deepEqual(addrs(r.groups), ['10.1.0.50:8080', '10.1.0.7:8080']);
    } finally {
      await r.stop();
      await kube.stop();
    }
  });

  test('a watch the server ends is resumed; a 410 Gone re-lists and reports what changed meanwhile', async () => {
    const kube = await new FakeKube().start();
    kube.put('pods', pod('default', 'a', '10.1.0.1'));
    const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ api_server: kube.url, namespaces: { own_namespace: false, names: ['default'] } })));
    try {
      await eventually(async () => kube.watchCount === 1 && r.groups.size === 1, 5000, 20);
      assert.equal(kube.requests[0]!.url.pathname, '/api/v1/namespaces/default/pods');
      kube.endWatches();
      await eventually(async () => kube.watchCount === 1, 5000, 20);
      kube.put('pods', pod('default', 'b', '10.1.0.2'));
      await eventually(async () => r.groups.has('pod/default/b'), 5000, 20);
      const lists = (): number => kube.requests.filter((q) => !q.url.searchParams.has('watch')).length;
      assert.equal(lists(), 1, 'resuming a watch needs no new list');

      // Changes the watch never saw, then the version expires: only a re-list can tell.
      kube.expireWatches();
      kube.delete('pods', 'default', 'a');
      kube.put('pods', pod('default', 'c', '10.1.0.3'));
      await eventually(async () => addrs(r.groups).join() === '10.1.0.2:8080,10.1.0.3:8080', 5000, 20);
      assert.equal(lists(), 2);
    } finally {
      await r.stop();
      await kube.stop();
    }
  });

  test('an API error is logged with the URL and status, retried, and does not stop discovery', async () => {
    const kube = await new FakeKube().start();
    kube.failLists = 1;
    kube.put('pods', pod('default', 'a', '10.1.0.1'));
    const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ api_server: kube.url })));
    try {
      await eventually(async () => r.groups.size === 1, 10_000, 50);
      const line = r.logs.find((l) => l.includes('level=error'))!;
      assert.match(line, /Failed to list or watch Kubernetes objects/);
      assert.match(line, new RegExp(`GET ${kube.url}/api/v1/pods\\?limit=500: server returned HTTP status 500: etcd is sad`));
    } finally {
      await r.stop();
      await kube.stop();
    }
  });

  test('stopping aborts the open watches promptly', async () => {
    const kube = await new FakeKube().start();
    const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ api_server: kube.url, role: 'endpoints' })));
    try {
      await eventually(async () => kube.watchCount === 3, 5000, 20); // endpoints, services, pods
      const t0 = Date.now();
      await r.stop();
      assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0} ms`);
      await eventually(async () => kube.watchCount === 0, 2000, 20);
    } finally {
      await kube.stop();
    }
  });

  test('endpoints role: a service change relabels its endpoints; attach_metadata.node adds node labels', async () => {
    const kube = await new FakeKube().start();
    kube.put('pods', pod('default', 'web-1', '10.1.0.5'));
    kube.put('services', { metadata: { name: 'web', namespace: 'default', labels: { v: '1' } }, spec: {} });
    kube.put('nodes', { metadata: { name: 'node-1', labels: { zone: 'z1' } }, status: {} });
    kube.put('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.1.0.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], ports: [{ port: 8080, protocol: 'TCP' }] }] });
    const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ api_server: kube.url, role: 'endpoints', attach_metadata: { node: true } })));
    try {
      await eventually(async () => r.groups.get('endpoints/default/web')?.labels['__meta_kubernetes_service_label_v'] === '1', 5000, 20);
      const t = r.groups.get('endpoints/default/web')!.targets[0]!;
      assert.equal(t['__meta_kubernetes_pod_name'], 'web-1');
      assert.equal(t['__meta_kubernetes_node_name'], 'node-1');
      assert.equal(t['__meta_kubernetes_node_label_zone'], 'z1');
      await eventually(async () => kube.watchCount === 4, 5000, 20);
      kube.put('services', { metadata: { name: 'web', namespace: 'default', labels: { v: '2' } }, spec: {} });
      await eventually(async () => r.groups.get('endpoints/default/web')?.labels['__meta_kubernetes_service_label_v'] === '2', 5000, 20);
      kube.put('nodes', { metadata: { name: 'node-1', labels: { zone: 'z2' } }, status: {} });
      await eventually(async () => r.groups.get('endpoints/default/web')?.targets[0]?.['__meta_kubernetes_node_label_zone'] === 'z2', 5000, 20);
    } finally {
      await r.stop();
      await kube.stop();
    }
  });

  test('service, endpointslice and ingress roles read their API groups (core/v1, discovery.k8s.io/v1, networking.k8s.io/v1)', async () => {
    const kube = await new FakeKube().start();
    kube.put('services', { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ port: 80, protocol: 'TCP' }] } });
    kube.put('endpointslices', { metadata: { name: 'web-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.5'] }], ports: [{ port: 8080 }] });
    kube.put('ingresses', { metadata: { name: 'site', namespace: 'default' }, spec: { rules: [{ host: 'example.com' }] } });
    const expect: [KubernetesSDConfig['role'], string, string][] = [
      ['service', 'svc/default/web', 'web.default.svc:80'],
      ['endpointslice', 'endpointslice/default/web-x', '10.1.0.5:8080'],
      ['ingress', 'ingress/default/site', 'example.com'],
    ];
    try {
      for (const [role, source, address] of expect) {
        const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ api_server: kube.url, role })));
        try {
          await eventually(async () => r.groups.get(source)?.targets[0]?.['__address__'] === address, 5000, 20);
        } finally {
          await r.stop();
        }
      }
      assert.equal(
        kube.requests.find((q) => q.url.pathname.includes('endpointslices'))!.url.pathname,
        '/apis/discovery.k8s.io/v1/endpointslices',
      );
    } finally {
      await kube.stop();
    }
  });

  test('kubeconfig_file: server and token come from the current context', async () => {
    const kube = await new FakeKube().start();
    kube.put('nodes', { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
    const dir = tempDir();
    writeFileSync(join(dir.path, 'token'), 'from-file\n');
    const kc = join(dir.path, 'kubeconfig');
    writeFileSync(kc, [
      'apiVersion: v1', 'kind: Config', 'current-context: test',
      'contexts: [{name: test, context: {cluster: c, user: u}}, {name: other, context: {cluster: x, user: x}}]',
      `clusters: [{name: c, cluster: {server: "${kube.url}"}}]`,
      'users: [{name: u, user: {tokenFile: token}}]',
    ].join('\n'));
    const r = runDiscoverer(new KubernetesDiscoverer(baseCfg({ role: 'node', kubeconfig_file: kc })));
    try {
      await eventually(async () => addrs(r.groups).join() === '10.0.0.9:10250', 5000, 20);
      assert.equal(kube.requests[0]!.headers['authorization'], 'Bearer from-file');
    } finally {
      await r.stop();
      await kube.stop();
      dir.cleanup();
    }
  });

  test('in-cluster: needs KUBERNETES_SERVICE_HOST/PORT, reads the service account, own_namespace', () => {
    const dir = tempDir();
    try {
      assert.throws(() => new KubernetesDiscoverer(baseCfg({}), { env: {} }), (e: unknown) => e instanceof KubernetesSDError && /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/.test(e.message));
      assert.throws(() => new KubernetesDiscoverer(baseCfg({}), { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: join(dir.path, 'none') }), /cannot read the pod service account/);
      mkdirSync(join(dir.path, 'sa'));
      for (const [f, v] of [['token', 't'], ['ca.crt', 'not-a-real-ca'], ['namespace', 'monitoring']]) writeFileSync(join(dir.path, 'sa', f!), v!);
      const d = new KubernetesDiscoverer(baseCfg({ namespaces: { own_namespace: true, names: ['a'] } }), { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: join(dir.path, 'sa') });
      assert.deepEqual(d.namespaces(), ['a', 'monitoring']);
    } finally {
      dir.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------------------
// End to end: `promts server` with kubernetes_sd_configs
// ---------------------------------------------------------------------------------------

/**
 * `promts server` as the CLI runs it (the oclif command class, its flag parsing and the server
 * wiring), loaded from the TypeScript sources so that no build is needed: bin/run.cjs runs dist/.
 */
const SERVER_FROM_SOURCE = `const {default: Server} = await import(${JSON.stringify(join(repoRoot, 'commands', 'server.ts'))}); await Server.run(process.argv.slice(1), ${JSON.stringify('file://' + join(repoRoot, 'bin', 'run.cjs'))})`;

interface ApiTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
}

describe('promts server with kubernetes_sd_configs', () => {
  test('targets from role pod and role endpoints appear in /api/v1/targets and follow watch events', async () => {
    const kube = await new FakeKube().start();
    kube.put('pods', pod('default', 'web-1', '10.1.0.5'));
    kube.put('services', { metadata: { name: 'web', namespace: 'default' }, spec: {} });
    kube.put('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.1.0.5', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] });
    const dir = tempDir();
    const port = await freePort();
    writeFileSync(join(dir.path, 'prometheus.yml'), [
      'global: {scrape_interval: 1h}',
      'scrape_configs:',
      '  - job_name: pods',
      '    kubernetes_sd_configs: [{role: pod, api_server: "' + kube.url + '"}]',
      '    relabel_configs:',
      '      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}',
      '  - job_name: endpoints',
      '    kubernetes_sd_configs: [{role: endpoints, api_server: "' + kube.url + '", namespaces: {names: [default]}}]',
    ].join('\n') + '\n');
    const srv = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVER_FROM_SOURCE, '--', `--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: repoRoot });
    const targets = async (): Promise<ApiTarget[]> => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as { data: { activeTargets: ApiTarget[] } }).data.activeTargets;
    const of = (ts: ApiTarget[], pool: string): ApiTarget[] => ts.filter((t) => t.scrapePool === pool);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, srv);
      let last: ApiTarget[] = [];
      const first = await eventually(async () => {
        const ts = (last = await targets());
        return of(ts, 'pods').length === 1 && of(ts, 'endpoints').length === 1 ? ts : undefined;
      }, 30_000, 200).catch((e: Error) => assert.fail(`${e.message}\n${JSON.stringify(last)}\n${srv.output()}`));
      const p = of(first, 'pods')[0]!;
      assert.equal(p.discoveredLabels['__address__'], '10.1.0.5:8080');
      assert.equal(p.discoveredLabels['__meta_kubernetes_pod_name'], 'web-1');
      assert.equal(p.discoveredLabels['__meta_kubernetes_namespace'], 'default');
      assert.equal(p.discoveredLabels['__meta_kubernetes_pod_container_port_name'], 'http');
      assert.equal(p.discoveredLabels['__meta_kubernetes_pod_label_app_kubernetes_io_name'], 'web');
      assert.equal(p.labels['pod'], 'web-1');
      const e = of(first, 'endpoints')[0]!;
      assert.equal(e.discoveredLabels['__meta_kubernetes_endpoints_name'], 'web');
      assert.equal(e.discoveredLabels['__meta_kubernetes_service_name'], 'web');
      assert.equal(e.discoveredLabels['__meta_kubernetes_pod_name'], 'web-1');
      assert.equal(e.discoveredLabels['__meta_kubernetes_endpoint_ready'], 'true');

      // A pod arrives, one goes away: the watch carries both to the targets page.
      kube.put('pods', pod('default', 'web-2', '10.1.0.6'));
      kube.delete('pods', 'default', 'web-1');
      await eventually(async () => {
        const ps = of(await targets(), 'pods');
        return ps.length === 1 && ps[0]!.discoveredLabels['__meta_kubernetes_pod_name'] === 'web-2';
      }, 30_000, 200);
      assert.doesNotMatch(srv.output(), /level=error.*discovery/, 'discovery logged no errors');
    } finally {
      await srv.stop();
      await kube.stop();
      dir.cleanup();
    }
  });
});
