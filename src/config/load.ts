/**
 * Loading prometheus.yml the way Prometheus 2.42's config.LoadFile does: yaml.v2 strict
 * decoding, defaults, per-section validation in upstream's order (so the same file yields
 * the same first error), external-label environment expansion, agent-mode restrictions, and
 * relative paths joined with the config file's directory.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { asDurationMs, type DurationMs, type FilePosition } from '../model/index.js';
import type {
  AlertingConfig, AlertmanagerAPIVersion, AlertmanagerConfig, Config, GlobalConfig, HTTPClientConfig, QueueConfig, MetadataConfig,
  RemoteReadConfig, RemoteWriteConfig, ScrapeConfig, ServiceDiscoveryConfigs, SigV4Config, StorageConfig, TracingConfig,
} from './types.js';
import { Decoder, type YNode } from './yaml.js';
import { ConfigError, goQuote } from './errors.js';
import { defaultHTTPClientConfig, defaultTLSConfig, decodeTLSConfig, decodeURL, httpClientFields, setHTTPDirectory, setTLSDirectory, validateHTTPClientConfig } from './http.js';
import { decodeRelabelList, isLegacyLabelName } from './relabel.js';
import { sdFields, setSDDirectory } from './discovery.js';
import { setPosition } from './positions.js';

/** Positions of rule_files entries, by config (the list itself is replaced by setDirectory). */
const ruleFilePositions = new WeakMap<Config, (FilePosition | undefined)[]>();

/** Where rule_files[index] was written. */
export function ruleFilePosition(cfg: Config, index: number): FilePosition | undefined {
  return ruleFilePositions.get(cfg)?.[index];
}

export interface LoadOptions {
  /** Agent mode forbids alerting, rule_files and remote_read (prometheus --enable-feature=agent). */
  agent?: boolean;
  /**
   * Expand $VAR / ${VAR} in external_labels values from the environment. Off by default, as
   * in 2.42, where it is the `expand-external-labels` feature flag.
   */
  expandExternalLabels?: boolean;
  /** Environment used for that expansion; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Called for an external label that references an empty variable (upstream logs a warning). */
  onWarning?: (msg: string) => void;
}

const SEC = 1000;
const MIN = 60 * SEC;

export const DEFAULT_GLOBAL: Readonly<GlobalConfig> = {
  scrape_interval: asDurationMs(1 * MIN),
  scrape_timeout: asDurationMs(10 * SEC),
  evaluation_interval: asDurationMs(1 * MIN),
  external_labels: {},
};

export function defaultQueueConfig(): QueueConfig {
  return {
    capacity: 2500,
    max_shards: 200,
    min_shards: 1,
    max_samples_per_send: 500,
    batch_send_deadline: asDurationMs(5 * SEC),
    min_backoff: asDurationMs(30),
    max_backoff: asDurationMs(5 * SEC),
    retry_on_http_429: false,
  };
}

export function defaultMetadataConfig(): MetadataConfig {
  return { send: true, send_interval: asDurationMs(1 * MIN), max_samples_per_send: 500 };
}

// Headers Prometheus sets itself on remote requests; users must not override them.
const RESERVED_HEADERS = new Set([
  'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection', 'keep-alive', 'proxy-authenticate',
  'proxy-authorization', 'www-authenticate', 'accept-encoding', 'x-prometheus-remote-write-version', 'x-prometheus-remote-read-version',
  'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
]);

/**
 * Reads and loads a config file. Errors carry promtool's text ("parsing YAML file F: ..."),
 * the node's file:line:col, and a hint.
 */
export function loadConfigFile(path: string, opts: LoadOptions = {}): Config {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error(`read ${path}: is a directory`), { code: 'EISDIR' });
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = err.code === 'ENOENT' ? `open ${path}: no such file or directory` : err.code === 'EACCES' ? `open ${path}: permission denied` : err.code === 'EISDIR' ? `read ${path}: is a directory` : `open ${path}: ${err.message}`;
    throw new ConfigError('config_read', msg, 'Check the path passed as the config file and that it is readable.', { file: path, line: 0, column: 0 });
  }
  let cfg: Config;
  try {
    cfg = parseConfig(text, path, opts);
  } catch (e) {
    if (e instanceof ConfigError) throw e.withFilePrefix(path);
    throw e;
  }
  if (opts.agent) checkAgentMode(cfg, path);
  setDirectory(cfg, dirname(path));
  return cfg;
}

