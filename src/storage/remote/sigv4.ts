// AWS Signature Version 4 for remote_write to Amazon Managed Service for Prometheus (service
// "aps"), as prometheus/common's sigv4 round tripper does with aws-sdk-go's v4 signer: every
// request header except the ones AWS ignores is signed, plus host and x-amz-date, over the
// SHA-256 of the body. Credentials: static access_key/secret_key from the config, else
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN). profile and role_arn need
// the AWS SDK's credential chain and STS, which promts does not carry: they fail at startup.
import { createHash, createHmac } from 'node:crypto';
import type { SigV4Config } from '../../config/index.js';
import { RemoteError } from './errors.js';

export interface AwsCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  readonly url: string;
  /** Header names in lower case; the signature headers are added to this object. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  /** Signing time, ms since epoch. */
  readonly now: number;
}

/** aws-sdk-go's v4 signer never signs these (proxies and SDKs rewrite them). */
const IGNORED = new Set(['authorization', 'user-agent', 'x-amzn-trace-id', 'expect', 'uber-trace-id']);

const sha256hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const hmac = (key: Uint8Array | string, s: string): Buffer => createHmac('sha256', key).update(s).digest();

/** RFC 3986 encoding as AWS wants it: everything but unreserved characters escaped. */
function awsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Adds x-amz-date, x-amz-security-token (with a session token), host and authorization. */
export function signV4(i: SignInput): void {
  const u = new URL(i.url);
  const amzDate = new Date(i.now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const h = i.headers;
  h['host'] = u.host;
  h['x-amz-date'] = amzDate;
  if (i.credentials.sessionToken) h['x-amz-security-token'] = i.credentials.sessionToken;
  if (i.body.length > 0) h['content-length'] = String(i.body.length);
  const names = Object.keys(h)
    .map((n) => n.toLowerCase())
    .filter((n) => !IGNORED.has(n))
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) lower[k.toLowerCase()] = v;
  const canonHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signed = names.join(';');
  // Non-S3 services encode each path segment twice; plain segments are unchanged by that.
  const path = u.pathname === '' ? '/' : u.pathname.split('/').map((seg) => awsEncode(awsEncode(decodeURIComponent(seg)))).join('/');
  const query = [...u.searchParams]
    .map(([k, v]) => [awsEncode(k), awsEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [i.method, path, query, canonHeaders, signed, sha256hex(i.body)].join('\n');
  const scope = `${day}/${i.region}/${i.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + i.credentials.secretKey, day), i.region), i.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  h['authorization'] = `AWS4-HMAC-SHA256 Credential=${i.credentials.accessKey}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
}

/** Region and credentials for a sigv4 block; throws RemoteError('remote_config') when unusable. */
export function resolveSigV4(cfg: SigV4Config, forUrl: string, env: NodeJS.ProcessEnv = process.env): { region: string; credentials: AwsCredentials } {
  const where = `sigv4 for remote_write ${forUrl}`;
  if (cfg.role_arn) {
    throw new RemoteError('remote_config', `${where}: role_arn is not supported by promts`, 'Assume the role outside promts and pass its keys as sigv4.access_key/secret_key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN.');
  }
  const region = cfg.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (!region) throw new RemoteError('remote_config', `${where}: no region`, 'Set sigv4.region or the AWS_REGION environment variable.');
  if (cfg.access_key && cfg.secret_key) return { region, credentials: { accessKey: cfg.access_key, secretKey: cfg.secret_key } };
  if (cfg.profile) {
    throw new RemoteError('remote_config', `${where}: profile "${cfg.profile}" is not supported by promts (shared credentials files are not read)`, 'Set sigv4.access_key/secret_key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY instead of sigv4.profile.');
  }
  const accessKey = env.AWS_ACCESS_KEY_ID || env.AWS_ACCESS_KEY || '';
  const secretKey = env.AWS_SECRET_ACCESS_KEY || env.AWS_SECRET_KEY || '';
  if (!accessKey || !secretKey) {
    throw new RemoteError('remote_config', `${where}: no AWS credentials`, 'Set sigv4.access_key and sigv4.secret_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the server environment (promts does not read ~/.aws or instance roles).');
  }
  return { region, credentials: { accessKey, secretKey, sessionToken: env.AWS_SESSION_TOKEN || undefined } };
}
