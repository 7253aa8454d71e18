// How to reach the API server: from api_server plus the http client config, from a kubeconfig
// file, or in-cluster from the pod's service account (KUBERNETES_SERVICE_HOST/PORT, token, CA),
// as Prometheus 2.42 chooses. We talk to the API with undici directly rather than the shared
// HttpClient (which buffers whole bodies) because watches are long-lived streams, and rather
// than @kubernetes/client-node, which pulls in a dozen packages (openid-client, ws, tar-fs,
// socks, its own undici major) for the two GETs we need.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { KubernetesSDConfig } from '../../config/index.js';
import { KubernetesSDError } from './errors.js';
import { loadKubeconfig } from './kubeconfig.js';
import { undici } from '../../model/index.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A way to send requests to one API server. `headers()` is called per request (tokens rotate). */
export interface Connection {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  headers(): Record<string, string>;
  /** The pod's own namespace (in-cluster only), for namespaces.own_namespace. */
  readonly ownNamespace?: string;
}

/** TLS and credentials, whichever source they came from. */
export interface ConnectionParts {
  readonly baseUrl: string;
  readonly tls: Record<string, unknown>;
  readonly proxyUrl?: string;
  /** Re-evaluated per request so that rotated token files are picked up. */
  readonly auth: () => string | undefined;
}

export interface ConnectOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where the service account token, CA and namespace are (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
  readonly userAgent?: string;
}

/** Throws KubernetesSDError when no way to reach an API server can be built. */
export function connect(cfg: KubernetesSDConfig, opts: ConnectOptions = {}): Connection {
  let parts: ConnectionParts;
  let ownNamespace: string | undefined;
  if (cfg.kubeconfig_file) parts = loadKubeconfig(cfg.kubeconfig_file);
  else if (cfg.api_server) parts = fromHttpConfig(cfg);
  else {
    const sa = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    parts = inCluster(opts.env ?? process.env, sa);
    if (cfg.namespaces.own_namespace) ownNamespace = readOwnNamespace(sa);
  }
  // Watches stay open for minutes without a byte: no body timeout; the watch asks the server
  // to end it (timeoutSeconds) instead.
  const dispatcher = parts.proxyUrl
    ? new (undici().ProxyAgent)({ uri: parts.proxyUrl, requestTls: parts.tls, connect: parts.tls, bodyTimeout: 0, headersTimeout: 60_000 })
    : new (undici().Agent)({ connect: parts.tls, bodyTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 });
  const ua = opts.userAgent ?? 'Prometheus/2.42.0';
  return {
    baseUrl: parts.baseUrl.replace(/\/+$/, ''),
    dispatcher,
    ownNamespace,
    headers: () => {
      const h: Record<string, string> = { 'user-agent': ua, accept: 'application/json' };
      const a = parts.auth();
      if (a) h['authorization'] = a;
      return h;
    },
  };
}

function fromHttpConfig(cfg: KubernetesSDConfig): ConnectionParts {
  const t = cfg.tls_config;
  const tls: Record<string, unknown> = { rejectUnauthorized: !t?.insecure_skip_verify };
  if (t?.ca_file) tls['ca'] = readFileSync(t.ca_file);
  if (t?.cert_file) tls['cert'] = readFileSync(t.cert_file);
  if (t?.key_file) tls['key'] = readFileSync(t.key_file);
  if (t?.server_name) tls['servername'] = t.server_name;
  return { baseUrl: String(cfg.api_server), tls, proxyUrl: cfg.proxy_url, auth: () => authHeader(cfg) };
}

function authHeader(cfg: KubernetesSDConfig): string | undefined {
  if (cfg.basic_auth) {
    const b = cfg.basic_auth;
    const pw = b.password_file ? readFileSync(b.password_file, 'utf8').trim() : (b.password ?? '');
    return 'Basic ' + Buffer.from(`${b.username}:${pw}`).toString('base64');
  }
  if (cfg.authorization) {
    const a = cfg.authorization;
    const cred = a.credentials_file ? readFileSync(a.credentials_file, 'utf8').trim() : (a.credentials ?? '');
    return `${a.type || 'Bearer'} ${cred}`;
  }
  if (cfg.bearer_token_file) return 'Bearer ' + readFileSync(cfg.bearer_token_file, 'utf8').trim();
  if (cfg.bearer_token) return 'Bearer ' + cfg.bearer_token;
  return undefined;
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): ConnectionParts {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new KubernetesSDError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
      'Outside a cluster, set api_server (with credentials) or kubeconfig_file in kubernetes_sd_configs.',
    );
  }
  const tokenFile = join(dir, 'token');
  let ca: Buffer;
  try {
    ca = readFileSync(join(dir, 'ca.crt'));
    readFileSync(tokenFile);
  } catch (e) {
    throw new KubernetesSDError(`cannot read the pod service account: ${(e as Error).message}`, `Mount the service account token (automountServiceAccountToken) at ${dir}.`);
  }
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    baseUrl: `https://${h}:${port}`,
    tls: { ca },
    auth: () => {
      try {
        return 'Bearer ' + readFileSync(tokenFile, 'utf8').trim();
      } catch {
        return undefined; // rotated away mid-read: the request fails with 401 and is retried
      }
    },
  };
}

function readOwnNamespace(dir: string): string {
  let ns: string;
  try {
    ns = readFileSync(join(dir, 'namespace'), 'utf8');
  } catch (e) {
    throw new KubernetesSDError(`could not determine the pod's namespace: ${(e as Error).message}`);
  }
  if (ns === '') throw new KubernetesSDError('could not read own namespace name (empty file)');
  return ns;
}
