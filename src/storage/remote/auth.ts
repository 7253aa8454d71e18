// How a remote request is authorised: a fixed Authorization header (basic_auth,
// authorization, bearer_token), an OAuth2 client-credentials token, or an AWS SigV4
// signature. The config loader already rejects more than one of them per entry.
import { readFileSync } from 'node:fs';
import type { HTTPClientConfig, SigV4Config } from '../../config/index.js';
import { OAuth2Error, OAuth2Token } from '../../discovery/index.js';
import { RemoteError } from './errors.js';
import { resolveSigV4, signV4 } from './sigv4.js';

export interface Authorizer {
  /** Adds credentials to `headers` (lower-case names) for a request carrying `body`. */
  authorize(method: string, url: string, headers: Record<string, string>, body: Uint8Array): Promise<void> | void;
  close(): Promise<void>;
}

/** Builds the authorizer for an entry, or undefined when it has no credentials. Throws on bad sigv4 setup. */
export function authorizerFor(url: string, timeoutMs: number, http: Partial<HTTPClientConfig>, sigv4?: SigV4Config): Authorizer | undefined {
  if (sigv4) {
    const { region, credentials } = resolveSigV4(sigv4, url);
    return {
      authorize: (method, u, headers, body) => signV4({ method, url: u, headers, body, region, service: 'aps', credentials, now: Date.now() }),
      close: async () => undefined,
    };
  }
  if (http.oauth2) {
    const tok = new OAuth2Token(http.oauth2, url, timeoutMs);
    return {
      authorize: async (_m, _u, headers) => {
        try {
          headers['authorization'] = await tok.header();
        } catch (e) {
          // A token failure is retried with backoff like a 5xx from the remote end.
          if (e instanceof OAuth2Error) throw new RemoteError('remote_recoverable', e.message, `${e.hint ?? ''} Retried with backoff.`.trim(), e.status);
          throw e;
        }
      },
      close: () => tok.close(),
    };
  }
  const fixed = staticHeader(http);
  if (!fixed) return undefined;
  return {
    authorize: (_m, _u, headers) => {
      headers['authorization'] = fixed;
    },
    close: async () => undefined,
  };
}

function staticHeader(cfg: Partial<HTTPClientConfig>): string | undefined {
  if (cfg.basic_auth) {
    const pw = cfg.basic_auth.password_file ? readFileSync(cfg.basic_auth.password_file, 'utf8').trim() : (cfg.basic_auth.password ?? '');
    return 'Basic ' + Buffer.from(`${cfg.basic_auth.username}:${pw}`).toString('base64');
  }
  if (cfg.authorization && (cfg.authorization.credentials || cfg.authorization.credentials_file)) {
    const cred = cfg.authorization.credentials_file ? readFileSync(cfg.authorization.credentials_file, 'utf8').trim() : (cfg.authorization.credentials ?? '');
    return `${cfg.authorization.type || 'Bearer'} ${cred}`;
  }
  if (cfg.bearer_token_file) return 'Bearer ' + readFileSync(cfg.bearer_token_file, 'utf8').trim();
  if (cfg.bearer_token) return 'Bearer ' + cfg.bearer_token;
  return undefined;
}
