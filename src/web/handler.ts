/**
 * The request handler: route prefix, then the top-level routes (API v1, federation,
 * lifecycle, metrics). Independent of the listening socket, so it can be mounted on any
 * node:http(s) server; startWebServer adds TLS, basic auth, headers and connection limits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Labels } from '../model/index.js';
import { apiV1Router } from './api/v1.js';
import { federate } from './federate.js';
import { sendGoError, type Ctx } from './http.js';
import { addLifecycleRoutes } from './lifecycle.js';
import { Form } from './params.js';
import { Router } from './router.js';
import { parseMetricSelector } from './selector.js';
import type { WebDeps, WebOptions } from './types.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const DEFAULT_MAX_BODY = 10 << 20; // Go's ParseForm cap for form bodies.

/** The route prefix Prometheus derives from --web.route-prefix / --web.external-url ("" for "/"). */
export function routePrefixOf(opts: Pick<WebOptions, 'routePrefix' | 'externalUrl'>): string {
  let p = opts.routePrefix;
  if (p === undefined || p === '') p = externalPath(opts.externalUrl);
  p = '/' + p.replace(/^\/+|\/+$/g, '');
  return p === '/' ? '' : p;
}

/** The external URL's path without trailing slashes ("" when none). */
export function externalPath(externalUrl: string | undefined): string {
  if (!externalUrl) return '';
  let path: string;
  try {
    path = new URL(externalUrl).pathname;
  } catch {
    path = externalUrl;
  }
  path = path.replace(/\/+$/, '');
  if (path !== '' && !path.startsWith('/')) path = '/' + path;
  return path;
}

export function createWebHandler(deps: WebDeps, opts: WebOptions): RequestHandler {
  const prefix = routePrefixOf(opts);
  const extPath = externalPath(opts.externalUrl);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const logger = deps.logger.with({ component: 'web' });
  const api = apiV1Router(deps, { enableAdmin: !!opts.enableAdminApi, corsOrigin: opts.corsOrigin ?? '.*', maxBodyBytes: maxBody }, logger);
  const parseSel = deps.parseMetricSelector ?? parseMetricSelector;
  const now = deps.now ?? Date.now;

  const root = new Router();
  addLifecycleRoutes(root, deps, !!opts.enableLifecycle);
  root.get('/federate', async (ctx) => {
    if (!deps.ready()) {
      ctx.res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      ctx.res.end('Service Unavailable');
      return;
    }
    await federate(ctx, deps, {
      lookbackDeltaMs: opts.lookbackDeltaMs ?? 5 * 60_000,
      maxBodyBytes: maxBody,
      now,
      externalLabels: deps.externalLabels ?? (() => Labels.EMPTY),
      parseSelector: parseSel,
    });
  });
  const home = (ctx: Ctx) => redirect(ctx, extPath + '/graph');
  root.get('/', home);

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const qs = q < 0 ? '' : url.slice(q);
    // Go's ServeMux answers unclean paths ("//", "/./", "/../") with a redirect to the
    // cleaned path; nothing here maps a path to a file, so traversal has nowhere to go.
    if (path !== '*' && req.method !== 'CONNECT') {
      const clean = cleanPath(path);
      if (clean !== path) {
        redirectTo(res, clean + qs, 301);
        return;
      }
    }
    if (prefix !== '') {
      if (path === '/' && req.method === 'GET') {
        redirectTo(res, prefix);
        return;
      }
      if (path === prefix) {
        // httprouter's trailing-slash redirect for the prefix's own root.
        redirectTo(res, prefix + '/' + qs, req.method === 'GET' ? 301 : 307);
        return;
      }
      if (path !== prefix && !path.startsWith(prefix + '/')) {
        sendGoError(res, 404, '404 page not found');
        return;
      }
      path = path.slice(prefix.length) || '/';
    }
    const ac = new AbortController();
    // 'close' on the response fires when it is done or the connection died; only the
    // latter matters to a running query.
    res.once('close', () => {
      if (!res.writableFinished) ac.abort(new Error('client disconnected'));
    });
    const ctx: Ctx = { req, res, path, query, params: {}, signal: ac.signal, form: EMPTY_FORM };
    dispatch(ctx, api, root, prefix).catch((e: unknown) => {
      logger.error('request failed', { path, err: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendGoError(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  };
}

const EMPTY_FORM = Form.parse('');

async function dispatch(ctx: Ctx, api: Router, root: Router, prefix: string): Promise<void> {
  const qs = ctx.query === '' && !(ctx.req.url ?? '').includes('?') ? '' : '?' + ctx.query;
  if (ctx.path === '/api/v1') {
    redirectTo(ctx.res, prefix + '/api/v1/' + qs, 301);
    return;
  }
  if (ctx.path.startsWith('/api/v1/')) {
    const sub: Ctx = { ...ctx, path: ctx.path.slice('/api/v1'.length) };
    if (sub.path.length > 1 && sub.path.endsWith('/') && api.exists(sub.path.slice(0, -1))) {
      // Prometheus's API router sits behind StripPrefix, so its trailing-slash redirect
      // points at the stripped path ("/query"); kept as is so clients see the same answer.
      redirectTo(ctx.res, sub.path.slice(0, -1) + qs, ctx.req.method === 'GET' ? 301 : 307);
      return;
    }
    const h = api.lookup(sub);
    if (h) await h(sub);
    return;
  }
  const h = root.lookup(ctx);
  if (h) await h(ctx);
}

function redirect(ctx: Ctx, location: string): void {
  redirectTo(ctx.res, location);
}

const STATUS_TEXT: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect' };

/** Go's http.Redirect: Location plus, for GET/HEAD, a tiny HTML body. */
function redirectTo(res: ServerResponse, location: string, status = 302): void {
  const method = res.req?.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(status, { Location: location, 'Content-Length': 0 });
    res.end();
    return;
  }
  const body = `<a href="${htmlEscape(location)}">${STATUS_TEXT[status]}</a>.\n\n`;
  res.writeHead(status, { Location: location, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

/** Go's path.Clean, keeping a trailing slash (ServeMux's cleanPath). */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (!p.includes('//') && !p.includes('/.')) return p;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let c = '/' + out.join('/');
  if (p.endsWith('/') && c !== '/') c += '/';
  return c;
}
