/**
 * The --web.config.file format of Prometheus's exporter-toolkit: tls_server_config,
 * http_server_config and basic_auth_users, with its validation messages. src/config does not
 * export a web config parser yet; when it does, the server can pass its result instead
 * (startWebServer accepts a parsed WebConfig through `loadWebConfig`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { WebConfigError } from './errors.js';

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';
export type TlsVersionName = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

export interface WebTlsConfig {
  certFile: string;
  keyFile: string;
  clientAuthType: ClientAuthType;
  clientCaFile?: string;
  minVersion: TlsVersionName;
  maxVersion?: TlsVersionName;
  cipherSuites?: string[];
}

export interface WebConfig {
  /** Undefined: plain HTTP. */
  tls?: WebTlsConfig;
  /** Extra response headers (only the security headers exporter-toolkit allows). */
  headers: Record<string, string>;
  /** user -> bcrypt hash; empty: no authentication. */
  users: Map<string, string>;
}

const TOP_KEYS = new Set(['tls_server_config', 'http_server_config', 'basic_auth_users']);
const TLS_KEYS = new Set(['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'cipher_suites', 'curve_preferences', 'min_version', 'max_version', 'prefer_server_cipher_suites', 'client_allowed_sans']);
const HTTP_KEYS = new Set(['http2', 'headers']);
const TLS_VERSIONS = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

/** Headers exporter-toolkit lets a web config set, with their allowed values (undefined: any). */
const ALLOWED_HEADERS: Record<string, string[] | undefined> = {
  'Strict-Transport-Security': undefined,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': undefined,
  'Content-Security-Policy': undefined,
};

const BCRYPT = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/;

export async function loadWebConfigFile(path: string): Promise<WebConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new WebConfigError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  return parseWebConfig(text, dirname(path));
}

/** Parses and validates a web config; relative file paths are resolved against `dir`. */
export function parseWebConfig(text: string, dir: string): WebConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new WebConfigError(`yaml: ${doc.errors[0]!.message}`);
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new WebConfigError('yaml: web config must be a mapping');
  unknownKeys(raw, TOP_KEYS, 'web.Config');
  const tlsRaw = (raw['tls_server_config'] ?? {}) as Record<string, unknown>;
  unknownKeys(tlsRaw, TLS_KEYS, 'web.TLSConfig');
  const httpRaw = (raw['http_server_config'] ?? {}) as Record<string, unknown>;
  unknownKeys(httpRaw, HTTP_KEYS, 'web.HTTPConfig');

  const resolve = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? (isAbsolute(p) ? p : join(dir, p)) : undefined);
  const certFile = resolve(tlsRaw['cert_file']);
  const keyFile = resolve(tlsRaw['key_file']);
  const clientCaFile = resolve(tlsRaw['client_ca_file']);
  const clientAuthRaw = String(tlsRaw['client_auth_type'] ?? '');
  const version = (k: string, d?: TlsVersionName): TlsVersionName | undefined => {
    const v = tlsRaw[k];
    if (v === undefined || v === null || v === '') return d;
    if (!TLS_VERSIONS.has(String(v))) throw new WebConfigError(`unknown TLS version: ${String(v)}`);
    return String(v) as TlsVersionName;
  };
  const minVersion = version('min_version', 'TLS12')!;
  const maxVersion = version('max_version');

  let tls: WebTlsConfig | undefined;
  if (certFile || keyFile || clientAuthRaw || clientCaFile) {
    if (!certFile) throw new WebConfigError('missing cert_file');
    if (!keyFile) throw new WebConfigError('missing key_file');
    let clientAuthType: ClientAuthType;
    switch (clientAuthRaw) {
      case '':
      case 'NoClientCert': clientAuthType = 'NoClientCert'; break;
      case 'RequestClientCert': clientAuthType = 'RequestClientCert'; break;
      case 'RequireAnyClientCert':
      case 'RequireClientCert': clientAuthType = 'RequireAnyClientCert'; break;
      case 'VerifyClientCertIfGiven': clientAuthType = 'VerifyClientCertIfGiven'; break;
      case 'RequireAndVerifyClientCert': clientAuthType = 'RequireAndVerifyClientCert'; break;
      default: throw new WebConfigError('Invalid ClientAuth: ' + clientAuthRaw);
    }
    if (clientCaFile && clientAuthType === 'NoClientCert') throw new WebConfigError("Client CA's have been configured without a Client Auth Policy");
    const cs = tlsRaw['cipher_suites'];
    tls = { certFile, keyFile, clientAuthType, clientCaFile, minVersion, maxVersion, cipherSuites: Array.isArray(cs) ? cs.map(String) : undefined };
  }

  const headers: Record<string, string> = {};
  const hdrs = (httpRaw['headers'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(hdrs)) {
    if (!(k in ALLOWED_HEADERS)) throw new WebConfigError(`HTTP header "${k}" can not be configured`);
    const allowed = ALLOWED_HEADERS[k];
    if (allowed && !allowed.includes(String(v))) {
      throw new WebConfigError(`invalid value for ${k}. Expected one of: [${allowed.map((a) => JSON.stringify(a)).join(' ')}], but got: ${JSON.stringify(String(v))}`);
    }
    headers[k] = String(v);
  }

  const users = new Map<string, string>();
  const u = (raw['basic_auth_users'] ?? {}) as Record<string, unknown>;
  for (const [name, hash] of Object.entries(u)) {
    const h = String(hash ?? '');
    if (!BCRYPT.test(h)) throw new WebConfigError('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
    users.set(name, h);
  }
  return { tls, headers, users };
}

function unknownKeys(o: Record<string, unknown>, known: Set<string>, type: string): void {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new WebConfigError(`yaml: unmarshal errors:\n  cannot unmarshal into ${type}`);
  for (const k of Object.keys(o)) {
    if (!known.has(k)) throw new WebConfigError(`yaml: unmarshal errors:\n  field ${k} not found in type ${type}`);
  }
}
