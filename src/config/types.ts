/**
 * The shape of a Prometheus 2.42 `prometheus.yml` after loading: field names are the YAML
 * keys (snake_case) so a reader can map a key to a field without a table, durations are
 * milliseconds (`DurationMs`), sizes are bytes, regexes stay as their source text (they are
 * compiled and checked at load time, and the relabel area compiles them again for use).
 *
 * Every optional field the loader knows a default for is filled in (see defaults.ts), so
 * consumers read `scrape_interval` without falling back to the global themselves.
 * File paths (`*_file`, `files`, `rule_files`, kubeconfig, ...) are already resolved
 * against the config file's directory, as Prometheus does with SetDirectory.
 */
import type { DurationMs } from '../model/index.js';

export type { DurationMs };

/** A secret value; rendered as `<secret>` by renderConfigYaml, like Prometheus's config.Secret. */
export type Secret = string;

// ---------------------------------------------------------------------------------------
// Shared HTTP client settings (prometheus/common config.HTTPClientConfig)
// ---------------------------------------------------------------------------------------

export type TLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

export interface TLSConfig {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: TLSVersion;
  max_version?: TLSVersion;
}

export interface BasicAuth {
  username: string;
  password?: Secret;
  password_file?: string;
}

export interface Authorization {
  /** Default "Bearer" when credentials or credentials_file is set. */
  type: string;
  credentials?: Secret;
  credentials_file?: string;
}

export interface OAuth2Config {
  client_id: string;
  client_secret?: Secret;
  client_secret_file?: string;
  scopes?: string[];
  token_url: string;
  endpoint_params?: Record<string, string>;
  tls_config: TLSConfig;
  proxy_url?: string;
  proxy_connect_header?: Record<string, Secret[]>;
}

/** Headers sent to the proxy in CONNECT requests: name -> values. */
export type ProxyHeader = Record<string, Secret[]>;

export interface HTTPClientConfig {
  basic_auth?: BasicAuth;
  authorization?: Authorization;
  oauth2?: OAuth2Config;
  /** Deprecated spellings; the loader folds them into `authorization` (type Bearer). */
  bearer_token?: Secret;
  bearer_token_file?: string;
  tls_config: TLSConfig;
  proxy_url?: string;
  proxy_connect_header?: ProxyHeader;
  follow_redirects: boolean;
  enable_http2: boolean;
}

// ---------------------------------------------------------------------------------------
// Relabeling
// ---------------------------------------------------------------------------------------

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];

export interface RelabelConfig {
  source_labels: string[];
  /** Default ";". */
  separator: string;
  /**
   * The regex as written (default "(.*)"). Prometheus anchors it as `^(?:REGEX)$`; use
   * AnchoredRegex from model to compile it.
   */
  regex: string;
  modulus: number;
  target_label: string;
  /** Default "$1". */
  replacement: string;
  /** Default "replace". */
  action: RelabelAction;
}

// ---------------------------------------------------------------------------------------
// Service discovery
// ---------------------------------------------------------------------------------------

/** One static target group: `targets` are host:port strings, `labels` extra target labels. */
export interface StaticConfig {
  targets: string[];
  labels: Record<string, string>;
}

export interface FileSDConfig {
  /** Resolved against the config file's directory; may contain a glob in the last element. */
  files: string[];
  refresh_interval: DurationMs;
}

export interface HTTPSDConfig extends HTTPClientConfig {
  url: string;
  refresh_interval: DurationMs;
}

export type DNSRecordType = 'SRV' | 'A' | 'AAAA' | 'MX';

export interface DNSSDConfig {
  names: string[];
  refresh_interval: DurationMs;
  type: DNSRecordType;
  /** Required (non-zero) for A, AAAA and MX; ignored for SRV. */
  port: number;
}

export type KubernetesRole = 'endpoints' | 'endpointslice' | 'service' | 'pod' | 'node' | 'ingress';

export interface KubernetesSelectorConfig {
  role: KubernetesRole;
  label?: string;
  field?: string;
}

