/**
 * prometheus/common's HTTPClientConfig as Prometheus 2.42 (common v0.39) reads it: decoded
 * inline into its parent section, then validated with common's rules and wording.
 */
import type { Authorization, BasicAuth, HTTPClientConfig, OAuth2Config, TLSConfig, TLSVersion } from './types.js';
import type { Decoder, FieldHandlers, YNode } from './yaml.js';
import { parseGoURL } from './url.js';
import { setPosition } from './positions.js';

const TLS_VERSIONS: readonly TLSVersion[] = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

export function defaultTLSConfig(): TLSConfig {
  return { insecure_skip_verify: false };
}

/** DefaultHTTPClientConfig: follow redirects and HTTP/2 on. */
export function defaultHTTPClientConfig(): HTTPClientConfig {
  return { tls_config: defaultTLSConfig(), follow_redirects: true, enable_http2: true };
}

export function decodeTLSConfig(d: Decoder, n: YNode): TLSConfig {
  const c = defaultTLSConfig();
  setPosition(c, d.pos(d.deref(n)));
  const version = (v: YNode): TLSVersion | undefined => {
    const s = d.str(v);
    if (d.isNull(v)) return undefined;
    if (!(TLS_VERSIONS as readonly string[]).includes(s)) d.fail(`unknown TLS version: ${s}`, v, 'Use one of TLS10, TLS11, TLS12, TLS13.');
    return s as TLSVersion;
  };
  d.struct(n, 'config.TLSConfig', {
    ca_file: (v) => (c.ca_file = d.str(v) || undefined),
    cert_file: (v) => (c.cert_file = d.str(v) || undefined),
    key_file: (v) => (c.key_file = d.str(v) || undefined),
    server_name: (v) => (c.server_name = d.str(v) || undefined),
    insecure_skip_verify: (v) => (c.insecure_skip_verify = d.bool(v)),
    min_version: (v) => (c.min_version = version(v)),
    max_version: (v) => (c.max_version = version(v)),
  });
  return c;
}

/** A config.URL field: any string Go's url.Parse accepts; a bad one stops decoding. */
export function decodeURL(d: Decoder, n: YNode): string | undefined {
  if (d.isNull(n)) return undefined;
  const s = d.str(n);
  const r = parseGoURL(s);
  if (!r.ok) d.fail(r.error, n, 'Give a valid URL such as http://host:port/path (no spaces).');
  return s;
}

function decodeProxyHeader(d: Decoder, n: YNode): Record<string, string[]> | undefined {
  return d.map(n, 'config.Header', (v) => d.strList(v) ?? []);
}

function decodeBasicAuth(d: Decoder, n: YNode): BasicAuth | undefined {
  if (d.isNull(n)) return undefined;
  const b: BasicAuth = { username: '' };
  d.struct(n, 'config.BasicAuth', {
    username: (v) => (b.username = d.str(v)),
    password: (v) => (b.password = d.str(v) || undefined),
    password_file: (v) => (b.password_file = d.str(v) || undefined),
  });
  return b;
}

function decodeAuthorization(d: Decoder, n: YNode): Authorization | undefined {
  if (d.isNull(n)) return undefined;
  const a: Authorization = { type: '' };
  setPosition(a, d.pos(d.deref(n)));
  d.struct(n, 'config.Authorization', {
    type: (v) => (a.type = d.str(v)),
    credentials: (v) => (a.credentials = d.str(v) || undefined),
    credentials_file: (v) => (a.credentials_file = d.str(v) || undefined),
  });
  return a;
}

function decodeOAuth2(d: Decoder, n: YNode): OAuth2Config | undefined {
  if (d.isNull(n)) return undefined;
  const o: OAuth2Config = { client_id: '', token_url: '', tls_config: defaultTLSConfig() };
  d.struct(n, 'config.OAuth2', {
    client_id: (v) => (o.client_id = d.str(v)),
    client_secret: (v) => (o.client_secret = d.str(v) || undefined),
    client_secret_file: (v) => (o.client_secret_file = d.str(v) || undefined),
    scopes: (v) => (o.scopes = d.strList(v)),
    token_url: (v) => (o.token_url = d.str(v)),
    endpoint_params: (v) => (o.endpoint_params = d.strMap(v)),
    tls_config: (v) => (o.tls_config = decodeTLSConfig(d, v)),
    proxy_url: (v) => (o.proxy_url = decodeURL(d, v)),
    proxy_connect_header: (v) => (o.proxy_connect_header = decodeProxyHeader(d, v)),
  });
  return o;
}