function checkAgentMode(cfg: Config, file: string): void {
  const fail = (msg: string) => {
    throw new ConfigError('config_agent', msg, 'Agent mode only scrapes and remote-writes; remove this section or run without --agent.', { file, line: 1, column: 1 });
  };
  if (cfg.alerting.alertmanagers.length > 0 || cfg.alerting.alert_relabel_configs.length > 0) fail('field alerting is not allowed in agent mode');
  if (cfg.rule_files.length > 0) fail('field rule_files is not allowed in agent mode');
  if (cfg.remote_read.length > 0) fail('field remote_read is not allowed in agent mode');
}

/**
 * Parses config text (config.Load): `filename` is used for positions only, and paths stay
 * relative (loadConfigFile joins them with the file's directory).
 */
export function parseConfig(text: string, filename = '<config>', opts: LoadOptions = {}): Config {
  const d = new Decoder(filename, text);
  const cfg = decodeConfig(d, d.root);
  d.throwTypeErrors();
  if (opts.expandExternalLabels) expandExternalLabels(cfg.global, opts);
  return cfg;
}

export function defaultConfig(): Config {
  return {
    global: { ...DEFAULT_GLOBAL, external_labels: {} },
    alerting: { alert_relabel_configs: [], alertmanagers: [] },
    rule_files: [],
    scrape_configs: [],
    storage: {},
    tracing: defaultTracing(),
    remote_write: [],
    remote_read: [],
  };
}

function defaultTracing(): TracingConfig {
  return { client_type: 'grpc', sampling_fraction: 0, insecure: false, tls_config: defaultTLSConfig(), timeout: asDurationMs(10 * SEC) };
}

function decodeConfig(d: Decoder, n: YNode): Config {
  const cfg = defaultConfig();
  let scrapes: (ScrapeConfig | undefined)[] = [];
  let rws: (RemoteWriteConfig | undefined)[] = [];
  let rrs: (RemoteReadConfig | undefined)[] = [];
  const r = d.struct(n, 'config.plain', {
    global: (v) => (cfg.global = decodeGlobal(d, v)),
    alerting: (v) => (cfg.alerting = decodeAlerting(d, v)),
    rule_files: (v) => {
      const positions: (FilePosition | undefined)[] = [];
      cfg.rule_files =
        d.list(v, '[]string', (it) => {
          positions.push(d.pos(d.deref(it)));
          return d.str(it);
        }) ?? [];
      ruleFilePositions.set(cfg, positions);
    },
    scrape_configs: (v) => (scrapes = d.list(v, '[]*config.ScrapeConfig', (it) => (d.isNull(it) ? undefined : decodeScrapeConfig(d, it))) ?? []),
    storage: (v) => (cfg.storage = decodeStorage(d, v)),
    tracing: (v) => (cfg.tracing = decodeTracing(d, v)),
    remote_write: (v) => (rws = d.list(v, '[]*config.RemoteWriteConfig', (it) => (d.isNull(it) ? undefined : decodeRemoteWrite(d, it))) ?? []),
    remote_read: (v) => (rrs = d.list(v, '[]*config.RemoteReadConfig', (it) => (d.isNull(it) ? undefined : decodeRemoteRead(d, it))) ?? []),
  });
  if (!r.ok) return cfg;
  const at = (k: string) => r.nodes.get(k) ?? n;

  for (const rf of cfg.rule_files) {
    if (!/^[^*]*(\*[^/]*)?$/.test(rf)) d.fail(`invalid rule file path ${goQuote(rf)}`, at('rule_files'), 'A * is only allowed in the last path element of a rule file glob.');
  }
  const jobs = new Set<string>();
  for (const sc of scrapes) {
    if (!sc) d.fail('empty or null scrape config section', at('scrape_configs'), 'Remove the empty "-" entry under scrape_configs.');
    const scNode = scrapeNodes.get(sc);
    if (sc.scrape_interval === 0) sc.scrape_interval = cfg.global.scrape_interval;
    if (sc.scrape_timeout > sc.scrape_interval) {
      d.fail(`scrape timeout greater than scrape interval for scrape config with job name ${goQuote(sc.job_name)}`, scNode, 'Make scrape_timeout at most scrape_interval (the global values apply when unset).');
    }
    if (sc.scrape_timeout === 0) sc.scrape_timeout = asDurationMs(Math.min(cfg.global.scrape_timeout, sc.scrape_interval));
    if (jobs.has(sc.job_name)) d.fail(`found multiple scrape configs with job name ${goQuote(sc.job_name)}`, scNode, 'Give every scrape config a unique job_name.');
    jobs.add(sc.job_name);
  }
  cfg.scrape_configs = scrapes as ScrapeConfig[];
  const rwNames = new Set<string>();
  for (const rw of rws) {
    if (!rw) d.fail('empty or null remote write config section', at('remote_write'), 'Remove the empty "-" entry under remote_write.');
    if (rw.name && rwNames.has(rw.name)) d.fail(`found multiple remote write configs with job name ${goQuote(rw.name)}`, at('remote_write'), 'Give every remote_write a unique name.');
    if (rw.name) rwNames.add(rw.name);
  }
  cfg.remote_write = rws as RemoteWriteConfig[];
  const rrNames = new Set<string>();
  for (const rr of rrs) {
    if (!rr) d.fail('empty or null remote read config section', at('remote_read'), 'Remove the empty "-" entry under remote_read.');
    if (rr.name && rrNames.has(rr.name)) d.fail(`found multiple remote read configs with job name ${goQuote(rr.name)}`, at('remote_read'), 'Give every remote_read a unique name.');
    if (rr.name) rrNames.add(rr.name);
  }
  cfg.remote_read = rrs as RemoteReadConfig[];
  return cfg;
}

