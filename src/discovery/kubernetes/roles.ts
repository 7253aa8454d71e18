// Per-role wiring: which collections to watch in a namespace, how an object becomes a group,
// and which objects to rebuild when a service or node they draw labels from changes.
import type { KubernetesRole } from '../../config/index.js';
import type { TargetGroup } from '../types.js';
import { buildEndpoints, endpointsSource, type EndpointsLookups } from './endpoints.js';
import { buildEndpointSlice, endpointSliceSource, SERVICE_NAME_LABEL } from './endpointslice.js';
import { buildIngress, ingressSource } from './ingress.js';
import { buildNode, nodeSource } from './node.js';
import type { Endpoints, EndpointSlice, K8sObject, Pod } from './objects.js';
import { buildPod, podSource } from './pod.js';
import { buildService, serviceSource } from './service.js';

const nsPath = (ns: string): string => (ns ? `/namespaces/${encodeURIComponent(ns)}` : '');

/** The collection URL path of each resource kind, for a namespace ('' = all namespaces). */
export const RESOURCE_PATHS = {
  pod: (ns: string) => `/api/v1${nsPath(ns)}/pods`,
  service: (ns: string) => `/api/v1${nsPath(ns)}/services`,
  endpoints: (ns: string) => `/api/v1${nsPath(ns)}/endpoints`,
  endpointslice: (ns: string) => `/apis/discovery.k8s.io/v1${nsPath(ns)}/endpointslices`,
  ingress: (ns: string) => `/apis/networking.k8s.io/v1${nsPath(ns)}/ingresses`,
  node: () => '/api/v1/nodes',
} as const;

/** What a role needs from the other watched collections. */
export type Lookups = EndpointsLookups;

export interface RoleSpec {
  /** Endpoints roles also watch services and pods of the same namespace. */
  readonly withServicesAndPods: boolean;
  /** Whether attach_metadata.node applies to this role. */
  readonly nodeMetadata: boolean;
  /** The group for an object; undefined = send nothing (Prometheus keeps the old group). */
  build(obj: K8sObject, look: Lookups): TargetGroup | undefined;
  /** The group source for an object key "ns/name". */
  source(key: string): string;
  /** Does this object take labels from the service ns/name? */
  usesService(obj: K8sObject, ns: string, name: string): boolean;
  /** Does this object take labels from this node? */
  usesNode(obj: K8sObject, node: string): boolean;
}

const split = (key: string): [string, string] => {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
};
const never = (): boolean => false;

export const ROLES: Record<KubernetesRole, RoleSpec> = {
  pod: {
    withServicesAndPods: false,
    nodeMetadata: true,
    build: (o, look) => buildPod(o as Pod, look.nodeLabels),
    source: (k) => podSource(...split(k)),
    usesService: never,
    usesNode: (o, node) => (o as Pod).spec?.nodeName === node,
  },
  service: {
    withServicesAndPods: false,
    nodeMetadata: false,
    build: (o) => buildService(o),
    source: (k) => serviceSource(...split(k)),
    usesService: never,
    usesNode: never,
  },
  ingress: {
    withServicesAndPods: false,
    nodeMetadata: false,
    build: (o) => buildIngress(o),
    source: (k) => ingressSource(...split(k)),
    usesService: never,
    usesNode: never,
  },
  node: {
    withServicesAndPods: false,
    nodeMetadata: false,
    build: (o) => buildNode(o),
    source: (k) => nodeSource(split(k)[1]),
    usesService: never,
    usesNode: never,
  },
  endpoints: {
    withServicesAndPods: true,
    nodeMetadata: true,
    build: (o, look) => buildEndpoints(o as Endpoints, look),
    source: (k) => endpointsSource(...split(k)),
    usesService: (o, ns, name) => o.metadata?.namespace === ns && o.metadata?.name === name,
    usesNode: (o, node) =>
      ((o as Endpoints).subsets ?? []).some((s) => (s.addresses ?? []).some((a) => a.nodeName === node || (a.targetRef?.kind === 'Node' && a.targetRef.name === node))),
  },
  endpointslice: {
    withServicesAndPods: true,
    nodeMetadata: true,
    build: (o, look) => buildEndpointSlice(o as EndpointSlice, look),
    source: (k) => endpointSliceSource(...split(k)),
    usesService: (o, ns, name) => o.metadata?.namespace === ns && o.metadata?.labels?.[SERVICE_NAME_LABEL] === name,
    usesNode: (o, node) => ((o as EndpointSlice).endpoints ?? []).some((e) => e.nodeName === node || (e.targetRef?.kind === 'Node' && e.targetRef.name === node)),
  },
};