/** Handlers for the HTTP client keys, to be spread into a parent section's handlers. */
export function httpClientFields(d: Decoder, c: HTTPClientConfig): FieldHandlers {
  return {
    basic_auth: (v) => (c.basic_auth = decodeBasicAuth(d, v)),
    authorization: (v) => (c.authorization = decodeAuthorization(d, v)),
    oauth2: (v) => (c.oauth2 = decodeOAuth2(d, v)),
    bearer_token: (v) => (c.bearer_token = d.str(v) || undefined),
    bearer_token_file: (v) => (c.bearer_token_file = d.str(v) || undefined),
    tls_config: (v) => (c.tls_config = decodeTLSConfig(d, v)),
    proxy_url: (v) => (c.proxy_url = decodeURL(d, v)),
    proxy_connect_header: (v) => (c.proxy_connect_header = decodeProxyHeader(d, v)),
    follow_redirects: (v) => (c.follow_redirects = d.bool(v)),
    enable_http2: (v) => (c.enable_http2 = d.bool(v)),
  };
}

const AUTH_HINT = 'Configure a single authentication method for this section.';

/**
 * HTTPClientConfig.Validate: mutually exclusive auth settings; bearer_token(_file) are folded
 * into `authorization` (type Bearer) the way common does, so consumers see one shape.
 */
export function validateHTTPClientConfig(d: Decoder, c: HTTPClientConfig, node: YNode): void {
  const bearer = !!c.bearer_token || !!c.bearer_token_file;
  if (c.bearer_token && c.bearer_token_file) d.fail('at most one of bearer_token & bearer_token_file must be configured', node, AUTH_HINT);
  if ((c.basic_auth || c.oauth2) && bearer) d.fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured', node, AUTH_HINT);
  if (c.basic_auth && c.basic_auth.password && c.basic_auth.password_file) {
    d.fail('at most one of basic_auth password & password_file must be configured', node, 'Keep either password or password_file under basic_auth.');
  }
  if (c.authorization) {
    if (bearer) d.fail('authorization is not compatible with bearer_token & bearer_token_file', node, AUTH_HINT);
    if (c.authorization.credentials && c.authorization.credentials_file) {
      d.fail('at most one of authorization credentials & credentials_file must be configured', node, 'Keep either credentials or credentials_file under authorization.');
    }
    c.authorization.type = c.authorization.type.trim() || 'Bearer';
    if (c.authorization.type.toLowerCase() === 'basic') d.fail('authorization type cannot be set to "basic", use "basic_auth" instead', node, 'Move the username/password to a basic_auth block.');
    if (c.basic_auth || c.oauth2) d.fail('at most one of basic_auth, oauth2 & authorization must be configured', node, AUTH_HINT);
  } else {
    if (c.bearer_token) {
      c.authorization = { type: 'Bearer', credentials: c.bearer_token };
      delete c.bearer_token;
    }
    if (c.bearer_token_file) {
      c.authorization = { type: 'Bearer', credentials_file: c.bearer_token_file };
      delete c.bearer_token_file;
    }
  }
  if (c.oauth2) {
    if (c.basic_auth) d.fail('at most one of basic_auth, oauth2 & authorization must be configured', node, AUTH_HINT);
    if (!c.oauth2.client_id) d.fail('oauth2 client_id must be configured', node, 'Set oauth2.client_id.');
    if (!c.oauth2.client_secret && !c.oauth2.client_secret_file) d.fail('either oauth2 client_secret or client_secret_file must be configured', node, 'Set oauth2.client_secret or oauth2.client_secret_file.');
    if (!c.oauth2.token_url) d.fail('oauth2 token_url must be configured', node, 'Set oauth2.token_url.');
    if (c.oauth2.client_secret && c.oauth2.client_secret_file) d.fail('at most one of oauth2 client_secret & client_secret_file must be configured', node, 'Keep one of the two.');
  }
}

/** True when any HTTP client setting differs from DefaultHTTPClientConfig (Kubernetes SD needs this). */
export function isDefaultHTTPClientConfig(c: HTTPClientConfig): boolean {
  const t = c.tls_config;
  return (
    !c.basic_auth && !c.authorization && !c.oauth2 && !c.bearer_token && !c.bearer_token_file && !c.proxy_url && !c.proxy_connect_header &&
    c.follow_redirects && c.enable_http2 &&
    !t.ca_file && !t.cert_file && !t.key_file && !t.server_name && !t.insecure_skip_verify && !t.min_version && !t.max_version
  );
}

/** Joins relative file paths with the config's directory, like common's SetDirectory. */
export function setHTTPDirectory(c: HTTPClientConfig, join: (p: string | undefined) => string | undefined): void {
  setTLSDirectory(c.tls_config, join);
  if (c.basic_auth) c.basic_auth.password_file = join(c.basic_auth.password_file);
  if (c.authorization) c.authorization.credentials_file = join(c.authorization.credentials_file);
  if (c.oauth2) {
    c.oauth2.client_secret_file = join(c.oauth2.client_secret_file);
    setTLSDirectory(c.oauth2.tls_config, join);
  }
  if (c.bearer_token_file) c.bearer_token_file = join(c.bearer_token_file);
}

export function setTLSDirectory(t: TLSConfig, join: (p: string | undefined) => string | undefined): void {
  t.ca_file = join(t.ca_file);
  t.cert_file = join(t.cert_file);
  t.key_file = join(t.key_file);
  for (const k of ['ca_file', 'cert_file', 'key_file'] as const) if (t[k] === undefined) delete t[k];
}
