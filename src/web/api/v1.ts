/**
 * The /api/v1 router. Every endpoint goes through wrap(): readiness gate (503 "Service
 * Unavailable" until the server is ready), CORS headers, form parsing (GET query, or an
 * x-www-form-urlencoded POST body first), and the error envelope.
 */
import type { Logger } from '../../log/index.js';
import { AnchoredRegex } from '../../model/index.js';
import { ApiError } from '../errors.js';
import { respondError, respondNoContent, sendGoError, sendText, type Ctx } from '../http.js';
import { Router, type Handler } from '../router.js';
import { ApiContext } from './context.js';
import { formatQuery, query, queryExemplars, queryRange } from './query.js';
import { labelNames, labelValues, metricMetadata, series, targetMetadata } from './meta.js';
import {
  alertmanagers, alerts, rules, statusBuildInfo, statusConfig, statusFlags, statusRuntimeInfo, statusTsdb, statusWalReplay, targets,
} from './status.js';
import { cleanTombstones, deleteSeries, snapshot } from './admin.js';
import { readForm } from '../body.js';
import type { WebDeps } from '../types.js';

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Headers': 'Accept, Authorization, Content-Type, Origin',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers': 'Date',
  Vary: 'Origin',
};

export interface ApiV1Options {
  enableAdmin: boolean;
  /** Anchored CORS origin regex source; ".*" answers "*". */
  corsOrigin: string;
  maxBodyBytes: number;
}

type ApiFn = (ctx: Ctx, api: ApiContext) => Promise<void>;

export function apiV1Router(deps: WebDeps, opts: ApiV1Options, logger: Logger): Router {
  const api = new ApiContext(deps, opts.enableAdmin);
  const anyOrigin = opts.corsOrigin === '.*';
  // RE2 syntax and full anchoring, as Go's regexp compiles --web.cors.origin.
  const corsRe = new AnchoredRegex(opts.corsOrigin);

  const setCors = (ctx: Ctx) => {
    const origin = ctx.req.headers.origin;
    if (!origin) return;
    for (const [k, v] of Object.entries(CORS_HEADERS)) ctx.res.setHeader(k, v);
    if (anyOrigin) ctx.res.setHeader('Access-Control-Allow-Origin', '*');
    else if (corsRe.matches(origin)) ctx.res.setHeader('Access-Control-Allow-Origin', origin);
  };

  const run = async (ctx: Ctx, f: ApiFn) => {
    try {
      ctx.form = await readForm(ctx, opts.maxBodyBytes);
      await f(ctx, api);
    } catch (e) {
      if (ctx.res.headersSent) {
        ctx.res.destroy();
        return;
      }
      if (e instanceof ApiError) {
        await respondError(ctx, e);
        return;
      }
      logger.error('API handler failed', { path: ctx.path, err: e instanceof Error ? e.message : String(e) });
      await respondError(ctx, new ApiError('internal', e instanceof Error ? e.message : String(e)));
    }
  };

  const wrap = (f: ApiFn): Handler => async (ctx) => {
    if (!deps.ready()) {
      sendText(ctx.res, 503, 'Service Unavailable');
      return;
    }
    setCors(ctx);
    await run(ctx, f);
  };

  const r = new Router();
  r.add('OPTIONS', '/*path', wrap(async (ctx) => respondNoContent(ctx)));
  const both = (p: string, f: ApiFn) => r.get(p, wrap(f)).post(p, wrap(f));
  both('/query', query);
  both('/query_range', queryRange);
  both('/query_exemplars', queryExemplars);
  if (deps.formatQuery) both('/format_query', formatQuery);
  both('/labels', labelNames);
  r.get('/label/:name/values', wrap(labelValues));
  both('/series', series);
  r.add('DELETE', '/series', wrap(async () => {
    throw new ApiError('internal', 'not implemented');
  }));
  r.get('/targets', wrap(targets));
  r.get('/targets/metadata', wrap(targetMetadata));
  r.get('/alertmanagers', wrap(alertmanagers));
  r.get('/metadata', wrap(metricMetadata));
  r.get('/status/config', wrap(statusConfig));
  r.get('/status/runtimeinfo', wrap(statusRuntimeInfo));
  r.get('/status/buildinfo', wrap(statusBuildInfo));
  r.get('/status/flags', wrap(statusFlags));
  r.get('/status/tsdb', wrap(statusTsdb));
  // Not readiness-gated in Prometheus: it reports WAL replay progress while starting.
  r.get('/status/walreplay', (ctx) => run(ctx, statusWalReplay));
  // Remote read/write: gated on readiness like the rest, but no CORS or envelope.
  r.post('/read', async (ctx) => {
    if (!deps.ready()) return sendText(ctx.res, 503, 'Service Unavailable');
    if (!deps.remoteRead) return sendGoError(ctx.res, 500, 'remote read is not available in this server');
    await deps.remoteRead(ctx.req, ctx.res);
  });
  r.post('/write', async (ctx) => {
    if (!deps.ready()) return sendText(ctx.res, 503, 'Service Unavailable');
    if (!deps.remoteWrite) return sendGoError(ctx.res, 404, 'remote write receiver needs to be enabled with --enable-feature=remote-write-receiver');
    await deps.remoteWrite(ctx.req, ctx.res);
  });
  r.get('/alerts', wrap(alerts));
  r.get('/rules', wrap(rules));
  for (const m of ['POST', 'PUT']) {
    r.add(m, '/admin/tsdb/delete_series', wrap(deleteSeries));
    r.add(m, '/admin/tsdb/clean_tombstones', wrap(cleanTombstones));
    r.add(m, '/admin/tsdb/snapshot', wrap(snapshot));
  }
  return r;
}
