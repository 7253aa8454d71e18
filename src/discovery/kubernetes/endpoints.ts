// role: endpoints — one target per address and port of each Endpoints subset, with the labels
// of the service of the same name and of the backing pod; pod container ports that no
// endpoint port covers become targets too (Prometheus 2.42 discovery/kubernetes/endpoints.go).
// Group source "endpoints/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { addMetaLabels, joinHostPort, META, NAMESPACE_LABEL, type LabelSet } from './labels.js';
import type { EndpointAddress, EndpointPort, Endpoints, ObjectReference, Pod, Service } from './objects.js';
import { podLabels, POD_CONTAINER_IMAGE, POD_CONTAINER_NAME, POD_CONTAINER_PORT_NAME, POD_CONTAINER_PORT_NUMBER, POD_CONTAINER_PORT_PROTOCOL, type NodeLabelsFn } from './pod.js';
import { serviceLabels } from './service.js';

export const endpointsSource = (ns: string, name: string): string => `endpoints/${ns}/${name}`;

/** What the endpoints builders look up in the other watched resources. */
export interface EndpointsLookups {
  readonly service: (ns: string, name: string) => Service | undefined;
  readonly pod: (ref: ObjectReference | undefined) => Pod | undefined;
  /** Set when attach_metadata.node is on. */
  readonly nodeLabels?: NodeLabelsFn;
}

export function buildEndpoints(eps: Endpoints, look: EndpointsLookups): TargetGroup {
  const ns = eps.metadata?.namespace ?? '';
  const name = eps.metadata?.name ?? '';
  const svc = look.service(ns, name);
  const labels: LabelSet = { [NAMESPACE_LABEL]: ns, ...(svc ? serviceLabels(svc) : {}), [META + 'endpoints_name']: name };
  addMetaLabels(labels, 'endpoints', eps.metadata, false);

  const targets: LabelSet[] = [];
  const seenPods = new Map<string, { pod: Pod; ports: number[] }>();
  const add = (addr: EndpointAddress, port: EndpointPort, ready: string): void => {
    let t: LabelSet = {
      __address__: joinHostPort(addr.ip ?? '', port.port ?? 0),
      [META + 'endpoint_port_name']: port.name ?? '',
      [META + 'endpoint_port_protocol']: port.protocol ?? '',
      [META + 'endpoint_ready']: ready,
    };
    if (addr.targetRef) {
      t[META + 'endpoint_address_target_kind'] = addr.targetRef.kind ?? '';
      t[META + 'endpoint_address_target_name'] = addr.targetRef.name ?? '';
    }
    if (addr.nodeName !== undefined) t[META + 'endpoint_node_name'] = addr.nodeName;
    if (addr.hostname) t[META + 'endpoint_hostname'] = addr.hostname;
    if (look.nodeLabels) {
      const node = addr.nodeName ?? (addr.targetRef?.kind === 'Node' ? addr.targetRef.name : undefined);
      t = { ...t, ...look.nodeLabels(node) };
    }
    const pod = look.pod(addr.targetRef);
    if (!pod) {
      targets.push(t);
      return;
    }
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    let seen = seenPods.get(key);
    if (!seen) seenPods.set(key, (seen = { pod, ports: [] }));
    t = { ...t, ...podLabels(pod) };
    // The container port the endpoint port points at, if any (regular containers only in 2.42).
    outer: for (const c of pod.spec?.containers ?? []) {
      for (const cp of c.ports ?? []) {
        if (cp.containerPort !== port.port) continue;
        t[POD_CONTAINER_NAME] = c.name ?? '';
        t[POD_CONTAINER_IMAGE] = c.image ?? '';
        t[POD_CONTAINER_PORT_NAME] = cp.name ?? '';
        t[POD_CONTAINER_PORT_NUMBER] = String(port.port ?? 0);
        t[POD_CONTAINER_PORT_PROTOCOL] = port.protocol ?? '';
        break outer;
      }
    }
    seen.ports.push(port.port ?? 0);
    targets.push(t);
  };

  for (const ss of eps.subsets ?? []) {
    for (const port of ss.ports ?? []) {
      for (const a of ss.addresses ?? []) add(a, port, 'true');
      for (const a of ss.notReadyAddresses ?? []) add(a, port, 'false');
    }
  }
  targets.push(...uncoveredPodPorts(seenPods));
  return { source: endpointsSource(ns, name), targets, labels };
}

/** Targets for container ports of seen pods that no endpoint port covered. */
export function uncoveredPodPorts(seenPods: ReadonlyMap<string, { pod: Pod; ports: readonly number[] }>): LabelSet[] {
  const out: LabelSet[] = [];
  for (const { pod, ports } of seenPods.values()) {
    const ip = pod.status?.podIP;
    if (!ip) continue; // a pod without an IP has nothing to scrape
    for (const c of pod.spec?.containers ?? []) {
      for (const cp of c.ports ?? []) {
        const n = cp.containerPort ?? 0;
        if (ports.includes(n)) continue;
        out.push({
          __address__: joinHostPort(ip, n),
          [POD_CONTAINER_NAME]: c.name ?? '',
          [POD_CONTAINER_IMAGE]: c.image ?? '',
          [POD_CONTAINER_PORT_NAME]: cp.name ?? '',
          [POD_CONTAINER_PORT_NUMBER]: String(n),
          [POD_CONTAINER_PORT_PROTOCOL]: cp.protocol ?? '',
          ...podLabels(pod),
        });
      }
    }
  }
  return out;
}
