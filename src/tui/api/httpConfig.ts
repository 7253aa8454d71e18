/**
 * --http.config.file: the same file promtool reads (prometheus/common HTTPClientConfig):
 * basic_auth, authorization (or the old bearer_token), tls_config. It becomes request headers
 * plus an undici dispatcher carrying the TLS settings.
 *
 * Relative file paths (password_file, ca_file, ...) are resolved against the config file's
 * directory, as Prometheus does for paths in its own config.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { parse as parseYaml } from 'yaml';
import { PromtsError } from '../../model/index.js';
import type { FetchLike } from './client.js';

export class HttpConfigError extends PromtsError {
  constructor(file: string, message: string, hint?: string) {
    super('http_config', `${file}: ${message}`, hint);
  }
}

export interface HttpSettings {
  readonly headers: Readonly<Record<string, string>>;
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly servername?: string;
    readonly rejectUnauthorized: boolean;
  };
}

const TOP_KEYS = new Set(['basic_auth', 'authorization', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects', 'enable_http2', 'oauth2', 'proxy_url', 'proxy_connect_header', 'no_proxy', 'proxy_from_environment']);
const UNSUPPORTED = new Set(['oauth2', 'proxy_url', 'proxy_connect_header', 'no_proxy', 'proxy_from_environment']);

type Obj = Record<string, unknown>;

/** Reads and checks the file; throws HttpConfigError with the file name and a hint. */
export function loadHttpConfigFile(file: string): HttpSettings {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HttpConfigError(file, e instanceof Error ? e.message : String(e), 'Check that the file exists and is valid YAML.');
  }
  return httpSettingsFrom(doc ?? {}, file, dirname(file));
}

/** The checks of common's HTTPClientConfig.Validate that matter for a client, in its wording. */
export function httpSettingsFrom(doc: unknown, file: string, dir: string): HttpSettings {
  const fail = (msg: string, hint?: string): never => {
    throw new HttpConfigError(file, msg, hint);
  };
  if (!isObj(doc)) fail('expected a mapping of HTTP client settings');
  const c = doc as Obj;
  for (const k of Object.keys(c)) {
    if (!TOP_KEYS.has(k)) fail(`field ${k} not found in type config.plain`, 'Use basic_auth, authorization, bearer_token(_file) or tls_config.');
    if (UNSUPPORTED.has(k)) fail(`${k} is not supported by promts dashboard`, 'Use basic_auth or authorization, or reach the server through an SSH tunnel.');
  }
  const read = (p: string, what: string): string => {
    try {
      return readFileSync(isAbsolute(p) ? p : join(dir, p), 'utf8');
    } catch (e) {
      return fail(`unable to read ${what} ${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const headers: Record<string, string> = {};
  const ba = c['basic_auth'];
  const auth = c['authorization'];
  const bt = c['bearer_token'];
  const btf = c['bearer_token_file'];
  const authCount = [ba, auth, bt ?? btf].filter((x) => x !== undefined && x !== null).length;
  if (authCount > 1) fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  if (isObj(ba)) {
    const user = str(ba['username']);
    if (ba['password'] && ba['password_file']) fail('at most one of basic_auth password & password_file must be configured');
    const pass = ba['password_file'] ? read(str(ba['password_file']), 'basic auth password file').trim() : str(ba['password']);
    headers['Authorization'] = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
  }
  if (isObj(auth)) {
    const type = str(auth['type']) || 'Bearer';
    if (type.toLowerCase() === 'basic') fail('authorization type cannot be set to "basic", use "basic_auth" instead');
    if (auth['credentials'] && auth['credentials_file']) fail('at most one of authorization credentials & credentials_file must be configured');
    const cred = auth['credentials_file'] ? read(str(auth['credentials_file']), 'authorization credentials file').trim() : str(auth['credentials']);
    headers['Authorization'] = `${type} ${cred}`;
  }
  if (bt !== undefined || btf !== undefined) {
    if (bt && btf) fail('at most one of bearer_token & bearer_token_file must be configured');
    const cred = btf ? read(str(btf), 'bearer token file').trim() : str(bt);
    headers['Authorization'] = `Bearer ${cred}`;
  }
  const tc = c['tls_config'];
  if (tc === undefined || tc === null) return { headers };
  if (!isObj(tc)) return fail('tls_config must be a mapping');
  const certFile = str(tc['cert_file']);
  const keyFile = str(tc['key_file']);
  if (certFile && !keyFile) fail(`client cert file "${certFile}" specified without client key file`);
  if (keyFile && !certFile) fail(`client key file "${keyFile}" specified without client cert file`);
  return {
    headers,
    tls: {
      ca: tc['ca_file'] ? read(str(tc['ca_file']), 'CA file') : undefined,
      cert: certFile ? read(certFile, 'client certificate') : undefined,
      key: keyFile ? read(keyFile, 'client key') : undefined,
      servername: str(tc['server_name']) || undefined,
      rejectUnauthorized: tc['insecure_skip_verify'] !== true,
    },
  };
}

/** A fetch that applies the TLS settings (undici's own fetch, so its Agent is accepted). */
export function fetchFor(settings: HttpSettings): FetchLike {
  const dispatcher = settings.tls ? new Agent({ connect: { ...settings.tls } }) : undefined;
  return async (url, init) => {
    const res = await undiciFetch(url, { signal: init.signal, headers: init.headers, dispatcher });
    return res;
  };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