/** Scrape configs -> their YAML node, for positions in Config-level errors. */
const scrapeNodes = new WeakMap<object, YNode>();

function decodeGlobal(d: Decoder, n: YNode): GlobalConfig {
  if (d.isNull(n)) return { ...DEFAULT_GLOBAL, external_labels: {} };
  const g: GlobalConfig = { scrape_interval: asDurationMs(0), scrape_timeout: asDurationMs(0), evaluation_interval: asDurationMs(0), external_labels: {} };
  let labelsNode: YNode;
  const r = d.struct(n, 'config.plain', {
    scrape_interval: (v) => (g.scrape_interval = d.duration(v)),
    scrape_timeout: (v) => (g.scrape_timeout = d.duration(v)),
    evaluation_interval: (v) => (g.evaluation_interval = d.duration(v)),
    query_log_file: (v) => (g.query_log_file = d.str(v) || undefined),
    external_labels: (v) => {
      labelsNode = v;
      g.external_labels = d.strMap(v) ?? {};
    },
  });
  if (!r.ok) return g;
  for (const k of Object.keys(g.external_labels).sort()) {
    const v = g.external_labels[k]!;
    if (!isLegacyLabelName(k)) d.fail(`${goQuote(k)} is not a valid label name`, labelsNode, 'Label names match [a-zA-Z_][a-zA-Z0-9_]*.');
    const raw = d.rawBytes.get(v);
    if (raw) d.fail(`${goQuote(v, raw)} is not a valid label value`, labelsNode, 'Label values must be valid UTF-8.');
  }
  g.external_labels = sortedRecord(g.external_labels);
  if (g.scrape_interval === 0) g.scrape_interval = DEFAULT_GLOBAL.scrape_interval;
  if (g.scrape_timeout > g.scrape_interval) d.fail('global scrape timeout greater than scrape interval', r.node, 'Make global.scrape_timeout at most global.scrape_interval.');
  if (g.scrape_timeout === 0) g.scrape_timeout = asDurationMs(Math.min(DEFAULT_GLOBAL.scrape_timeout, g.scrape_interval));
  if (g.evaluation_interval === 0) g.evaluation_interval = DEFAULT_GLOBAL.evaluation_interval;
  return g;
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

function expandExternalLabels(g: GlobalConfig, opts: LoadOptions): void {
  const env = opts.env ?? process.env;
  for (const k of Object.keys(g.external_labels)) {
    g.external_labels[k] = goExpand(g.external_labels[k]!, (name) => {
      if (name === '$') return '$';
      const v = env[name];
      if (v) return v;
      opts.onWarning?.(`Empty environment variable: ${name}`);
      return '';
    });
  }
}

/** Go's os.Expand: $VAR and ${VAR}; "$$" maps through the "$" name. */
export function goExpand(s: string, mapping: (name: string) => string): string {
  let buf = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      buf += s.slice(i, j);
      const [name, w] = shellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // invalid syntax: the characters are eaten
      } else if (name === '') {
        buf += s[j];
      } else {
        buf += mapping(name);
      }
      j += w;
      i = j + 1;
    }
  }
  if (i === 0) return s;
  return buf + s.slice(i);
}