export interface KubernetesNamespaceDiscovery {
  own_namespace: boolean;
  names: string[];
}

export interface KubernetesSDConfig extends HTTPClientConfig {
  api_server?: string;
  role: KubernetesRole;
  kubeconfig_file?: string;
  namespaces: KubernetesNamespaceDiscovery;
  selectors: KubernetesSelectorConfig[];
  attach_metadata: { node: boolean };
}

export interface ConsulSDConfig extends HTTPClientConfig {
  server: string;
  path_prefix?: string;
  token?: Secret;
  datacenter?: string;
  namespace?: string;
  partition?: string;
  tag_separator: string;
  scheme: string;
  username?: string;
  password?: Secret;
  services: string[];
  service_tags?: string[];
  /** The YAML key is `tags`. */
  tags?: string[];
  node_meta?: Record<string, string>;
  allow_stale: boolean;
  refresh_interval: DurationMs;
}

export interface EC2Filter {
  name: string;
  values: string[];
}

export interface EC2SDConfig {
  endpoint?: string;
  region?: string;
  access_key?: string;
  secret_key?: Secret;
  profile?: string;
  role_arn?: string;
  refresh_interval: DurationMs;
  port: number;
  filters?: EC2Filter[];
}

export interface LightsailSDConfig {
  endpoint?: string;
  region?: string;
  access_key?: string;
  secret_key?: Secret;
  profile?: string;
  role_arn?: string;
  refresh_interval: DurationMs;
  port: number;
}

export interface AzureSDConfig {
  environment: string;
  port: number;
  subscription_id: string;
  tenant_id?: string;
  client_id?: string;
  client_secret?: Secret;
  refresh_interval: DurationMs;
  /** "OAuth" or "ManagedIdentity". */
  authentication_method: string;
  resource_group?: string;
}

export interface GCESDConfig {
  project: string;
  zone: string;
  filter?: string;
  refresh_interval: DurationMs;
  port: number;
  tag_separator: string;
}

export interface OpenStackSDConfig {
  identity_endpoint?: string;
  username?: string;
  userid?: string;
  password?: Secret;
  project_name?: string;
  project_id?: string;
  domain_name?: string;
  domain_id?: string;
  application_credential_name?: string;
  application_credential_id?: string;
  application_credential_secret?: Secret;
  role: 'hypervisor' | 'instance';
  region: string;
  refresh_interval: DurationMs;
  port: number;
  all_tenants: boolean;
  tls_config: TLSConfig;
  availability: 'public' | 'admin' | 'internal';
}

export interface DockerFilter {
  name: string;
  values: string[];
}

export interface DockerSDConfig extends HTTPClientConfig {
  host: string;
  port: number;
  host_networking_host: string;
  filters?: DockerFilter[];
  refresh_interval: DurationMs;
}

export interface DockerSwarmSDConfig extends HTTPClientConfig {
  host: string;
  role: 'services' | 'tasks' | 'nodes';
  port: number;
  filters?: DockerFilter[];
  refresh_interval: DurationMs;
}

export interface NomadSDConfig extends HTTPClientConfig {
  allow_stale: boolean;
  namespace: string;
  refresh_interval: DurationMs;
  region: string;
  server: string;
  tag_separator: string;
}

export interface EurekaSDConfig extends HTTPClientConfig {
  server: string;
  refresh_interval: DurationMs;
}

export interface HetznerSDConfig extends HTTPClientConfig {
  role: 'robot' | 'hcloud';
  port: number;
  refresh_interval: DurationMs;
}

export interface DigitalOceanSDConfig extends HTTPClientConfig {
  port: number;
  refresh_interval: DurationMs;
}

export interface LinodeSDConfig extends HTTPClientConfig {
  port: number;
  tag_separator: string;
  refresh_interval: DurationMs;
}

export interface MarathonSDConfig extends HTTPClientConfig {
  servers: string[];
  refresh_interval: DurationMs;
  auth_token?: Secret;
  auth_token_file?: string;
}

export interface NerveSDConfig {
  servers: string[];
  paths: string[];
  timeout: DurationMs;
}

