// kubernetes_sd_configs: list and watch the API server for one role (pod, service, endpoints,
// endpointslice, ingress, node) in the configured namespaces, and send one target group per
// object with Prometheus 2.42's sources and __meta_kubernetes_* labels.
import type { KubernetesRole, KubernetesSDConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../types.js';
import { connect, type ConnectOptions, type Connection } from './connection.js';
import { Informer, type Selector } from './informer.js';
import { nodeMetaLabels } from './node.js';
import type { K8sObject, Node, Pod, Service } from './objects.js';
import { RESOURCE_PATHS, ROLES, type Lookups, type RoleSpec } from './roles.js';

export { KubernetesSDError } from './errors.js';
export { connect, SERVICE_ACCOUNT_DIR, type Connection, type ConnectOptions } from './connection.js';
export { sanitizeLabelName } from './labels.js';
export { buildPod } from './pod.js';
export { buildService } from './service.js';
export { buildEndpoints } from './endpoints.js';
export { buildEndpointSlice } from './endpointslice.js';
export { buildIngress, matchesHostnamePattern } from './ingress.js';
export { buildNode } from './node.js';

/** The informers of one namespace and the lookups its builders use. */
interface NamespaceWatch {
  readonly main: Informer<K8sObject>;
  /** Services of the namespace (endpoints roles only), also in `others`. */
  readonly services?: Informer<K8sObject>;
  readonly others: Informer<K8sObject>[];
  readonly look: Lookups;
}

export class KubernetesDiscoverer implements Discoverer {
  private readonly conn: Connection;

  /** Throws KubernetesSDError when the API server cannot be located (no in-cluster env, bad kubeconfig). */
  constructor(private readonly cfg: KubernetesSDConfig, opts: ConnectOptions = {}) {
    this.conn = connect(cfg, opts);
  }

  /** Namespaces to watch; [''] means all. */
  namespaces(): string[] {
    const names = [...(this.cfg.namespaces?.names ?? [])];
    if (this.cfg.namespaces?.own_namespace && this.conn.ownNamespace) names.push(this.conn.ownNamespace);
    return names.length === 0 ? [''] : [...new Set(names)];
  }

  private selector(role: KubernetesRole): Selector {
    const s = (this.cfg.selectors ?? []).find((x) => x.role === role);
    return { label: s?.label, field: s?.field };
  }

  async run(ctx: DiscovererContext): Promise<void> {
    const role = this.cfg.role;
    const spec = ROLES[role];
    const logger = ctx.logger.with({ role });
    const informer = (path: string, r: KubernetesRole): Informer<K8sObject> => new Informer(this.conn, path, this.selector(r), logger);

    const nodes = this.cfg.attach_metadata?.node && spec.nodeMetadata ? informer(RESOURCE_PATHS.node(), 'node') : undefined;
    const nodeLabels = nodes
      ? (name: string | undefined) => {
          const n = name === undefined ? undefined : (nodes.store.get('/' + name) as Node | undefined);
          return n ? nodeMetaLabels(n) : undefined;
        }
      : undefined;

    const watches: NamespaceWatch[] = (role === 'node' ? [''] : this.namespaces()).map((ns) => {
      const main = informer(RESOURCE_PATHS[role](ns), role);
      if (!spec.withServicesAndPods) return { main, others: [], look: { service: () => undefined, pod: () => undefined, nodeLabels } };
      const services = informer(RESOURCE_PATHS.service(ns), 'service');
      const pods = informer(RESOURCE_PATHS.pod(ns), 'pod');
      const look: Lookups = {
        service: (n, name) => services.store.get(`${n}/${name}`) as Service | undefined,
        pod: (ref) => (ref?.kind === 'Pod' ? (pods.store.get(`${ref.namespace ?? ns}/${ref.name ?? ''}`) as Pod | undefined) : undefined),
        nodeLabels,
      };
      return { main, services, others: [services, pods], look };
    });

    let ready = false;
    const emit = (w: NamespaceWatch, key: string, obj: K8sObject | undefined): void => {
      const g = obj ? build(spec, obj, w.look, logger) : { source: spec.source(key), targets: [], labels: {} };
      if (g && !ctx.signal.aborted) ctx.send([g]);
    };
    for (const w of watches) {
      w.main.onChange((key, obj) => ready && emit(w, key, obj));
      // Endpoints carry their service's labels: a service change rebuilds what uses it.
      w.services?.onChange((key) => {
        if (!ready) return;
        const i = key.indexOf('/');
        for (const [k, o] of w.main.store) if (spec.usesService(o, key.slice(0, i), key.slice(i + 1))) emit(w, k, o);
      });
    }
    nodes?.onChange((key) => {
      if (!ready) return;
      const name = key.slice(1);
      for (const w of watches) for (const [k, o] of w.main.store) if (spec.usesNode(o, name)) emit(w, k, o);
    });

    const all = [...(nodes ? [nodes] : []), ...watches.flatMap((w) => [w.main, ...w.others])];
    const runs = all.map((i) => i.run(ctx.signal));
    try {
      // Like Prometheus, build nothing until every collection is listed, so that the first
      // groups already carry their service, pod and node labels.
      await Promise.race([Promise.all(all.map((i) => i.waitForSync())), new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }))]);
      if (!ctx.signal.aborted) {
        ready = true;
        const groups: TargetGroup[] = [];
        for (const w of watches) {
          for (const o of w.main.store.values()) {
            const g = build(spec, o, w.look, logger);
            if (g) groups.push(g);
          }
        }
        ctx.send(groups);
      }
      await Promise.all(runs);
    } finally {
      await this.conn.dispatcher.destroy().catch(() => undefined);
    }
  }
}

function build(spec: RoleSpec, obj: K8sObject, look: Lookups, logger: Logger): TargetGroup | undefined {
  try {
    const g = spec.build(obj, look);
    if (!g) logger.warn('No node address found', { node: obj.metadata?.name ?? '' });
    return g;
  } catch (e) {
    logger.error('Failed to build target group from Kubernetes object', { object: `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, err: (e as Error).message });
    return undefined;
  }
}
