/**
 * Every service-discovery block of Prometheus 2.42: keys, defaults and the checks each
 * discovery package's UnmarshalYAML makes, with upstream's wording. Checks run as soon as a
 * block is decoded (before the enclosing scrape config's own checks), like upstream.
 */
import { SD_CONFIG_KEYS, type HTTPClientConfig, type ServiceDiscoveryConfigs, type StaticConfig } from './types.js';
import type { Decoder, FieldHandlers, YNode } from './yaml.js';
import { decodeTLSConfig, decodeURL, defaultHTTPClientConfig, httpClientFields, isDefaultHTTPClientConfig, setHTTPDirectory, setTLSDirectory, validateHTTPClientConfig } from './http.js';
import { parseGoURL } from './url.js';
import { goQuote } from './errors.js';
import { isLegacyLabelName } from './relabel.js';
import { setPosition } from './positions.js';

export type SDKey = (typeof SD_CONFIG_KEYS)[number];

type Field = 'str' | 'bool' | 'int' | 'float' | 'dur' | 'strs' | 'strmap' | 'tls' | ((d: Decoder, v: YNode, c: Rec) => unknown);
type Rec = Record<string, unknown>;

interface SDSpec {
  /** The Go package name yaml.v2 prints in "field x not found in type <pkg>.plain". */
  pkg: string;
  http: boolean;
  defaults: Rec;
  fields: Record<string, Field>;
  validate?: (d: Decoder, c: Rec, node: YNode) => void;
  /** Keys holding file paths, joined with the config directory after loading. */
  files?: string[];
}

const S = 1000;
const M = 60 * S;

function role(allowed: readonly string[], msg: (s: string) => string): Field {
  return (d, v) => {
    const s = d.str(v);
    if (!allowed.includes(s)) d.fail(msg(s), v, `Use one of: ${allowed.join(', ')}.`);
    return s;
  };
}

function filters(pkg: string): Field {
  return (d, v) =>
    d.list(v, `[]${pkg}.Filter`, (it) => {
      const f = { name: '', values: [] as string[] };
      d.struct(it, `${pkg}.Filter`, {
        name: (x) => (f.name = d.str(x)),
        values: (x) => (f.values = d.strList(x) ?? []),
      });
      return f;
    });
}

function checkHTTPURL(d: Decoder, raw: string, node: YNode): void {
  if (raw === '') d.fail('URL is missing', node, 'Set url to an http:// or https:// address.');
  const r = parseGoURL(raw);
  if (!r.ok) d.fail(r.error, node);
  if (r.url.scheme !== 'http' && r.url.scheme !== 'https') d.fail("URL scheme must be 'http' or 'https'", node, 'Start the URL with http:// or https://.');
  if (r.url.host === '') d.fail('host is missing in URL', node, 'Include a host in the URL, e.g. http://host:port/path.');
}

