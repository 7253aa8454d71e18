/** /api/v1/admin/tsdb/*: behind --web.enable-admin-api, answered exactly as 2.42 does when off. */
import { ApiError, invalidParam } from '../errors.js';
import { respondData, respondNoContent, type Ctx } from '../http.js';
import { parseTimeParam, ParamError, MIN_TIME_MS, MAX_TIME_MS } from '../params.js';
import type { ApiContext } from './context.js';
import type { AdminProvider } from '../types.js';

function admin(api: ApiContext): AdminProvider {
  // Prometheus answers 500 with errorType "unavailable" here (not 503).
  if (!api.enableAdmin) throw new ApiError('unavailable', 'admin APIs disabled', 500);
  if (!api.deps.admin) throw new ApiError('internal', 'admin APIs are not available in this server');
  return api.deps.admin;
}

function internal(prefix: string, e: unknown): ApiError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ApiError('internal', prefix ? `${prefix}: ${msg}` : msg);
}

export async function deleteSeries(ctx: Ctx, api: ApiContext): Promise<void> {
  const a = admin(api);
  if (ctx.form.error) throw new ApiError('bad_data', `error parsing form values: ${ctx.form.error}`);
  const matches = ctx.form.all('match[]');
  if (matches.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const time = (name: string, d: number) => {
    try {
      return parseTimeParam(ctx.form, name, d);
    } catch (e) {
      if (e instanceof ParamError) throw invalidParam(name, e.message);
      throw e;
    }
  };
  const start = time('start', MIN_TIME_MS);
  const end = time('end', MAX_TIME_MS);
  // One delete per selector, in order, as Prometheus does (an earlier one stays applied).
  for (const s of matches) {
    let ms;
    try {
      ms = api.parseSelector(s);
    } catch (e) {
      throw invalidParam('match[]', e instanceof Error ? e.message : String(e));
    }
    try {
      await a.deleteSeries(start, end, [ms]);
    } catch (e) {
      throw internal('', e);
    }
  }
  respondNoContent(ctx);
}

export async function cleanTombstones(ctx: Ctx, api: ApiContext): Promise<void> {
  const a = admin(api);
  try {
    await a.cleanTombstones();
  } catch (e) {
    throw internal('', e);
  }
  respondNoContent(ctx);
}

const BOOLS: Record<string, boolean> = { '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false };

export async function snapshot(ctx: Ctx, api: ApiContext): Promise<void> {
  const a = admin(api);
  let skipHead = false;
  const raw = ctx.form.get('skip_head');
  if (raw !== '') {
    const b = BOOLS[raw];
    if (b === undefined) throw invalidParam('skip_head', `unable to parse boolean: strconv.ParseBool: parsing "${raw}": invalid syntax`);
    skipHead = b;
  }
  let name: string;
  try {
    name = await a.snapshot(skipHead);
  } catch (e) {
    throw internal('create snapshot', e);
  }
  await respondData(ctx, { name });
}
