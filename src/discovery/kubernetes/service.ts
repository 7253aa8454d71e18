// role: service — one target per service port at <name>.<ns>.svc:<port> (Prometheus 2.42
// discovery/kubernetes/service.go). Group source "svc/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { joinHostPort, META, NAMESPACE_LABEL, objectMetaLabels, type LabelSet } from './labels.js';
import type { Service } from './objects.js';

export const serviceSource = (ns: string, name: string): string => `svc/${ns}/${name}`;

/** Group labels of a service; the endpoints roles add them to the services they back. */
export function serviceLabels(svc: Service): LabelSet {
  const ls: LabelSet = { [NAMESPACE_LABEL]: svc.metadata?.namespace ?? '' };
  objectMetaLabels(ls, 'service', svc.metadata);
  return ls;
}

export function buildService(svc: Service): TargetGroup {
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const type = svc.spec?.type ?? '';
  const targets = (svc.spec?.ports ?? []).map((p) => {
    const t: LabelSet = {
      __address__: joinHostPort(`${name}.${ns}.svc`, p.port ?? 0),
      [META + 'service_port_name']: p.name ?? '',
      [META + 'service_port_number']: String(p.port ?? 0),
      [META + 'service_port_protocol']: p.protocol ?? '',
      [META + 'service_type']: type,
    };
    if (type === 'ExternalName') t[META + 'service_external_name'] = svc.spec?.externalName ?? '';
    else t[META + 'service_cluster_ip'] = svc.spec?.clusterIP ?? '';
    if (type === 'LoadBalancer') t[META + 'service_loadbalancer_ip'] = svc.spec?.loadBalancerIP ?? '';
    return t;
  });
  return { source: serviceSource(ns, name), targets, labels: serviceLabels(svc) };
}