const K8S_ROLES = ['endpoints', 'endpointslice', 'service', 'pod', 'node', 'ingress'] as const;
const K8S_SELECTORS: Record<string, string[]> = {
  pod: ['pod'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

const SPECS: Record<Exclude<SDKey, 'static_configs'>, SDSpec> = {
  azure_sd_configs: {
    pkg: 'azure',
    http: true,
    defaults: { environment: 'AzurePublicCloud', port: 80, refresh_interval: 5 * M, authentication_method: 'OAuth' },
    fields: { environment: 'str', port: 'int', subscription_id: 'str', tenant_id: 'str', client_id: 'str', client_secret: 'str', refresh_interval: 'dur', authentication_method: 'str', resource_group: 'str' },
    validate(d, c, n) {
      const req = (k: string) => {
        if (!c[k]) d.fail(`azure SD configuration requires a ${k}`, n, `Set ${k} in azure_sd_configs.`);
      };
      req('subscription_id');
      if (c.authentication_method === 'OAuth') {
        req('tenant_id');
        req('client_id');
        req('client_secret');
      }
      if (c.authentication_method !== 'OAuth' && c.authentication_method !== 'ManagedIdentity') {
        d.fail(`unknown authentication_type ${goQuote(String(c.authentication_method))}. Supported types are "OAuth" or "ManagedIdentity"`, n);
      }
    },
  },
  consul_sd_configs: {
    pkg: 'consul',
    http: true,
    defaults: { server: 'localhost:8500', tag_separator: ',', scheme: 'http', allow_stale: true, refresh_interval: 30 * S },
    fields: {
      server: 'str', path_prefix: 'str', token: 'str', datacenter: 'str', namespace: 'str', partition: 'str', tag_separator: 'str', scheme: 'str',
      username: 'str', password: 'str', services: 'strs', tags: 'strs', node_meta: 'strmap', allow_stale: 'bool', refresh_interval: 'dur',
    },
    validate(d, c, n) {
      if (String(c.server ?? '').trim() === '') d.fail('consul SD configuration requires a server address', n);
      const http = c as unknown as HTTPClientConfig;
      if (c.username || c.password) {
        if (http.basic_auth) d.fail('at most one of consul SD configuration username and password and basic auth can be configured', n);
        http.basic_auth = { username: String(c.username ?? ''), password: (c.password as string) || undefined };
      }
      if (c.token && (http.authorization || http.oauth2)) d.fail('at most one of consul SD token, authorization, or oauth2 can be configured', n);
    },
  },
  digitalocean_sd_configs: { pkg: 'digitalocean', http: true, defaults: { port: 80, refresh_interval: 60 * S }, fields: { port: 'int', refresh_interval: 'dur' } },
  docker_sd_configs: {
    pkg: 'moby',
    http: true,
    defaults: { port: 80, host_networking_host: 'localhost', refresh_interval: 60 * S },
    fields: { host: 'str', port: 'int', host_networking_host: 'str', filters: filters('moby'), refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.host) d.fail('host missing', n, 'Set host, e.g. unix:///var/run/docker.sock.');
      const r = parseGoURL(String(c.host));
      if (!r.ok) return d.fail(r.error, n);
    },
  },
  dockerswarm_sd_configs: {
    pkg: 'moby',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S },
    fields: { host: 'str', role: 'str', port: 'int', filters: filters('moby'), refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.host) d.fail('host missing', n, 'Set host, e.g. http://127.0.0.1:2375.');
      const r = parseGoURL(String(c.host));
      if (!r.ok) return d.fail(r.error, n);
      if (!['services', 'nodes', 'tasks'].includes(String(c.role ?? ''))) d.fail(`invalid role ${String(c.role ?? '')}, expected tasks, services, or nodes`, n);
    },
  },
  dns_sd_configs: {
    pkg: 'dns',
    http: false,
    defaults: { refresh_interval: 30 * S, type: 'SRV', port: 0 },
    fields: { names: 'strs', refresh_interval: 'dur', type: 'str', port: 'int' },
    validate(d, c, n) {
      if (!(c.names as string[] | undefined)?.length) d.fail('DNS-SD config must contain at least one SRV record name', n, 'List at least one name under names.');
      switch (String(c.type).toUpperCase()) {
        case 'SRV':
          break;
        case 'A':
        case 'AAAA':
        case 'MX':
          if (!c.port) d.fail('a port is required in DNS-SD configs for all record types except SRV', n, 'Set port for A/AAAA/MX lookups.');
          break;
        default:
          d.fail(`invalid DNS-SD records type ${String(c.type)}`, n, 'Use SRV, A, AAAA or MX.');
      }
    },
  },
  ec2_sd_configs: {
    pkg: 'aws',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S },
    fields: { endpoint: 'str', region: 'str', access_key: 'str', secret_key: 'str', profile: 'str', role_arn: 'str', refresh_interval: 'dur', port: 'int', filters: filters('aws') },
    validate(d, c, n) {
      // Upstream asks the EC2 metadata service for a region when none is set; off EC2 that fails.
      if (!c.region) d.fail('EC2 SD configuration requires a region', n, 'Set region (promts does not query the EC2 metadata service).');
      for (const f of (c.filters as { values: string[] }[] | undefined) ?? []) {
        if (f.values.length === 0) d.fail('EC2 SD configuration filter values cannot be empty', n, 'Give each filter at least one value.');
      }
    },
  },
  eureka_sd_configs: {
    pkg: 'eureka',
    http: true,
    defaults: { refresh_interval: 30 * S },
    fields: { server: 'str', refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.server) d.fail('eureka_sd: empty or null eureka server', n, 'Set server to the Eureka URL.');
      const r = parseGoURL(String(c.server));
      if (!r.ok) return d.fail(r.error, n);
      if (!r.url.scheme || !r.url.host) d.fail('eureka_sd: invalid eureka server URL', n, 'Use a full URL such as http://eureka:8761/eureka.');
    },
  },
  file_sd_configs: {
    pkg: 'file',
    http: false,
    defaults: { refresh_interval: 5 * M },
    fields: { files: 'strs', refresh_interval: 'dur' },
    files: ['files'],
    validate(d, c, n) {
      const files = (c.files as string[] | undefined) ?? [];
      if (files.length === 0) d.fail('file service discovery config must contain at least one path name', n, 'List at least one file under files.');
      for (const f of files) {
        if (!/^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/.test(f)) d.fail(`path name ${goQuote(f)} is not valid for file discovery`, n, 'File SD paths end in .json, .yml or .yaml; a * is allowed only in the last path element.');
      }
    },
  },
  gce_sd_configs: {
    pkg: 'gce',
    http: false,
    defaults: { port: 80, tag_separator: ',', refresh_interval: 60 * S },
    fields: { project: 'str', zone: 'str', filter: 'str', refresh_interval: 'dur', port: 'int', tag_separator: 'str' },
    validate(d, c, n) {
      if (!c.project) d.fail('GCE SD configuration requires a project', n);
      if (!c.zone) d.fail('GCE SD configuration requires a zone', n);
    },
  },
  hetzner_sd_configs: {
    pkg: 'hetzner',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S },
    fields: { role: role(['robot', 'hcloud'], (s) => `unknown role ${goQuote(s)}`), port: 'int', refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.role) d.fail('role missing (one of: robot, hcloud)', n);
    },
  },
  http_sd_configs: {
    pkg: 'http',
    http: true,
    defaults: { refresh_interval: 60 * S, url: '' },
    fields: { url: 'str', refresh_interval: 'dur' },
    validate(d, c, n) {
      checkHTTPURL(d, String(c.url ?? ''), n);
    },
  },
  ionos_sd_configs: {
    pkg: 'ionos',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S },
    fields: { datacenter_id: 'str', port: 'int', refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.datacenter_id) d.fail("datacenter id can't be empty", n, 'Set datacenter_id.');
    },
  },
  kubernetes_sd_configs: {
    pkg: 'kubernetes',
    http: true,
    defaults: { namespaces: { own_namespace: false, names: [] }, selectors: [], attach_metadata: { node: false } },
    files: ['kubeconfig_file'],
    fields: {
      api_server: (d, v) => decodeURL(d, v),
      role: (d, v) => {
        const s = d.str(v);
        if (!(K8S_ROLES as readonly string[]).includes(s)) d.fail(`unknown Kubernetes SD role ${goQuote(s)}`, v, `Use one of: ${K8S_ROLES.join(', ')}.`);
        return s;
      },
      kubeconfig_file: 'str',
      namespaces: (d, v) => {
        const ns = { own_namespace: false, names: [] as string[] };
        d.struct(v, 'kubernetes.plain', {
          own_namespace: (x) => (ns.own_namespace = d.bool(x)),
          names: (x) => (ns.names = d.strList(x) ?? []),
        });
        return ns;
      },
      selectors: (d, v) =>
        d.list(v, '[]kubernetes.SelectorConfig', (it) => {
          const s: Rec = { role: '' };
          d.struct(it, 'kubernetes.SelectorConfig', {
            role: (x) => (s.role = d.str(x)),
            label: (x) => (s.label = d.str(x)),
            field: (x) => (s.field = d.str(x)),
          });
          return s;
        }) ?? [],
      attach_metadata: (d, v) => {
        const a = { node: false };
        d.struct(v, 'kubernetes.AttachMetadataConfig', { node: (x) => (a.node = d.bool(x)) });
        return a;
      },
    },
    validate(d, c, n) {
      if (!c.role) d.fail('role missing (one of: pod, service, endpoints, endpointslice, node, ingress)', n);
      const http = c as unknown as HTTPClientConfig;
      const custom = !isDefaultHTTPClientConfig(http);
      const api = c.api_server as string | undefined;
      const kc = c.kubeconfig_file as string | undefined;
      const own = (c.namespaces as { own_namespace: boolean }).own_namespace;
      if (api && kc) d.fail("cannot use 'kubeconfig_file' and 'api_server' simultaneously", n);
      if (kc && custom) d.fail("cannot use a custom HTTP client configuration together with 'kubeconfig_file'", n);
      if (!api && custom) d.fail("to use custom HTTP client configuration please provide the 'api_server' URL explicitly", n);
      if (api && own) d.fail("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously", n);
      if (kc && own) d.fail("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously", n);
      const seen = new Set<string>();
      for (const sel of c.selectors as Rec[]) {
        const r = String(sel.role);
        if (seen.has(r)) d.fail(`duplicated selector role: ${r}`, n);
        seen.add(r);
        const allowed = K8S_SELECTORS[String(c.role)];
        if (!allowed) d.fail(`invalid role: ${goQuote(String(c.role))}, expecting one of: pod, service, endpoints, endpointslice, node or ingress`, n);
        if (!allowed.includes(r)) d.fail(`${String(c.role)} role supports only ${allowed.join(', ')} selectors`, n);
        const fe = checkFieldSelector(String(sel.field ?? ''));
        if (fe) d.fail(fe, n);
        const le = checkLabelSelector(String(sel.label ?? ''));
        if (le) d.fail(le, n);
      }
    },
  },
  kuma_sd_configs: {
    pkg: 'xds',
    http: true,
    defaults: { refresh_interval: 30 * S, fetch_timeout: 2 * M },
    fields: { server: 'str', refresh_interval: 'dur', fetch_timeout: 'dur' },
    validate(d, c, n) {
      const s = String(c.server ?? '');
      if (s === '') d.fail(`kuma SD server must not be empty: ${s}`, n);
      const r = parseGoURL(s);
      if (!r.ok) return d.fail(r.error, n);
      if (!r.url.scheme || !r.url.host) d.fail(`kuma SD server must not be empty and have a scheme: ${s}`, n);
    },
  },
  lightsail_sd_configs: {
    pkg: 'aws',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S },
    fields: { endpoint: 'str', region: 'str', access_key: 'str', secret_key: 'str', profile: 'str', role_arn: 'str', refresh_interval: 'dur', port: 'int' },
    validate(d, c, n) {
      if (!c.region) d.fail('Lightsail SD configuration requires a region', n, 'Set region.');
    },
  },
  linode_sd_configs: { pkg: 'linode', http: true, defaults: { port: 80, tag_separator: ',', refresh_interval: 60 * S }, fields: { port: 'int', tag_separator: 'str', refresh_interval: 'dur' } },
  marathon_sd_configs: {
    pkg: 'marathon',
    http: true,
    defaults: { refresh_interval: 30 * S },
    files: ['auth_token_file'],
    fields: { servers: 'strs', refresh_interval: 'dur', auth_token: 'str', auth_token_file: 'str' },
    validate(d, c, n) {
      const http = c as unknown as HTTPClientConfig;
      const tok = !!c.auth_token || !!c.auth_token_file;
      if (!(c.servers as string[] | undefined)?.length) d.fail('marathon_sd: must contain at least one Marathon server', n);
      if (c.auth_token && c.auth_token_file) d.fail('marathon_sd: at most one of auth_token & auth_token_file must be configured', n);
      if (http.basic_auth && tok) d.fail('marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured', n);
      if ((http.bearer_token || http.bearer_token_file) && tok) d.fail('marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured', n);
      if (http.authorization && tok) d.fail('marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured', n);
    },
  },
  nerve_sd_configs: zookeeper('nerve'),
  nomad_sd_configs: {
    pkg: 'nomad',
    http: true,
    defaults: { allow_stale: true, namespace: 'default', refresh_interval: 60 * S, region: 'global', server: 'http://localhost:4646', tag_separator: ',' },
    fields: { allow_stale: 'bool', namespace: 'str', refresh_interval: 'dur', region: 'str', server: 'str', tag_separator: 'str' },
    validate(d, c, n) {
      if (String(c.server ?? '').trim() === '') d.fail('nomad SD configuration requires a server address', n);
    },
  },
  openstack_sd_configs: {
    pkg: 'openstack',
    http: false,
    defaults: { port: 80, refresh_interval: 60 * S, availability: 'public', all_tenants: false, tls_config: { insecure_skip_verify: false } },
    fields: {
      identity_endpoint: 'str', username: 'str', userid: 'str', password: 'str', project_name: 'str', project_id: 'str', domain_name: 'str', domain_id: 'str',
      application_credential_name: 'str', application_credential_id: 'str', application_credential_secret: 'str',
      role: role(['hypervisor', 'instance'], (s) => `unknown OpenStack SD role ${goQuote(s)}`),
      region: 'str', refresh_interval: 'dur', port: 'int', all_tenants: 'bool', tls_config: 'tls', availability: 'str',
    },
    validate(d, c, n) {
      if (!['public', 'internal', 'admin'].includes(String(c.availability))) d.fail(`unknown availability ${String(c.availability)}, must be one of admin, internal or public`, n);
      if (!c.role) d.fail('role missing (one of: instance, hypervisor)', n);
      if (!c.region) d.fail('openstack SD configuration requires a region', n);
    },
  },
  ovhcloud_sd_configs: {
    pkg: 'ovhcloud',
    http: false,
    defaults: { endpoint: 'ovh-eu', refresh_interval: 60 * S },
    fields: { endpoint: 'str', application_key: 'str', application_secret: 'str', consumer_key: 'str', refresh_interval: 'dur', service: 'str' },
    validate(d, c, n) {
      if (!c.endpoint) d.fail('endpoint can not be empty', n);
      if (!c.application_key) d.fail('application key can not be empty', n);
      if (!c.application_secret) d.fail('application secret can not be empty', n);
      if (!c.consumer_key) d.fail('consumer key can not be empty', n);
      if (c.service !== 'vps' && c.service !== 'dedicated_server') d.fail(`unknown service: ${String(c.service ?? '')}`, n, 'Use vps or dedicated_server.');
    },
  },
  puppetdb_sd_configs: {
    pkg: 'puppetdb',
    http: true,
    defaults: { port: 80, refresh_interval: 60 * S, include_parameters: false, url: '' },
    fields: { url: 'str', query: 'str', include_parameters: 'bool', refresh_interval: 'dur', port: 'int' },
    validate(d, c, n) {
      checkHTTPURL(d, String(c.url ?? ''), n);
      if (!c.query) d.fail('query missing', n, 'Set query to a PQL query.');
    },
  },
  scaleway_sd_configs: {
    pkg: 'scaleway',
    http: true,
    defaults: { port: 80, api_url: 'https://api.scaleway.com', zone: 'fr-par-1', refresh_interval: 60 * S },
    files: ['secret_key_file'],
    fields: {
      project_id: 'str', api_url: 'str', zone: 'str', access_key: 'str', secret_key: 'str', secret_key_file: 'str', name_filter: 'str', tags_filter: 'strs',
      refresh_interval: 'dur', port: 'int', role: role(['instance', 'baremetal'], (s) => `unknown role ${goQuote(s)}`),
    },
    validate(d, c, n) {
      if (!c.role) d.fail('role missing (one of: instance, baremetal)', n);
      if (!c.zone) d.fail('zone missing', n);
      if (!c.project_id) d.fail('project_id is mandatory', n);
      if (!c.secret_key && !c.secret_key_file) d.fail('one of secret_key & secret_key_file must be configured', n);
      if (c.secret_key && c.secret_key_file) d.fail('at most one of secret_key & secret_key_file must be configured', n);
      if (!c.access_key) d.fail('access_key is mandatory', n);
    },
  },
  serverset_sd_configs: zookeeper('serverset'),
  triton_sd_configs: {
    pkg: 'triton',
    http: false,
    defaults: { role: 'container', port: 9163, refresh_interval: 60 * S, version: 1, tls_config: { insecure_skip_verify: false } },
    fields: { account: 'str', role: 'str', dns_suffix: 'str', endpoint: 'str', groups: 'strs', port: 'int', refresh_interval: 'dur', tls_config: 'tls', version: 'int' },
    validate(d, c, n) {
      if (c.role !== 'container' && c.role !== 'cn') d.fail("triton SD configuration requires role to be 'container' or 'cn'", n);
      if (!c.account) d.fail('triton SD configuration requires an account', n);
      if (!c.dns_suffix) d.fail('triton SD configuration requires a dns_suffix', n);
      if (!c.endpoint) d.fail('triton SD configuration requires an endpoint', n);
      if (!((c.refresh_interval as number) > 0)) d.fail('triton SD configuration requires RefreshInterval to be a positive integer', n);
    },
  },
  uyuni_sd_configs: {
    pkg: 'uyuni',
    http: true,
    defaults: { entitlement: 'monitoring_entitled', separator: ',', refresh_interval: 60 * S },
    fields: { server: 'str', username: 'str', password: 'str', entitlement: 'str', separator: 'str', refresh_interval: 'dur' },
    validate(d, c, n) {
      if (!c.server) d.fail('Uyuni SD configuration requires server host', n);
      const r = parseGoURL(String(c.server));
      if (!r.ok) return d.fail(r.error, n);
      if (!c.username) d.fail('Uyuni SD configuration requires a username', n);
      if (!c.password) d.fail('Uyuni SD configuration requires a password', n);
    },
  },
  vultr_sd_configs: { pkg: 'vultr', http: true, defaults: { port: 80, refresh_interval: 60 * S }, fields: { port: 'int', refresh_interval: 'dur' } },
};

