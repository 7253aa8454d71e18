// role: pod — one target per declared container port, or one port-less target per container
// without ports (Prometheus 2.42 discovery/kubernetes/pod.go). Group source "pod/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { joinHostPort, META, NAMESPACE_LABEL, objectMetaLabels, type LabelSet } from './labels.js';
import type { Container, Pod } from './objects.js';

export const POD_CONTAINER_NAME = META + 'pod_container_name';
export const POD_CONTAINER_IMAGE = META + 'pod_container_image';
export const POD_CONTAINER_PORT_NAME = META + 'pod_container_port_name';
export const POD_CONTAINER_PORT_NUMBER = META + 'pod_container_port_number';
export const POD_CONTAINER_PORT_PROTOCOL = META + 'pod_container_port_protocol';
const POD_CONTAINER_ID = META + 'pod_container_id';
const POD_CONTAINER_INIT = META + 'pod_container_init';

/** Looks up the labels attach_metadata.node adds for a node name (undefined: none). */
export type NodeLabelsFn = (nodeName: string | undefined) => LabelSet | undefined;

export const podSource = (ns: string, name: string): string => `pod/${ns}/${name}`;

/** The pod-level labels, shared with the endpoints roles for pod-backed targets. */
export function podLabels(pod: Pod): LabelSet {
  const ls: LabelSet = {
    [META + 'pod_ip']: pod.status?.podIP ?? '',
    [META + 'pod_ready']: podReady(pod),
    [META + 'pod_phase']: pod.status?.phase ?? '',
    [META + 'pod_node_name']: pod.spec?.nodeName ?? '',
    [META + 'pod_host_ip']: pod.status?.hostIP ?? '',
    [META + 'pod_uid']: pod.metadata?.uid ?? '',
  };
  objectMetaLabels(ls, 'pod', pod.metadata);
  const ctrl = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (ctrl?.kind) ls[META + 'pod_controller_kind'] = ctrl.kind;
  if (ctrl?.name) ls[META + 'pod_controller_name'] = ctrl.name;
  return ls;
}

/** "true"/"false"/"unknown" from the Ready condition, lower-cased as Prometheus does. */
function podReady(pod: Pod): string {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return (c?.status ?? 'Unknown').toLowerCase();
}

/** Regular containers then init containers, each with its is-init flag. */
export function allContainers(pod: Pod): { c: Container; init: boolean }[] {
  return [...(pod.spec?.containers ?? []).map((c) => ({ c, init: false })), ...(pod.spec?.initContainers ?? []).map((c) => ({ c, init: true }))];
}

export function buildPod(pod: Pod, nodeLabels?: NodeLabelsFn): TargetGroup {
  const ns = pod.metadata?.namespace ?? '';
  const source = podSource(ns, pod.metadata?.name ?? '');
  const ip = pod.status?.podIP ?? '';
  // A pod without an IP (starting, evicted) has no targets yet.
  if (!ip) return { source, targets: [], labels: {} };
  const labels = { ...podLabels(pod), [NAMESPACE_LABEL]: ns, ...nodeLabels?.(pod.spec?.nodeName) };
  const targets: LabelSet[] = [];
  for (const { c, init } of allContainers(pod)) {
    const statuses = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    const base: LabelSet = {
      [POD_CONTAINER_NAME]: c.name ?? '',
      [POD_CONTAINER_ID]: statuses?.find((s) => s.name === c.name)?.containerID ?? '',
      [POD_CONTAINER_IMAGE]: c.image ?? '',
      [POD_CONTAINER_INIT]: String(init),
    };
    const ports = c.ports ?? [];
    // No declared port: the pod IP alone; the user adds a port by relabeling.
    if (ports.length === 0) targets.push({ __address__: ip, ...base });
    for (const p of ports) {
      const port = String(p.containerPort ?? 0);
      targets.push({
        __address__: joinHostPort(ip, port),
        ...base,
        [POD_CONTAINER_PORT_NUMBER]: port,
        [POD_CONTAINER_PORT_NAME]: p.name ?? '',
        [POD_CONTAINER_PORT_PROTOCOL]: p.protocol ?? '',
      });
    }
  }
  return { source, targets, labels };
}
