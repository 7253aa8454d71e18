/**
 * Basic authentication as exporter-toolkit does it: bcrypt hashes from the web config,
 * an unknown user is checked against a fixed dummy hash (so timing does not reveal which
 * users exist), and results are cached per (user, hash, password) so a dashboard polling
 * every few seconds does not pay a bcrypt round each time. The cache key is a SHA-256 of
 * the triple rather than the password itself, so plaintext passwords are not kept.
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** bcrypt of "fakepassword", exporter-toolkit's stand-in for unknown users. */
const FAKE_HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi';
/** exporter-toolkit caches 100 results; enough for the handful of clients of one server. */
const CACHE_SIZE = 100;

export class BasicAuthChecker {
  private readonly cache = new Map<string, boolean>();

  /** Resolves true when `header` carries valid credentials for one of `users`. */
  async check(users: ReadonlyMap<string, string>, header: string | undefined): Promise<boolean> {
    const cred = parseBasicAuth(header);
    if (!cred) return false;
    const known = users.get(cred.user);
    const hash = known ?? FAKE_HASH;
    const key = createHash('sha256').update(cred.user).update('\0').update(hash).update('\0').update(cred.pass).digest('hex');
    let ok = this.cache.get(key);
    if (ok === undefined) {
      let match = false;
      try {
        match = await bcrypt.compare(cred.pass, normalizeHash(hash));
      } catch {
        match = false;
      }
      ok = known !== undefined && match;
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, ok);
    }
    return ok && known !== undefined;
  }
}

/** bcryptjs reads $2a$/$2b$; $2y$ (PHP/htpasswd) is the same algorithm. */
function normalizeHash(h: string): string {
  return h.startsWith('$2y$') || h.startsWith('$2x$') ? '$2b$' + h.slice(4) : h;
}

/** Go's Request.BasicAuth: case-insensitive "Basic " then base64 "user:pass". */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header || header.length < 6) return undefined;
  if (header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = header.slice(6);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}
