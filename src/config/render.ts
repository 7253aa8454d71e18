/**
 * The embedded default config, and rendering a loaded Config back to YAML the way
 * Prometheus's /api/v1/status/config shows it: defaults filled in, Go struct field order,
 * empty sections left out, secrets as <secret>.
 */
import { Document, isPair, isScalar, isSeq, visit } from 'yaml';
import { formatDuration } from '../model/index.js';
import type {
  AlertmanagerConfig, Config, HTTPClientConfig, RelabelConfig, RemoteReadConfig, RemoteWriteConfig, ScrapeConfig, ServiceDiscoveryConfigs, TLSConfig,
} from './types.js';
import { SD_CONFIG_KEYS } from './types.js';
import { sdFieldOrder } from './discovery.js';

/**
 * Used when `promts server` runs without --config.file: Prometheus's example
 * prometheus.yml, scraping promts itself.
 */
export const DEFAULT_CONFIG_YAML = `# promts default configuration (used when no --config.file is given).
# It mirrors the example prometheus.yml shipped with Prometheus.
global:
  scrape_interval: 15s # Scrape targets every 15 seconds (Prometheus's default is 1m).
  evaluation_interval: 15s # Evaluate rules every 15 seconds (Prometheus's default is 1m).
  # scrape_timeout is left at the global default (10s).

# Alertmanager configuration
alerting:
  alertmanagers:
    - static_configs:
        - targets:
          # - alertmanager:9093

# Rule files are loaded once and evaluated every evaluation_interval.
rule_files:
  # - "first_rules.yml"

# A scrape configuration containing exactly one endpoint to scrape: promts itself.
scrape_configs:
  # The job name is added as a label \`job=<job_name>\` to any timeseries scraped from this config.
  - job_name: "promts"
    static_configs:
      - targets: ["localhost:9090"]
`;

const SECRET = '<secret>';
const secret = (s: string | undefined) => (s ? SECRET : undefined);
const dur = (ms: number) => formatDuration(ms);

type Obj = Record<string, unknown>;