function zookeeper(kind: 'nerve' | 'serverset'): SDSpec {
  return {
    pkg: 'zookeeper',
    http: false,
    defaults: { timeout: 10 * S },
    fields: { servers: 'strs', paths: 'strs', timeout: 'dur' },
    validate(d, c, n) {
      if (!(c.servers as string[] | undefined)?.length) d.fail(`${kind} SD config must contain at least one Zookeeper server`, n);
      const paths = (c.paths as string[] | undefined) ?? [];
      if (paths.length === 0) d.fail(`${kind} SD config must contain at least one path`, n);
      for (const p of paths) if (!p.startsWith('/')) d.fail(`${kind} SD config paths must begin with '/': ${p}`, n);
    },
  };
}

function decodeField(d: Decoder, f: Field, v: YNode, c: Rec): unknown {
  switch (f) {
    case 'str': {
      const s = d.str(v);
      return d.isNull(v) ? undefined : s;
    }
    case 'bool': return d.bool(v);
    case 'int': return d.int(v);
    case 'float': return d.float(v);
    case 'dur': return d.duration(v);
    case 'strs': return d.strList(v);
    case 'strmap': return d.strMap(v);
    case 'tls': return decodeTLSConfig(d, v);
    default: return f(d, v, c);
  }
}

function decodeSD(d: Decoder, spec: SDSpec, n: YNode): Rec {
  const c: Rec = structuredClone(spec.defaults);
  setPosition(c, d.pos(d.deref(n)));
  if (spec.http) Object.assign(c, defaultHTTPClientConfig());
  const handlers: FieldHandlers = {};
  for (const [k, f] of Object.entries(spec.fields)) {
    handlers[k] = (v) => {
      const val = decodeField(d, f, v, c);
      if (val === undefined) delete c[k];
      else c[k] = val;
    };
  }
  if (spec.http) Object.assign(handlers, httpClientFields(d, c as unknown as HTTPClientConfig));
  const r = d.struct(n, `${spec.pkg}.plain`, handlers);
  if (!r.ok) return c;
  spec.validate?.(d, c, r.node);
  if (spec.http) {
    // Validated after the SD-specific checks, as each SD's UnmarshalYAML ends with it.
    validateHTTPClientConfig(d, c as unknown as HTTPClientConfig, r.node);
  }
  return c;
}

