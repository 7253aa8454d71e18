// role: endpoints — one target per address and port of each Endpoints subset, with the labels
// of the service of the same name and of the backing pod; pod container ports that no
// endpoint port covers become targets too (Prometheus 2.42 discovery/kubernetes/endpoints.go).
// Group source "endpoints/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { addMetaLabels, joinHostPort, META, NAMESPACE_LABEL, type LabelSet } from './labels.js';
import type { ContainerPort, EndpointAddress, EndpointPort, Endpoints, ObjectReference, Pod, Service } from './objects.js';
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
  const seenPods: SeenPods = new Map();
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
    targets.push(pod ? withPodTarget(t, pod, port.port, () => port.protocol ?? '', seenPods) : t);
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
/** Pods an endpoints object points at, with the ports its targets covered. */
export type SeenPods = Map<string, { pod: Pod; ports: number[] }>;

/**
 * A target's labels plus its pod's and, when one of the pod's regular containers (2.42 looks
 * at no init containers) exposes `port`, that container's; records the pod and port so
 * uncoveredPodPorts() can add the pod's other ports.
 */
export function withPodTarget(t: LabelSet, pod: Pod, port: number | undefined, protocolOf: (cp: ContainerPort) => string, seenPods: SeenPods): LabelSet {
  const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  let seen = seenPods.get(key);
  if (!seen) seenPods.set(key, (seen = { pod, ports: [] }));
  const out: LabelSet = { ...t, ...podLabels(pod) };
  if (port === undefined) return out;
  outer: for (const c of pod.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) {
      if (cp.containerPort !== port) continue;
      out[POD_CONTAINER_NAME] = c.name ?? '';
      out[POD_CONTAINER_IMAGE] = c.image ?? '';
      out[POD_CONTAINER_PORT_NAME] = cp.name ?? '';
      out[POD_CONTAINER_PORT_NUMBER] = String(port);
      out[POD_CONTAINER_PORT_PROTOCOL] = protocolOf(cp);
      break outer;
    }
  }
  seen.ports.push(port);
  return out;
}

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
