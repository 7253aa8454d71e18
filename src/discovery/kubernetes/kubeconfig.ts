// kubeconfig_file: the current context's cluster and user, with the credential kinds that need
// no plugin (token, tokenFile, client certificate, basic auth). exec and auth-provider plugins
// are refused with an error rather than silently ignored.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConnectionParts } from './connection.js';
import { KubernetesSDError } from './errors.js';

type Rec = Record<string, unknown>;

const named = (list: unknown, name: string, what: string, file: string): Rec => {
  const hit = Array.isArray(list) ? (list as Rec[]).find((e) => e?.['name'] === name) : undefined;
  if (!hit || typeof hit[what] !== 'object' || hit[what] === null) {
    throw new KubernetesSDError(`kubeconfig ${file}: ${what} ${JSON.stringify(name)} not found`, 'Check current-context and the clusters/users it names (kubectl config view).');
  }
  return hit[what] as Rec;
};

export function loadKubeconfig(file: string): ConnectionParts {
  let doc: Rec;
  try {
    doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Rec;
  } catch (e) {
    throw new KubernetesSDError(`cannot load kubeconfig ${file}: ${(e as Error).message}`);
  }
  const dir = dirname(file);
  const path = (p: unknown): string => (isAbsolute(String(p)) ? String(p) : resolve(dir, String(p)));
  const str = (r: Rec, k: string): string | undefined => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined);
  const current = String(doc['current-context'] ?? '');
  if (!current) throw new KubernetesSDError(`kubeconfig ${file}: no current-context set`, 'Run kubectl config use-context NAME --kubeconfig FILE.');
  const ctx = named(doc['contexts'], current, 'context', file);
  const cluster = named(doc['clusters'], String(ctx['cluster'] ?? ''), 'cluster', file);
  const user = ctx['user'] ? named(doc['users'], String(ctx['user']), 'user', file) : {};
  const server = str(cluster, 'server');
  if (!server) throw new KubernetesSDError(`kubeconfig ${file}: cluster ${JSON.stringify(ctx['cluster'])} has no server`);
  if (user['exec'] || user['auth-provider']) {
    throw new KubernetesSDError(`kubeconfig ${file}: user ${JSON.stringify(ctx['user'])} needs an exec or auth-provider plugin, which promts does not run`, 'Use a kubeconfig with a token, tokenFile or client certificate, or api_server with authorization.');
  }

  const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
  const tls: Record<string, unknown> = { rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true };
  const ca = str(cluster, 'certificate-authority-data');
  if (ca) tls['ca'] = b64(ca);
  else if (str(cluster, 'certificate-authority')) tls['ca'] = readFileSync(path(cluster['certificate-authority']));
  const servername = str(cluster, 'tls-server-name');
  if (servername) tls['servername'] = servername;
  const cert = str(user, 'client-certificate-data');
  if (cert) tls['cert'] = b64(cert);
  else if (str(user, 'client-certificate')) tls['cert'] = readFileSync(path(user['client-certificate']));
  const key = str(user, 'client-key-data');
  if (key) tls['key'] = b64(key);
  else if (str(user, 'client-key')) tls['key'] = readFileSync(path(user['client-key']));

  const token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  const username = str(user, 'username');
  const auth = (): string | undefined => {
    if (token) return 'Bearer ' + token;
    if (tokenFile) return 'Bearer ' + readFileSync(path(tokenFile), 'utf8').trim();
    if (username) return 'Basic ' + Buffer.from(`${username}:${str(user, 'password') ?? ''}`).toString('base64');
    return undefined;
  };
  return { baseUrl: server, tls, proxyUrl: str(cluster, 'proxy-url'), auth };
}
