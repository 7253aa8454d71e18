/**
 * Prometheus's --web.config.file (exporter-toolkit web config, as in 2.42): TLS server
 * settings, HTTP/2 and security headers, and bcrypt-hashed basic-auth users. Loaded and
 * validated with exporter-toolkit's rules and wording, for `check web-config` and the server.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TLSVersion } from './types.js';
import { Decoder, type YNode } from './yaml.js';
import { ConfigError, goQuote } from './errors.js';
import { joinDir } from './load.js';

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

export interface TLSServerConfig {
  cert_file?: string;
  key_file?: string;
  client_auth_type: ClientAuthType | '';
  client_ca_file?: string;
  /** Default TLS12. */
  min_version: TLSVersion;
  /** Default TLS13. */
  max_version: TLSVersion;
  cipher_suites?: string[];
  prefer_server_cipher_suites: boolean;
  curve_preferences?: string[];
}

export interface HTTPServerConfig {
  http2: boolean;
  headers?: Record<string, string>;
}

export interface WebConfig {
  tls_server_config: TLSServerConfig;
  http_server_config: HTTPServerConfig;
  /** username -> bcrypt hash. */
  basic_auth_users: Record<string, string>;
  /** True when TLS is configured (cert/key/client auth set); false means plain HTTP. */
  tls_enabled: boolean;
}

// Go's crypto/tls names (tls.CipherSuites(), the secure list exporter-toolkit accepts).
const CIPHER_SUITES = new Set([
  'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
]);
const CURVES = new Set(['CurveP256', 'CurveP384', 'CurveP521', 'X25519']);
const TLS_VERSIONS = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);
const CLIENT_AUTH = new Set(['', 'NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']);
// Security headers the web config may set, with the values each allows (empty: any).
const HEADERS: Record<string, string[]> = {
  'Strict-Transport-Security': [],
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': [],
  'Content-Security-Policy': [],
};

/** Parses and validates web config text; paths are joined with `dir` when given. */
export function parseWebConfig(text: string, filename = '<web-config>', dir?: string): WebConfig {
  const d = new Decoder(filename, text);
  const t: TLSServerConfig = { client_auth_type: '', min_version: 'TLS12', max_version: 'TLS13', prefer_server_cipher_suites: true };
  const h: HTTPServerConfig = { http2: true };
  const users: Record<string, string> = {};
  const version = (v: YNode): TLSVersion => {
    const s = d.str(v);
    if (!TLS_VERSIONS.has(s)) d.fail(`unknown TLS version: ${s}`, v, 'Use TLS10, TLS11, TLS12 or TLS13.');
    return s as TLSVersion;
  };
  let headersNode: YNode;
  d.struct(d.root, 'web.Config', {
    tls_server_config: (v) =>
      d.struct(v, 'web.TLSConfig', {
        cert_file: (x) => (t.cert_file = d.str(x) || undefined),
        key_file: (x) => (t.key_file = d.str(x) || undefined),
        client_auth_type: (x) => (t.client_auth_type = d.str(x) as ClientAuthType),
        client_ca_file: (x) => (t.client_ca_file = d.str(x) || undefined),
        min_version: (x) => (t.min_version = version(x)),
        max_version: (x) => (t.max_version = version(x)),
        cipher_suites: (x) =>
          (t.cipher_suites = d.list(x, '[]web.Cipher', (it) => {
            const s = d.str(it);
            if (!CIPHER_SUITES.has(s)) d.fail(`unknown cipher: ${s}`, it, 'Use Go crypto/tls cipher suite names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.');
            return s;
          })),
        prefer_server_cipher_suites: (x) => (t.prefer_server_cipher_suites = d.bool(x)),
        curve_preferences: (x) =>
          (t.curve_preferences = d.list(x, '[]web.Curve', (it) => {
            const s = d.str(it);
            if (!CURVES.has(s)) d.fail(`unknown curve: ${s}`, it, 'Use CurveP256, CurveP384, CurveP521 or X25519.');
            return s;
          })),
      }),
    http_server_config: (v) =>
      d.struct(v, 'web.HTTPConfig', {
        http2: (x) => (h.http2 = d.bool(x)),
        headers: (x) => {
          headersNode = x;
          h.headers = d.strMap(x);
        },
      }),
    basic_auth_users: (v) => Object.assign(users, d.map(v, 'map[string]config.Secret', (x) => d.str(x)) ?? {}),
  });
  d.throwTypeErrors();
  for (const [k, v] of Object.entries(h.headers ?? {})) {
    const allowed = HEADERS[k];
    if (!allowed) d.fail(`HTTP header ${goQuote(k)} can not be configured`, headersNode, `Only ${Object.keys(HEADERS).join(', ')} can be set.`);
    if (allowed.length > 0 && !allowed.includes(v)) {
      d.fail(`invalid value for ${k}. Expected one of: [${allowed.map((a) => goQuote(a)).join(' ')}], but got: ${goQuote(v)}`, headersNode);
    }
  }
  if (dir !== undefined) {
    t.cert_file = joinDir(dir, t.cert_file);
    t.key_file = joinDir(dir, t.key_file);
    t.client_ca_file = joinDir(dir, t.client_ca_file);
  }
  const tlsEnabled = !!(t.cert_file || t.key_file || t.client_auth_type || t.client_ca_file);
  return { tls_server_config: t, http_server_config: h, basic_auth_users: users, tls_enabled: tlsEnabled };
}