export interface ServersetSDConfig {
  servers: string[];
  paths: string[];
  timeout: DurationMs;
}

export interface TritonSDConfig {
  account: string;
  role: 'container' | 'cn';
  dns_suffix: string;
  endpoint: string;
  groups?: string[];
  port: number;
  refresh_interval: DurationMs;
  tls_config: TLSConfig;
  version: number;
}

export interface UyuniSDConfig extends HTTPClientConfig {
  server: string;
  username: string;
  password: Secret;
  entitlement: string;
  separator: string;
  refresh_interval: DurationMs;
}

export interface ScalewaySDConfig extends HTTPClientConfig {
  project_id: string;
  api_url: string;
  zone: string;
  access_key: string;
  secret_key?: Secret;
  secret_key_file?: string;
  name_filter?: string;
  tags_filter?: string[];
  refresh_interval: DurationMs;
  port: number;
  role: 'instance' | 'baremetal';
}

export interface PuppetDBSDConfig extends HTTPClientConfig {
  url: string;
  query: string;
  include_parameters: boolean;
  port: number;
  refresh_interval: DurationMs;
}

export interface IonosSDConfig extends HTTPClientConfig {
  datacenter_id: string;
  refresh_interval: DurationMs;
  port: number;
}

export interface VultrSDConfig extends HTTPClientConfig {
  port: number;
  refresh_interval: DurationMs;
}

export interface KumaSDConfig extends HTTPClientConfig {
  server: string;
  refresh_interval: DurationMs;
  fetch_timeout: DurationMs;
}

export interface OVHcloudSDConfig {
  endpoint: string;
  application_key: string;
  application_secret: Secret;
  consumer_key: Secret;
  refresh_interval: DurationMs;
  service: 'vps' | 'dedicated_server';
}

/**
 * Every service-discovery list a scrape or alertmanager config can carry, keyed by its
 * YAML key. Lists are present (possibly empty) only when written in the file.
 */
export interface ServiceDiscoveryConfigs {
  static_configs?: StaticConfig[];
  file_sd_configs?: FileSDConfig[];
  http_sd_configs?: HTTPSDConfig[];
  dns_sd_configs?: DNSSDConfig[];
  kubernetes_sd_configs?: KubernetesSDConfig[];
  consul_sd_configs?: ConsulSDConfig[];
  ec2_sd_configs?: EC2SDConfig[];
  lightsail_sd_configs?: LightsailSDConfig[];
  azure_sd_configs?: AzureSDConfig[];
  gce_sd_configs?: GCESDConfig[];
  openstack_sd_configs?: OpenStackSDConfig[];
  docker_sd_configs?: DockerSDConfig[];
  dockerswarm_sd_configs?: DockerSwarmSDConfig[];
  nomad_sd_configs?: NomadSDConfig[];
  eureka_sd_configs?: EurekaSDConfig[];
  hetzner_sd_configs?: HetznerSDConfig[];
  digitalocean_sd_configs?: DigitalOceanSDConfig[];
  linode_sd_configs?: LinodeSDConfig[];
  marathon_sd_configs?: MarathonSDConfig[];
  nerve_sd_configs?: NerveSDConfig[];
  serverset_sd_configs?: ServersetSDConfig[];
  triton_sd_configs?: TritonSDConfig[];
  uyuni_sd_configs?: UyuniSDConfig[];
  scaleway_sd_configs?: ScalewaySDConfig[];
  puppetdb_sd_configs?: PuppetDBSDConfig[];
  ionos_sd_configs?: IonosSDConfig[];
  vultr_sd_configs?: VultrSDConfig[];
  kuma_sd_configs?: KumaSDConfig[];
  ovhcloud_sd_configs?: OVHcloudSDConfig[];
}

// ---------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------

export interface GlobalConfig {
  scrape_interval: DurationMs;
  scrape_timeout: DurationMs;
  evaluation_interval: DurationMs;
  query_log_file?: string;
  /** Sorted by name; `$VAR`/`${VAR}` in values expanded from the environment, as 2.42 does. */
  external_labels: Record<string, string>;
}