/** Drops undefined values (yaml.v2 omitempty), keeping key order. */
function clean(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function tls(t: TLSConfig): Obj | undefined {
  const o = clean({
    ca_file: t.ca_file,
    cert_file: t.cert_file,
    key_file: t.key_file,
    server_name: t.server_name,
    insecure_skip_verify: t.insecure_skip_verify,
    min_version: t.min_version,
    max_version: t.max_version,
  });
  // A zero TLSConfig is omitted entirely (omitempty on a struct).
  return Object.keys(o).length === 1 && o.insecure_skip_verify === false ? undefined : o;
}

function http(c: HTTPClientConfig): Obj {
  return clean({
    basic_auth: c.basic_auth && clean({ username: c.basic_auth.username || undefined, password: secret(c.basic_auth.password), password_file: c.basic_auth.password_file }),
    authorization: c.authorization && clean({ type: c.authorization.type, credentials: secret(c.authorization.credentials), credentials_file: c.authorization.credentials_file }),
    oauth2: c.oauth2 && clean({
      client_id: c.oauth2.client_id,
      client_secret: secret(c.oauth2.client_secret),
      client_secret_file: c.oauth2.client_secret_file,
      scopes: c.oauth2.scopes,
      token_url: c.oauth2.token_url,
      endpoint_params: c.oauth2.endpoint_params,
      tls_config: tls(c.oauth2.tls_config),
      proxy_url: c.oauth2.proxy_url,
    }),
    bearer_token: secret(c.bearer_token),
    bearer_token_file: c.bearer_token_file,
    proxy_url: c.proxy_url,
    proxy_connect_header: c.proxy_connect_header && Object.fromEntries(Object.keys(c.proxy_connect_header).map((k) => [k, c.proxy_connect_header![k]!.map(() => SECRET)])),
    tls_config: tls(c.tls_config),
    follow_redirects: c.follow_redirects,
    enable_http2: c.enable_http2,
  });
}

function relabel(r: RelabelConfig): Obj {
  return clean({
    source_labels: r.source_labels.length ? r.source_labels : undefined,
    separator: r.separator,
    regex: r.regex,
    modulus: r.modulus || undefined,
    target_label: r.target_label || undefined,
    replacement: r.replacement,
    action: r.action,
  });
}

const HTTP_KEYS = new Set(['basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'proxy_url', 'proxy_connect_header', 'tls_config', 'follow_redirects', 'enable_http2']);
const SECRET_KEYS = new Set(['password', 'client_secret', 'secret_key', 'token', 'auth_token', 'application_secret', 'consumer_key', 'application_credential_secret']);

function sdConfigs(c: ServiceDiscoveryConfigs): Obj {
  const out: Obj = {};
  for (const key of SD_CONFIG_KEYS) {
    const list = (c as Record<string, Obj[] | undefined>)[key];
    if (!list || list.length === 0) continue;
    out[key] = list.map((sd) => {
      if (key === 'static_configs') {
        const g = sd as unknown as { targets: string[]; labels: Record<string, string> };
        return clean({ targets: g.targets, labels: Object.keys(g.labels).length ? g.labels : undefined });
      }
      const o: Obj = {};
      // Go struct field order: the SD's own keys as declared, then the HTTP client settings.
      const order = sdFieldOrder(key);
      const entries = Object.entries(sd).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
      for (const [k, v] of entries) {
        if (HTTP_KEYS.has(k) || v === undefined) continue;
        if (SECRET_KEYS.has(k)) o[k] = secret(v as string);
        else if (k === 'tls_config') o[k] = tls(v as TLSConfig);
        else if (/(^|_)(interval|timeout)$/.test(k) && typeof v === 'number') o[k] = dur(v);
        else o[k] = v;
      }
      if ('follow_redirects' in sd) Object.assign(o, http(sd as unknown as HTTPClientConfig));
      return clean(o);
    });
  }
  return out;
}

function scrape(s: ScrapeConfig): Obj {
  return clean({
    job_name: s.job_name,
    honor_labels: s.honor_labels || undefined,
    honor_timestamps: s.honor_timestamps,
    params: s.params,
    scrape_interval: dur(s.scrape_interval),
    scrape_timeout: dur(s.scrape_timeout),
    metrics_path: s.metrics_path,
    scheme: s.scheme,
    body_size_limit: s.body_size_limit ? formatBytes(s.body_size_limit) : undefined,
    sample_limit: s.sample_limit || undefined,
    target_limit: s.target_limit || undefined,
    label_limit: s.label_limit || undefined,
    label_name_length_limit: s.label_name_length_limit || undefined,
    label_value_length_limit: s.label_value_length_limit || undefined,
    ...http(s),
    relabel_configs: s.relabel_configs.length ? s.relabel_configs.map(relabel) : undefined,
    metric_relabel_configs: s.metric_relabel_configs.length ? s.metric_relabel_configs.map(relabel) : undefined,
    ...sdConfigs(s),
  });
}

function alertmanager(a: AlertmanagerConfig): Obj {
  return clean({
    ...http(a),
    scheme: a.scheme,
    path_prefix: a.path_prefix === '/' ? undefined : a.path_prefix,
    timeout: dur(a.timeout),
    api_version: a.api_version,
    relabel_configs: a.relabel_configs.length ? a.relabel_configs.map(relabel) : undefined,
    ...sdConfigs(a),
  });
}

function remoteWrite(r: RemoteWriteConfig): Obj {
  const q = r.queue_config;
  const m = r.metadata_config;
  return clean({
    url: r.url,
    remote_timeout: dur(r.remote_timeout),
    headers: r.headers,
    write_relabel_configs: r.write_relabel_configs.length ? r.write_relabel_configs.map(relabel) : undefined,
    name: r.name,
    send_exemplars: r.send_exemplars || undefined,
    send_native_histograms: r.send_native_histograms || undefined,
    ...http(r),
    queue_config: clean({
      capacity: q.capacity,
      max_shards: q.max_shards,
      min_shards: q.min_shards,
      max_samples_per_send: q.max_samples_per_send,
      batch_send_deadline: dur(q.batch_send_deadline),
      min_backoff: dur(q.min_backoff),
      max_backoff: dur(q.max_backoff),
      retry_on_http_429: q.retry_on_http_429 || undefined,
    }),
    metadata_config: { send: m.send, send_interval: dur(m.send_interval), max_samples_per_send: m.max_samples_per_send },
    sigv4: r.sigv4 && clean({ ...r.sigv4, secret_key: secret(r.sigv4.secret_key) }),
  });
}

function remoteRead(r: RemoteReadConfig): Obj {
  return clean({
    url: r.url,
    remote_timeout: dur(r.remote_timeout),
    headers: r.headers,
    read_recent: r.read_recent || undefined,
    name: r.name,
    ...http(r),
    required_matchers: r.required_matchers,
    filter_external_labels: r.filter_external_labels,
  });
}

function formatBytes(n: number): string {
  const units = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
  for (let i = 0; i < units.length; i++) {
    const size = 1024 ** (6 - i);
    if (n >= size && n % size === 0) return `${n / size}${units[i]}`;
  }
  return `${n}B`;
}

/** The config as YAML, like GET /api/v1/status/config's `data.yaml`. */
export function renderConfigYaml(cfg: Config): string {
  const g = cfg.global;
  const obj = clean({
    global: clean({
      scrape_interval: dur(g.scrape_interval),
      scrape_timeout: dur(g.scrape_timeout),
      evaluation_interval: dur(g.evaluation_interval),
      query_log_file: g.query_log_file,
      external_labels: Object.keys(g.external_labels).length ? g.external_labels : undefined,
    }),
    alerting:
      cfg.alerting.alertmanagers.length || cfg.alerting.alert_relabel_configs.length
        ? clean({
            alert_relabel_configs: cfg.alerting.alert_relabel_configs.length ? cfg.alerting.alert_relabel_configs.map(relabel) : undefined,
            alertmanagers: cfg.alerting.alertmanagers.length ? cfg.alerting.alertmanagers.map(alertmanager) : undefined,
          })
        : undefined,
    rule_files: cfg.rule_files.length ? cfg.rule_files : undefined,
    scrape_configs: cfg.scrape_configs.length ? cfg.scrape_configs.map(scrape) : undefined,
    storage:
      cfg.storage.tsdb || cfg.storage.exemplars
        ? clean({
            tsdb: cfg.storage.tsdb && { out_of_order_time_window: dur(cfg.storage.tsdb.out_of_order_time_window) },
            exemplars: cfg.storage.exemplars,
          })
        : undefined,
    tracing: cfg.tracing.endpoint
      ? clean({
          client_type: cfg.tracing.client_type,
          endpoint: cfg.tracing.endpoint,
          sampling_fraction: cfg.tracing.sampling_fraction || undefined,
          insecure: cfg.tracing.insecure || undefined,
          tls_config: tls(cfg.tracing.tls_config),
          headers: cfg.tracing.headers,
          compression: cfg.tracing.compression,
          timeout: dur(cfg.tracing.timeout),
        })
      : undefined,
    remote_write: cfg.remote_write.length ? cfg.remote_write.map(remoteWrite) : undefined,
    remote_read: cfg.remote_read.length ? cfg.remote_read.map(remoteRead) : undefined,
  });
  const doc = new Document(obj);
  // source_labels print in flow style ([a, b]) like Prometheus; everything else in block style.
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'source_labels' && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}
