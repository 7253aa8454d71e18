// A Consul service's instances as one target group (source = service name) with Prometheus
// 2.42's __meta_consul_* labels.
import type { TargetGroup } from '../types.js';
import type { ServiceEntry } from './api.js';

const M = '__meta_consul_';

/** strutil.SanitizeLabelName: every rune outside [a-zA-Z0-9_] becomes "_". */
const sanitize = (s: string): string => s.replace(/[^a-zA-Z0-9_]/gu, '_');
const hostPort = (h: string, p: number): string => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);

export function buildServiceGroup(name: string, datacenter: string, tagSeparator: string, entries: readonly ServiceEntry[]): TargetGroup {
  const targets = entries.map((e) => {
    const node = e.Node ?? {};
    const svc = e.Service ?? {};
    const port = svc.Port ?? 0;
    // Tags are wrapped in the separator too, so relabel regexes need not care about position.
    const tags = tagSeparator + (svc.Tags ?? []).join(tagSeparator) + tagSeparator;
    // A service registered with its own address may live elsewhere than its node.
    const t: Record<string, string> = {
      __address__: hostPort(svc.Address ? svc.Address : (node.Address ?? ''), port),
      [M + 'address']: node.Address ?? '',
      [M + 'node']: node.Node ?? '',
      [M + 'namespace']: svc.Namespace ?? '',
      [M + 'partition']: svc.Partition ?? '',
      [M + 'tags']: tags,
      [M + 'service_address']: svc.Address ?? '',
      [M + 'service_port']: String(port),
      [M + 'service_id']: svc.ID ?? '',
      [M + 'health']: aggregatedStatus(e.Checks ?? []),
    };
    for (const [k, v] of Object.entries(node.Meta ?? {})) t[M + 'metadata_' + sanitize(k)] = v;
    for (const [k, v] of Object.entries(svc.Meta ?? {})) t[M + 'service_metadata_' + sanitize(k)] = v;
    for (const [k, v] of Object.entries(node.TaggedAddresses ?? {})) t[M + 'tagged_address_' + sanitize(k)] = v;
    return t;
  });
  return { source: name, targets, labels: { [M + 'service']: name, [M + 'dc']: datacenter } };
}

/**
 * Consul's HealthChecks.AggregatedStatus: maintenance beats critical beats warning beats
 * passing; no checks is passing; an unknown status makes the whole answer "".
 */
export function aggregatedStatus(checks: readonly { CheckID?: string; Status?: string }[]): string {
  let maintenance = false;
  let critical = false;
  let warning = false;
  for (const c of checks) {
    const id = c.CheckID ?? '';
    if (id === '_node_maintenance' || id.startsWith('_service_maintenance:')) {
      maintenance = true;
      continue;
    }
    switch (c.Status) {
      case 'passing':
        break;
      case 'warning':
        warning = true;
        break;
      case 'critical':
        critical = true;
        break;
      default:
        return '';
    }
  }
  return maintenance ? 'maintenance' : critical ? 'critical' : warning ? 'warning' : 'passing';
}
