// role: ingress — one target per path of each rule, address = the rule's host, scheme https
// when a TLS entry covers the host (Prometheus 2.42 discovery/kubernetes/ingress.go).
// Group source "ingress/<ns>/<name>".
import type { TargetGroup } from '../types.js';
import { META, NAMESPACE_LABEL, objectMetaLabels, type LabelSet } from './labels.js';
import type { Ingress } from './objects.js';

export const ingressSource = (ns: string, name: string): string => `ingress/${ns}/${name}`;

export function buildIngress(ing: Ingress): TargetGroup {
  const ns = ing.metadata?.namespace ?? '';
  const labels: LabelSet = { [NAMESPACE_LABEL]: ns };
  objectMetaLabels(labels, 'ingress', ing.metadata);
  if (ing.spec?.ingressClassName !== undefined) labels[META + 'ingress_class_name'] = ing.spec.ingressClassName;
  const tlsHosts = (ing.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const targets: LabelSet[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    const host = rule.host ?? '';
    const scheme = tlsHosts.some((p) => matchesHostnamePattern(p, host)) ? 'https' : 'http';
    // A rule without http paths still yields one target, for "/".
    const paths = rule.http ? (rule.http.paths ?? []).map((p) => p.path || '/') : ['/'];
    for (const path of paths) {
      targets.push({ __address__: host, [META + 'ingress_scheme']: scheme, [META + 'ingress_host']: host, [META + 'ingress_path']: path });
    }
  }
  return { source: ingressSource(ns, ing.metadata?.name ?? ''), targets, labels };
}

/** Exact match, or a "*." wildcard standing for exactly one leading DNS label. */
export function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const p = pattern.split('.');
  const h = host.split('.');
  if (p[0] !== '*' || p.length !== h.length) return false;
  for (let i = 1; i < p.length; i++) if (p[i] !== h[i]) return false;
  return true;
}
