// role: endpointslice — one target per address and port of each discovery.k8s.io/v1
// EndpointSlice, with the labels of the service named in its kubernetes.io/service-name label
// and of the backing pod (Prometheus 2.42 discovery/kubernetes/endpointslice.go).
// Group source "endpointslice/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { joinHostPort, META, NAMESPACE_LABEL, sanitizeLabelName, type LabelSet } from './labels.js';
import type { EndpointSlice } from './objects.js';
import { uncoveredPodPorts, withPodTarget, type EndpointsLookups, type SeenPods } from './endpoints.js';
import { serviceLabels } from './service.js';

const ES = META + 'endpointslice_';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const endpointSliceSource = (ns: string, name: string): string => `endpointslice/${ns}/${name}`;

export function buildEndpointSlice(es: EndpointSlice, look: EndpointsLookups): TargetGroup {
  const ns = es.metadata?.namespace ?? '';
  const name = es.metadata?.name ?? '';
  const labels: LabelSet = { [NAMESPACE_LABEL]: ns, [ES + 'name']: name, [ES + 'address_type']: es.addressType ?? '' };
  const svcName = es.metadata?.labels?.[SERVICE_NAME_LABEL];
  const svc = svcName === undefined ? undefined : look.service(ns, svcName);
  if (svc) Object.assign(labels, serviceLabels(svc));

  const targets: LabelSet[] = [];
  const seenPods: SeenPods = new Map();
  for (const ep of es.endpoints ?? []) {
    for (const port of es.ports ?? []) {
      for (const addr of ep.addresses ?? []) {
        let t: LabelSet = { __address__: port.port === undefined ? addr : joinHostPort(addr, port.port) };
        if (port.name !== undefined) t[ES + 'port_name'] = port.name;
        if (port.protocol !== undefined) t[ES + 'port_protocol'] = port.protocol;
        if (port.port !== undefined) t[ES + 'port'] = String(port.port);
        if (port.appProtocol !== undefined) t[ES + 'port_app_protocol'] = port.appProtocol;
        const cond = ep.conditions ?? {};
        if (cond.ready !== undefined) t[ES + 'endpoint_conditions_ready'] = String(cond.ready);
        if (cond.serving !== undefined) t[ES + 'endpoint_conditions_serving'] = String(cond.serving);
        if (cond.terminating !== undefined) t[ES + 'endpoint_conditions_terminating'] = String(cond.terminating);
        if (ep.targetRef) {
          t[ES + 'address_target_kind'] = ep.targetRef.kind ?? '';
          t[ES + 'address_target_name'] = ep.targetRef.name ?? '';
        }
        for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
          const n = sanitizeLabelName(k);
          t[ES + 'endpoint_topology_' + n] = v;
          t[ES + 'endpoint_topology_present_' + n] = 'true';
        }
        if (look.nodeLabels) t = { ...t, ...look.nodeLabels(ep.targetRef?.kind === 'Node' ? ep.targetRef.name : ep.nodeName) };
        const pod = look.pod(ep.targetRef);
        targets.push(pod ? withPodTarget(t, pod, port.port, (cp) => cp.protocol ?? '', seenPods) : t);
      }
    }
  }
  targets.push(...uncoveredPodPorts(seenPods));
  return { source: endpointSliceSource(ns, name), targets, labels };
}
