/**
 * A small method+path router with the answers of Go's httprouter, which Prometheus uses:
 * "404 page not found" for unknown paths, 405 "Method Not Allowed" with an Allow header
 * listing the methods that exist for the path. Patterns: literal segments, ":name" for one
 * segment, "*name" for the rest of the path.
 */
import type { Ctx } from './http.js';
import { sendGoError } from './http.js';

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
  method: string;
  segs: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];
  /** Exact-path index for the common case: no per-request pattern walk. */
  private readonly exact = new Map<string, Map<string, Handler>>();

  add(method: string, pattern: string, handler: Handler): this {
    const segs = pattern.split('/').slice(1);
    if (segs.some((s) => s.startsWith(':') || s.startsWith('*'))) {
      this.routes.push({ method, segs, handler });
    } else {
      let m = this.exact.get(pattern);
      if (!m) this.exact.set(pattern, (m = new Map()));
      m.set(method, handler);
    }
    return this;
  }

  get(p: string, h: Handler): this {
    return this.add('GET', p, h);
  }
  post(p: string, h: Handler): this {
    return this.add('POST', p, h);
  }
  put(p: string, h: Handler): this {
    return this.add('PUT', p, h);
  }

  /** True when some method has a route for the path (for trailing-slash redirects). */
  exists(path: string): boolean {
    if (this.exact.has(path)) return true;
    const segs = path.split('/').slice(1);
    return this.routes.some((r) => r.method !== 'OPTIONS' && match(r.segs, segs) !== undefined);
  }

  /** Finds the handler; returns undefined when the path is unknown or the method not allowed (already answered). */
  lookup(ctx: Ctx): Handler | undefined {
    const method = ctx.req.method ?? 'GET';
    const byMethod = new Map<string, { h: Handler; params: Record<string, string> }>();
    const ex = this.exact.get(ctx.path);
    if (ex) for (const [m, h] of ex) byMethod.set(m, { h, params: {} });
    const segs = ctx.path.split('/').slice(1);
    for (const r of this.routes) {
      if (byMethod.has(r.method)) continue;
      const params = match(r.segs, segs);
      if (params) byMethod.set(r.method, { h: r.handler, params });
    }
    const hit = byMethod.get(method);
    if (hit) {
      ctx.params = hit.params;
      return hit.h;
    }
    // Like httprouter, OPTIONS never makes a path "exist" (the API's OPTIONS catch-all
    // would otherwise turn every unknown API path into a 405), but is always listed.
    byMethod.delete('OPTIONS');
    if (byMethod.size === 0) {
      sendGoError(ctx.res, 404, '404 page not found');
      return undefined;
    }
    const allow = [...byMethod.keys(), 'OPTIONS'].sort().join(', ');
    ctx.res.setHeader('Allow', allow);
    sendGoError(ctx.res, 405, 'Method Not Allowed');
    return undefined;
  }
}

function match(pattern: string[], segs: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith('*')) {
      params[p.slice(1)] = '/' + segs.slice(i).join('/');
      return params;
    }
    if (i >= segs.length) return undefined;
    if (p.startsWith(':')) {
      if (segs[i] === '') return undefined;
      params[p.slice(1)] = segs[i]!;
    } else if (p !== segs[i]) {
      return undefined;
    }
  }
  return pattern.length === segs.length ? params : undefined;
}
