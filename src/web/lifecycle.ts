/** /-/healthy, /-/ready, /-/reload, /-/quit, /version, /metrics. */
import { goJson } from './format.js';
import { pickEncoding, sendGoError, sendText, type Ctx } from './http.js';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Router } from './router.js';
import type { WebDeps } from './types.js';

const gzipAsync = promisify(gzip);

export function addLifecycleRoutes(r: Router, deps: WebDeps, enableLifecycle: boolean): void {
  const ready = (ctx: Ctx, body: string) => {
    if (!deps.ready()) sendText(ctx.res, 503, 'Service Unavailable');
    else sendText(ctx.res, 200, body);
  };
  r.get('/-/healthy', (ctx) => sendText(ctx.res, 200, 'Prometheus Server is Healthy.\n'));
  r.add('HEAD', '/-/healthy', (ctx) => sendText(ctx.res, 200, ''));
  r.get('/-/ready', (ctx) => ready(ctx, 'Prometheus Server is Ready.\n'));
  r.add('HEAD', '/-/ready', (ctx) => ready(ctx, ''));

  let quitting = false;
  const reload = async (ctx: Ctx) => {
    try {
      await deps.reload();
      sendText(ctx.res, 200, '');
    } catch (e) {
      sendGoError(ctx.res, 500, `failed to reload config: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const quit = (ctx: Ctx) => {
    if (quitting) {
      sendText(ctx.res, 200, 'Termination already in progress.');
      return;
    }
    quitting = true;
    sendText(ctx.res, 200, 'Requesting termination... Goodbye!');
    // Answer first, then start shutting down.
    ctx.res.once('finish', () => deps.quit());
  };
  const forbidden = (ctx: Ctx) => sendText(ctx.res, 403, 'Lifecycle API is not enabled.');
  for (const m of ['POST', 'PUT']) {
    r.add(m, '/-/reload', enableLifecycle ? reload : forbidden);
    r.add(m, '/-/quit', enableLifecycle ? quit : forbidden);
  }
  const onlyPost = (ctx: Ctx) => sendText(ctx.res, 405, 'Only POST or PUT requests allowed');
  r.get('/-/reload', onlyPost);
  r.get('/-/quit', onlyPost);

  // Go's json.Encoder: HTML-escaped JSON plus a newline; Content-Type sniffed as text/plain.
  r.get('/version', (ctx) => {
    const b = deps.buildInfo;
    const body = goJson({ version: b.version, revision: b.revision, branch: b.branch, buildUser: b.buildUser, buildDate: b.buildDate, goVersion: b.goVersion }) + '\n';
    sendText(ctx.res, 200, body);
  });

  r.get('/metrics', async (ctx) => {
    let m: { contentType: string; body: string | Buffer };
    try {
      m = await deps.metrics();
    } catch (e) {
      sendGoError(ctx.res, 500, `An error has occurred while serving metrics:\n\n${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    let body = typeof m.body === 'string' ? Buffer.from(m.body) : m.body;
    const headers: Record<string, string | number> = { 'Content-Type': m.contentType };
    // promhttp only knows gzip.
    if (pickEncoding(ctx.req) === 'gzip') {
      body = await gzipAsync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    ctx.res.writeHead(200, headers);
    ctx.res.end(body);
  });
}