/** A static_config entry (targetgroup.Group): targets plus label names checked. */
function decodeStaticConfig(d: Decoder, n: YNode): StaticConfig {
  const g: StaticConfig = { targets: [], labels: {} };
  setPosition(g, d.pos(d.deref(n)));
  d.struct(n, 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }', {
    targets: (v) => (g.targets = d.strList(v) ?? []),
    labels: (v) => {
      const m = d.map(v, 'model.LabelSet', (x) => d.str(x, 'model.LabelValue'));
      for (const k of Object.keys(m ?? {})) {
        if (!isLegacyLabelName(k)) d.fail(`${goQuote(k)} is not a valid label name`, v, 'Label names match [a-zA-Z_][a-zA-Z0-9_]*.');
      }
      g.labels = m ? { ...m } : {};
    },
  });
  return g;
}

/**
 * Handlers for every `*_sd_configs` key (and static_configs), writing into `target`. Returns
 * a check to run once the enclosing section is decoded: null entries are errors there.
 */
export function sdFields(d: Decoder, target: ServiceDiscoveryConfigs): { handlers: FieldHandlers; checkNulls: () => void } {
  const handlers: FieldHandlers = {};
  const nulls: { key: string; node: YNode }[] = [];
  const t = target as Record<string, unknown[]>;
  for (const key of SD_CONFIG_KEYS) {
    handlers[key] = (v) => {
      const list = d.list(v, `[]*${key === 'static_configs' ? 'targetgroup.Group' : SPECS[key as Exclude<SDKey, 'static_configs'>].pkg + '.SDConfig'}`, (it) => {
        if (d.isNull(it)) {
          nulls.push({ key, node: it ?? v });
          return undefined;
        }
        if (key === 'static_configs') return decodeStaticConfig(d, it);
        return decodeSD(d, SPECS[key as Exclude<SDKey, 'static_configs'>], it);
      });
      if (list !== undefined) t[key] = list.filter((x) => x !== undefined);
    };
  }
  return {
    handlers,
    checkNulls: () => {
      const first = nulls[0];
      if (first) d.fail(`empty or null section in ${first.key}`, first.node, `Remove the empty "-" entry under ${first.key}.`);
    },
  };
}