export interface ScrapeConfig extends HTTPClientConfig, ServiceDiscoveryConfigs {
  job_name: string;
  honor_labels: boolean;
  honor_timestamps: boolean;
  params?: Record<string, string[]>;
  scrape_interval: DurationMs;
  scrape_timeout: DurationMs;
  metrics_path: string;
  scheme: string;
  /** Bytes; 0 = no limit. */
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
}

export type AlertmanagerAPIVersion = 'v1' | 'v2';

export interface AlertmanagerConfig extends HTTPClientConfig, ServiceDiscoveryConfigs {
  scheme: string;
  path_prefix: string;
  timeout: DurationMs;
  api_version: AlertmanagerAPIVersion;
  relabel_configs: RelabelConfig[];
}

export interface AlertingConfig {
  alert_relabel_configs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export interface SigV4Config {
  region?: string;
  access_key?: string;
  secret_key?: Secret;
  profile?: string;
  role_arn?: string;
}

export interface QueueConfig {
  capacity: number;
  max_shards: number;
  min_shards: number;
  max_samples_per_send: number;
  batch_send_deadline: DurationMs;
  min_backoff: DurationMs;
  max_backoff: DurationMs;
  retry_on_http_429: boolean;
}

export interface MetadataConfig {
  send: boolean;
  send_interval: DurationMs;
  max_samples_per_send: number;
}

export interface RemoteWriteConfig extends HTTPClientConfig {
  url: string;
  remote_timeout: DurationMs;
  headers?: Record<string, string>;
  write_relabel_configs: RelabelConfig[];
  name?: string;
  send_exemplars: boolean;
  send_native_histograms: boolean;
  sigv4?: SigV4Config;
  queue_config: QueueConfig;
  metadata_config: MetadataConfig;
}

export interface RemoteReadConfig extends HTTPClientConfig {
  url: string;
  remote_timeout: DurationMs;
  headers?: Record<string, string>;
  read_recent: boolean;
  name?: string;
  required_matchers?: Record<string, string>;
  filter_external_labels: boolean;
}

export interface TSDBConfig {
  out_of_order_time_window: DurationMs;
}

export interface ExemplarsConfig {
  max_exemplars: number;
}

export interface StorageConfig {
  tsdb?: TSDBConfig;
  exemplars?: ExemplarsConfig;
}

export interface TracingConfig {
  client_type: 'grpc' | 'http';
  endpoint?: string;
  sampling_fraction: number;
  insecure: boolean;
  tls_config: TLSConfig;
  headers?: Record<string, string>;
  compression?: 'gzip';
  timeout: DurationMs;
}

export interface Config {
  global: GlobalConfig;
  alerting: AlertingConfig;
  /** Globs, resolved against the config file's directory. */
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
  storage: StorageConfig;
  tracing: TracingConfig;
  remote_write: RemoteWriteConfig[];
  remote_read: RemoteReadConfig[];
}

/** Names of every service-discovery key, in the order Prometheus lists them. */
export const SD_CONFIG_KEYS = [
  'azure_sd_configs', 'consul_sd_configs', 'digitalocean_sd_configs', 'docker_sd_configs', 'dockerswarm_sd_configs',
  'dns_sd_configs', 'ec2_sd_configs', 'eureka_sd_configs', 'file_sd_configs', 'gce_sd_configs', 'hetzner_sd_configs',
  'http_sd_configs', 'ionos_sd_configs', 'kubernetes_sd_configs', 'kuma_sd_configs', 'lightsail_sd_configs',
  'linode_sd_configs', 'marathon_sd_configs', 'nerve_sd_configs', 'nomad_sd_configs', 'openstack_sd_configs',
  'ovhcloud_sd_configs', 'puppetdb_sd_configs', 'scaleway_sd_configs', 'serverset_sd_configs', 'triton_sd_configs',
  'uyuni_sd_configs', 'vultr_sd_configs', 'static_configs',
] as const satisfies readonly (keyof ServiceDiscoveryConfigs)[];