/** Loads a web config file (exporter-toolkit getConfig). */
export function loadWebConfigFile(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError('config_read', `open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, 'Check the web config path.', { file: path, line: 0, column: 0 });
  }
  return parseWebConfig(text, path, dirname(path));
}

/**
 * exporter-toolkit's web.Validate: the file loads, every password is a bcrypt hash, and a
 * TLS setup is complete (both files present and readable, known client auth policy).
 */
export function validateWebConfigFile(path: string): WebConfig {
  const c = loadWebConfigFile(path);
  for (const [user, hash] of Object.entries(c.basic_auth_users)) {
    const err = bcryptCostError(hash);
    if (err) throw new ConfigError('config_invalid', err, `The password of user ${goQuote(user)} must be a bcrypt hash (e.g. from htpasswd -nBC 10 "" | tr -d ':\\n').`, { file: path, line: 0, column: 0 });
  }
  if (!c.tls_enabled) return c;
  const t = c.tls_server_config;
  const fail = (msg: string, hint: string): never => {
    throw new ConfigError('config_invalid', msg, hint, { file: path, line: 0, column: 0 });
  };
  if (!t.cert_file && t.key_file) fail('missing cert_file', 'Set tls_server_config.cert_file.');
  if (!t.key_file && t.cert_file) fail('missing key_file', 'Set tls_server_config.key_file.');
  if (!t.key_file && !t.cert_file) fail('missing cert_file and key_file', 'Set tls_server_config.cert_file and key_file.');
  for (const f of [t.cert_file!, t.key_file!]) {
    try {
      statSync(f);
    } catch {
      fail(`failed to load X509KeyPair: open ${f}: no such file or directory`, 'Point cert_file/key_file at readable PEM files.');
    }
  }
  const certPem = readFileSync(t.cert_file!, 'utf8');
  const keyPem = readFileSync(t.key_file!, 'utf8');
  if (!/-----BEGIN CERTIFICATE-----/.test(certPem)) fail('failed to load X509KeyPair: tls: failed to find any PEM data in certificate input', 'cert_file must hold a PEM certificate.');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) fail('failed to load X509KeyPair: tls: failed to find any PEM data in key input', 'key_file must hold a PEM private key.');
  if (t.client_ca_file) {
    try {
      readFileSync(t.client_ca_file);
    } catch {
      fail(`open ${t.client_ca_file}: no such file or directory`, 'Point client_ca_file at a readable PEM bundle.');
    }
  }
  if (!CLIENT_AUTH.has(t.client_auth_type)) fail(`Invalid ClientAuth: ${t.client_auth_type}`, 'Use NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert.');
  if (t.client_ca_file && (t.client_auth_type === '' || t.client_auth_type === 'NoClientCert')) {
    fail("Client CA's have been configured without a Client Auth Policy", 'Set client_auth_type (e.g. RequireAndVerifyClientCert) or remove client_ca_file.');
  }
  return c;
}

/** Go's bcrypt.Cost checks: the error text for a value that is not a usable bcrypt hash. */
export function bcryptCostError(hash: string): string | undefined {
  const b = Buffer.from(hash, 'utf8');
  if (b.length < 59) return 'crypto/bcrypt: hashedSecret too short to be a bcrypted password';
  if (b[0] !== 0x24) return `crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${String.fromCharCode(b[0]!)}'`;
  if (b[1]! > 0x32) return `crypto/bcrypt: bcrypt algorithm version '${String.fromCharCode(b[1]!)}' requested is newer than current version '2'`;
  const n = b[2] !== 0x24 ? 4 : 3;
  const costStr = b.subarray(n, n + 2).toString('latin1');
  if (!/^[+-]?[0-9]+$/.test(costStr)) return `strconv.Atoi: parsing ${goQuote(costStr)}: invalid syntax`;
  const cost = Number(costStr);
  if (cost < 4 || cost > 31) return `crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`;
  return undefined;
}