/** Joins relative paths inside every SD block with the config directory. */
export function setSDDirectory(c: ServiceDiscoveryConfigs, join: (p: string | undefined) => string | undefined): void {
  for (const key of SD_CONFIG_KEYS) {
    if (key === 'static_configs') continue;
    const spec = SPECS[key];
    const list = (c as Record<string, Rec[] | undefined>)[key];
    if (!list) continue;
    for (const sd of list) {
      if (spec.http) setHTTPDirectory(sd as unknown as HTTPClientConfig, join);
      else if (sd.tls_config) setTLSDirectory(sd.tls_config as never, join);
      for (const f of spec.files ?? []) {
        const v = sd[f];
        if (Array.isArray(v)) sd[f] = v.map((p) => join(p as string) ?? p);
        else if (typeof v === 'string') sd[f] = join(v);
      }
    }
  }
}

/** Kubernetes field selector syntax check (k8s fields.ParseSelector's wording). */
function checkFieldSelector(s: string): string | undefined {
  if (s === '') return undefined;
  for (const part of s.split(',')) {
    if (!/(!=|==|=)/.test(part)) return `invalid selector: '${s}'; can't understand '${part}'`;
  }
  return undefined;
}

/** Kubernetes label selector syntax check (a subset of k8s labels.Parse). */
function checkLabelSelector(s: string): string | undefined {
  if (s.trim() === '') return undefined;
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const key = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
  const val = '[-A-Za-z0-9_.]*';
  const re = new RegExp(`^\\s*(?:!?${key}|${key}\\s*(?:==|=|!=)\\s*${val}|${key}\\s+(?:in|notin)\\s*\\(\\s*${val}(?:\\s*,\\s*${val})*\\s*\\)|${key}\\s*(?:<|>)\\s*[0-9]+)\\s*$`);
  for (const p of parts) if (!re.test(p)) return `unable to parse requirement: found '${p.trim()}', expected: identifier`;
  return undefined;
}

/** The YAML keys of an SD block in declaration order (Go struct order), for rendering. */
export function sdFieldOrder(key: SDKey): string[] {
  return key === 'static_configs' ? ['targets', 'labels'] : Object.keys(SPECS[key].fields);
}
