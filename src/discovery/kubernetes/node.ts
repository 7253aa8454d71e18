// role: node — one target per node at its kubelet port, instance = node name (Prometheus 2.42
// discovery/kubernetes/node.go). Group source "node/<name>". Also the labels that
// attach_metadata.node adds to pod and endpoints targets.
import type { TargetGroup } from '../types.js';
import { addMetaLabels, joinHostPort, META, objectMetaLabels, sanitizeLabelName, type LabelSet } from './labels.js';
import type { Node } from './objects.js';

export const nodeSource = (name: string): string => `node/${name}`;

/** Address types in the order Prometheus picks the target address from. */
const ADDRESS_ORDER = ['InternalIP', 'ExternalIP', 'LegacyHostIP', 'Hostname'];

/** The group for a node, or undefined when it has no usable address (logged by the caller). */
export function buildNode(node: Node): TargetGroup | undefined {
  const name = node.metadata?.name ?? '';
  const labels: LabelSet = { [META + 'node_provider_id']: node.spec?.providerID ?? '' };
  objectMetaLabels(labels, 'node', node.metadata);
  const byType = new Map<string, string>();
  for (const a of node.status?.addresses ?? []) {
    if (a.type !== undefined && !byType.has(a.type)) byType.set(a.type, a.address ?? '');
  }
  const host = ADDRESS_ORDER.map((t) => byType.get(t)).find((a) => a !== undefined);
  if (host === undefined) return undefined;
  const target: LabelSet = {
    __address__: joinHostPort(host, node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0),
    instance: name,
  };
  for (const [t, a] of byType) target[sanitizeLabelName(META + 'node_address_' + t)] = a;
  return { source: nodeSource(name), targets: [target], labels };
}

/** attach_metadata.node: the node's name and labels (2.42 adds no node annotations here). */
export function nodeMetaLabels(node: Node): LabelSet {
  const ls: LabelSet = { [META + 'node_name']: node.metadata?.name ?? '' };
  addMetaLabels(ls, 'node', node.metadata, false);
  return ls;
}