function shellName(s: string): [string, number] {
  const special = (c: string | undefined) => c !== undefined && /[*#$@!?\-0-9]/.test(c);
  if (s[0] === '{') {
    if (s.length > 2 && special(s[1]) && s[2] === '}') return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (special(s[0])) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && /[A-Za-z0-9_]/.test(s[i]!)) i++;
  return [s.slice(0, i), i];
}

function decodeAlerting(d: Decoder, n: YNode): AlertingConfig {
  const a: AlertingConfig = { alert_relabel_configs: [], alertmanagers: [] };
  let nullRule: YNode | undefined;
  let sawNullRule = false;
  const r = d.struct(n, 'config.plain', {
    alert_relabel_configs: (v) => {
      const res = decodeRelabelList(d, v);
      a.alert_relabel_configs = res.rules;
      nullRule = res.nullAt;
      sawNullRule = res.nullAt !== undefined;
    },
    alertmanagers: (v) =>
      (a.alertmanagers = (d.list(v, 'config.AlertmanagerConfigs', (it) => (d.isNull(it) ? undefined : decodeAlertmanager(d, it))) ?? []).filter(
        (x): x is AlertmanagerConfig => x !== undefined,
      )),
  });
  if (r.ok && sawNullRule) d.fail('empty or null alert relabeling rule', nullRule, 'Remove the empty "-" entry under alert_relabel_configs.');
  return a;
}

function decodeAlertmanager(d: Decoder, n: YNode): AlertmanagerConfig {
  const c: AlertmanagerConfig = {
    ...defaultHTTPClientConfig(),
    scheme: 'http',
    path_prefix: '/',
    timeout: asDurationMs(10 * SEC),
    api_version: 'v2',
    relabel_configs: [],
  };
  setPosition(c, d.pos(d.deref(n)));
  const sd = sdFields(d, c);
  let nullRule: YNode | undefined;
  let relabelPresent = false;
  const r = d.struct(n, 'config.AlertmanagerConfig', {
    ...httpClientFields(d, c),
    ...sd.handlers,
    scheme: (v) => (c.scheme = d.str(v)),
    path_prefix: (v) => (c.path_prefix = d.str(v)),
    timeout: (v) => (c.timeout = d.duration(v)),
    api_version: (v) => {
      const s = d.str(v);
      if (s !== 'v1' && s !== 'v2') d.fail(`expected Alertmanager api version to be one of [v1 v2] but got ${s}`, v, 'Use api_version v2 (or v1 for old Alertmanagers).');
      c.api_version = s as AlertmanagerAPIVersion;
    },
    relabel_configs: (v) => {
      const res = decodeRelabelList(d, v);
      c.relabel_configs = res.rules;
      nullRule = res.nullAt;
      relabelPresent = res.nullAt !== undefined || res.rules.length > 0;
    },
  });
  if (!r.ok) return c;
  sd.checkNulls();
  validateHTTPClientConfig(d, c, r.node);
  if (!relabelPresent) checkStaticTargets(d, c, r.node);
  if (nullRule !== undefined) d.fail('empty or null Alertmanager target relabeling rule', nullRule, 'Remove the empty "-" entry under relabel_configs.');
  return c;
}

/** Upstream's guard against URLs in static targets ("http://host" instead of "host:port"). */
function checkStaticTargets(d: Decoder, c: ServiceDiscoveryConfigs, node: YNode): void {
  for (const g of c.static_configs ?? []) {
    for (const t of g.targets) {
      if (t.includes('/')) d.fail(`${goQuote(t)} is not a valid hostname`, node, 'Static targets are host:port; put the scheme in `scheme` and the path in `metrics_path`.');
    }
  }
}

function decodeScrapeConfig(d: Decoder, n: YNode): ScrapeConfig {
  const c: ScrapeConfig = {
    ...defaultHTTPClientConfig(),
    job_name: '',
    honor_labels: false,
    honor_timestamps: true,
    scrape_interval: asDurationMs(0),
    scrape_timeout: asDurationMs(0),
    metrics_path: '/metrics',
    scheme: 'http',
    body_size_limit: 0,
    sample_limit: 0,
    target_limit: 0,
    label_limit: 0,
    label_name_length_limit: 0,
    label_value_length_limit: 0,
    relabel_configs: [],
    metric_relabel_configs: [],
  };
  scrapeNodes.set(c, n);
  setPosition(c, d.pos(d.deref(n)));
  const sd = sdFields(d, c);
  let nullTarget: YNode | undefined;
  let nullMetric: YNode | undefined;
  let relabelPresent = false;
  const r = d.struct(n, 'config.ScrapeConfig', {
    ...httpClientFields(d, c),
    ...sd.handlers,
    job_name: (v) => (c.job_name = d.str(v)),
    honor_labels: (v) => (c.honor_labels = d.bool(v)),
    honor_timestamps: (v) => (c.honor_timestamps = d.bool(v)),
    params: (v) => (c.params = d.map(v, 'url.Values', (x) => d.strList(x) ?? [])),
    scrape_interval: (v) => (c.scrape_interval = d.duration(v)),
    scrape_timeout: (v) => (c.scrape_timeout = d.duration(v)),
    metrics_path: (v) => (c.metrics_path = d.str(v)),
    scheme: (v) => (c.scheme = d.str(v)),
    body_size_limit: (v) => (c.body_size_limit = d.size(v)),
    sample_limit: (v) => (c.sample_limit = d.int(v, 'uint')),
    target_limit: (v) => (c.target_limit = d.int(v, 'uint')),
    label_limit: (v) => (c.label_limit = d.int(v, 'uint')),
    label_name_length_limit: (v) => (c.label_name_length_limit = d.int(v, 'uint')),
    label_value_length_limit: (v) => (c.label_value_length_limit = d.int(v, 'uint')),
    relabel_configs: (v) => {
      const res = decodeRelabelList(d, v);
      c.relabel_configs = res.rules;
      nullTarget = res.nullAt;
      relabelPresent = res.nullAt !== undefined || res.rules.length > 0;
    },
    metric_relabel_configs: (v) => {
      const res = decodeRelabelList(d, v);
      c.metric_relabel_configs = res.rules;
      nullMetric = res.nullAt;
    },
  });
  if (!r.ok) return c;
  sd.checkNulls();
  if (c.job_name === '') d.fail('job_name is empty', r.node, 'Give this scrape config a job_name.');
  validateHTTPClientConfig(d, c, r.node);
  if (!relabelPresent) checkStaticTargets(d, c, r.node);
  if (nullTarget !== undefined) d.fail('empty or null target relabeling rule in scrape config', nullTarget, 'Remove the empty "-" entry under relabel_configs.');
  if (nullMetric !== undefined) d.fail('empty or null metric relabeling rule in scrape config', nullMetric, 'Remove the empty "-" entry under metric_relabel_configs.');
  return c;
}

function validateHeaders(d: Decoder, headers: Record<string, string> | undefined, node: YNode, tracing: boolean): void {
  for (const h of Object.keys(headers ?? {})) {
    const lower = h.toLowerCase();
    if (lower === 'authorization') {
      d.fail(
        tracing ? 'custom authorization header configuration is not yet supported' : 'authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter',
        node,
        'Use the authentication settings instead of a raw Authorization header.',
      );
    }
    if (RESERVED_HEADERS.has(lower)) d.fail(`${h} is a reserved header. It must not be changed`, node, 'Remove this header; Prometheus sets it itself.');
  }
}

function decodeSigV4(d: Decoder, n: YNode): SigV4Config | undefined {
  if (d.isNull(n)) return undefined;
  const s: SigV4Config = {};
  d.struct(n, 'sigv4.SigV4Config', {
    region: (v) => (s.region = d.str(v) || undefined),
    access_key: (v) => (s.access_key = d.str(v) || undefined),
    secret_key: (v) => (s.secret_key = d.str(v) || undefined),
    profile: (v) => (s.profile = d.str(v) || undefined),
    role_arn: (v) => (s.role_arn = d.str(v) || undefined),
  });
  return s;
}

function decodeRemoteWrite(d: Decoder, n: YNode): RemoteWriteConfig {
  const c: RemoteWriteConfig = {
    ...defaultHTTPClientConfig(),
    url: '',
    remote_timeout: asDurationMs(30 * SEC),
    write_relabel_configs: [],
    send_exemplars: false,
    send_native_histograms: false,
    queue_config: defaultQueueConfig(),
    metadata_config: defaultMetadataConfig(),
  };
  let urlSet = false;
  let nullRule: YNode | undefined;
  const q = c.queue_config;
  const m = c.metadata_config;
  const r = d.struct(n, 'config.plain', {
    ...httpClientFields(d, c),
    url: (v) => {
      const u = decodeURL(d, v);
      urlSet = u !== undefined;
      c.url = u ?? '';
    },
    remote_timeout: (v) => (c.remote_timeout = d.duration(v)),
    headers: (v) => (c.headers = d.strMap(v)),
    write_relabel_configs: (v) => {
      const res = decodeRelabelList(d, v);
      c.write_relabel_configs = res.rules;
      nullRule = res.nullAt;
    },
    name: (v) => (c.name = d.str(v) || undefined),
    send_exemplars: (v) => (c.send_exemplars = d.bool(v)),
    send_native_histograms: (v) => (c.send_native_histograms = d.bool(v)),
    sigv4: (v) => (c.sigv4 = decodeSigV4(d, v)),
    queue_config: (v) =>
      d.struct(v, 'config.QueueConfig', {
        capacity: (x) => (q.capacity = d.int(x)),
        max_shards: (x) => (q.max_shards = d.int(x)),
        min_shards: (x) => (q.min_shards = d.int(x)),
        max_samples_per_send: (x) => (q.max_samples_per_send = d.int(x)),
        batch_send_deadline: (x) => (q.batch_send_deadline = d.duration(x)),
        min_backoff: (x) => (q.min_backoff = d.duration(x)),
        max_backoff: (x) => (q.max_backoff = d.duration(x)),
        retry_on_http_429: (x) => (q.retry_on_http_429 = d.bool(x)),
      }),
    metadata_config: (v) =>
      d.struct(v, 'config.MetadataConfig', {
        send: (x) => (m.send = d.bool(x)),
        send_interval: (x) => (m.send_interval = d.duration(x)),
        max_samples_per_send: (x) => (m.max_samples_per_send = d.int(x)),
      }),
  });
  if (!r.ok) return c;
  if (!urlSet) d.fail('url for remote_write is empty', r.node, 'Set url to the receiver endpoint, e.g. http://host:port/api/v1/write.');
  if (nullRule !== undefined) d.fail('empty or null relabeling rule in remote write config', nullRule, 'Remove the empty "-" entry under write_relabel_configs.');
  validateHeaders(d, c.headers, r.nodes.get('headers') ?? r.node, false);
  validateHTTPClientConfig(d, c, r.node);
  if ((c.basic_auth || c.authorization || c.oauth2) && c.sigv4) d.fail('at most one of basic_auth, authorization, oauth2, & sigv4 must be configured', r.node, 'Configure a single authentication method.');
  return c;
}

function decodeRemoteRead(d: Decoder, n: YNode): RemoteReadConfig {
  const c: RemoteReadConfig = {
    ...defaultHTTPClientConfig(),
    url: '',
    remote_timeout: asDurationMs(1 * MIN),
    read_recent: false,
    filter_external_labels: true,
  };
  let urlSet = false;
  const r = d.struct(n, 'config.plain', {
    ...httpClientFields(d, c),
    url: (v) => {
      const u = decodeURL(d, v);
      urlSet = u !== undefined;
      c.url = u ?? '';
    },
    remote_timeout: (v) => (c.remote_timeout = d.duration(v)),
    headers: (v) => (c.headers = d.strMap(v)),
    read_recent: (v) => (c.read_recent = d.bool(v)),
    name: (v) => (c.name = d.str(v) || undefined),
    required_matchers: (v) => {
      const mm = d.map(v, 'model.LabelSet', (x) => d.str(x));
      for (const k of Object.keys(mm ?? {})) if (!isLegacyLabelName(k)) d.fail(`${goQuote(k)} is not a valid label name`, v);
      c.required_matchers = mm ? { ...mm } : undefined;
    },
    filter_external_labels: (v) => (c.filter_external_labels = d.bool(v)),
  });
  if (!r.ok) return c;
  if (!urlSet) d.fail('url for remote_read is empty', r.node, 'Set url to the remote read endpoint.');
  validateHeaders(d, c.headers, r.nodes.get('headers') ?? r.node, false);
  validateHTTPClientConfig(d, c, r.node);
  return c;
}

function decodeStorage(d: Decoder, n: YNode): StorageConfig {
  const s: StorageConfig = {};
  d.struct(n, 'config.StorageConfig', {
    tsdb: (v) => {
      if (d.isNull(v)) return;
      const t = { out_of_order_time_window: asDurationMs(0) };
      d.struct(v, 'config.plain', { out_of_order_time_window: (x) => (t.out_of_order_time_window = d.duration(x)) });
      s.tsdb = t;
    },
    exemplars: (v) => {
      if (d.isNull(v)) return;
      const e = { max_exemplars: 100000 };
      d.struct(v, 'config.ExemplarsConfig', { max_exemplars: (x) => (e.max_exemplars = d.int(x, 'int64')) });
      s.exemplars = e;
    },
  });
  return s;
}

function decodeTracing(d: Decoder, n: YNode): TracingConfig {
  const t = defaultTracing();
  if (d.isNull(n)) return t;
  const r = d.struct(n, 'config.plain', {
    client_type: (v) => {
      const s = d.str(v);
      if (s !== 'http' && s !== 'grpc') d.fail(`expected tracing client type to be to be http or grpc, but got ${s}`, v);
      t.client_type = s;
    },
    endpoint: (v) => (t.endpoint = d.str(v) || undefined),
    sampling_fraction: (v) => (t.sampling_fraction = d.float(v)),
    insecure: (v) => (t.insecure = d.bool(v)),
    tls_config: (v) => (t.tls_config = decodeTLSConfig(d, v)),
    headers: (v) => (t.headers = d.strMap(v)),
    compression: (v) => (t.compression = (d.str(v) || undefined) as 'gzip' | undefined),
    timeout: (v) => (t.timeout = d.duration(v)),
  });
  if (!r.ok) return t;
  validateHeaders(d, t.headers, r.nodes.get('headers') ?? r.node, true);
  if (!t.endpoint) d.fail('tracing endpoint must be set', r.node, 'Set tracing.endpoint (host:port of the OTLP receiver).');
  if (t.compression !== undefined && (t.compression as string) !== 'gzip') d.fail(`invalid compression type ${t.compression as string} provided, valid options: gzip`, r.nodes.get('compression'));
  return t;
}

/** Go's config.JoinDir: relative, non-empty paths are joined with dir. */
export function joinDir(dir: string, p: string | undefined): string | undefined {
  if (p === undefined || p === '' || isAbsolute(p)) return p;
  return join(dir, p);
}

/** Config.SetDirectory: every file path in the config becomes relative to the config's folder. */
export function setDirectory(cfg: Config, dir: string): void {
  const j = (p: string | undefined) => joinDir(dir, p);
  cfg.global.query_log_file = j(cfg.global.query_log_file);
  if (cfg.global.query_log_file === undefined) delete cfg.global.query_log_file;
  cfg.rule_files = cfg.rule_files.map((f) => j(f) ?? f);
  const http = (c: HTTPClientConfig) => setHTTPDirectory(c, j);
  for (const sc of cfg.scrape_configs) {
    http(sc);
    setSDDirectory(sc, j);
  }
  for (const am of cfg.alerting.alertmanagers) {
    http(am);
    setSDDirectory(am, j);
  }
  for (const rw of cfg.remote_write) http(rw);
  for (const rr of cfg.remote_read) http(rr);
  setTLSDirectory(cfg.tracing.tls_config, j);
}

export type { DurationMs };
