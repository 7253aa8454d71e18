// The remote-read endpoint (POST /api/v1/read), SAMPLES response type, as Prometheus 2.42's
// read handler: matchers on external labels that equal this server's value are dropped
// before selecting (local series do not carry them), external labels are merged into the
// returned series (series labels win), and a response over the sample limit is a 400.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Labels, LabelsBuilder, Matcher, type MatchType } from '../../model/index.js';
import type { Queryable, SampleIterator, SelectHints } from '../../storage/index.js';
import type { Logger } from '../../log/index.js';
import { compress, decompress } from './codec.js';
import { decodeReadRequest, ReadResponseWriter, type ReadMatcher, type ReadRequest } from './messages.js';
import { readBody, send, type HandlerResult } from './write-handler.js';

export interface ReadHandlerOptions {
  /** global.external_labels; a function so a config reload takes effect without a new handler. */
  readonly externalLabels?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /** --storage.remote.read-sample-limit (default 5e7); 0 = no limit. */
  readonly sampleLimit?: number;
  readonly logger: Logger;
}

const TYPES: readonly MatchType[] = ['=', '!=', '=~', '!~'];

export function toMatchers(ms: readonly ReadMatcher[]): Matcher[] {
  return ms.map((m) => new Matcher(TYPES[m.type]!, m.name, m.value));
}

export async function handleRemoteRead(q: Queryable, body: Buffer, o: ReadHandlerOptions): Promise<HandlerResult> {
  let req: ReadRequest;
  try {
    req = decodeReadRequest(decompress(body));
  } catch (e) {
    return { status: 400, body: `${e instanceof Error ? e.message : String(e)}\n` };
  }
  const types = req.acceptedResponseTypes;
  if (types.length > 0 && !types.includes(0)) {
    // STREAMED_XOR_CHUNKS is not implemented; Prometheus's own client always accepts SAMPLES.
    return { status: 400, body: `server does not support any of the requested response types: ${JSON.stringify(types)}; supported: [SAMPLES]\n` };
  }
  const ext = (typeof o.externalLabels === 'function' ? o.externalLabels() : o.externalLabels) ?? {};
  const extNames = Object.keys(ext);
  const limit = o.sampleLimit ?? 5e7;
  const w = new ReadResponseWriter();
  let samples = 0;
  let it: SampleIterator | undefined;
  try {
    for (const query of req.queries) {
      const ms = toMatchers(query.matchers.filter((m) => !(m.type === 0 && m.name in ext && ext[m.name] === m.value)));
      const hints: SelectHints | undefined = query.hints
        ? { start: query.hints.startMs, end: query.hints.endMs, step: query.hints.stepMs, func: query.hints.func, range: query.hints.rangeMs }
        : undefined;
      const querier = q.querier(query.startMs, query.endMs);
      try {
        const ss = querier.select(false, hints, ...ms);
        w.startResult();
        while (ss.next()) {
          const s = ss.at();
          const m = w.startSeries(mergeExternal(s.labels, ext, extNames));
          it = s.iterator(it);
          // The querier is bounded to [start, end] already; seek keeps storages that return
          // whole chunks honest.
          let ok = it.seek(query.startMs);
          while (ok && it.t <= query.endMs) {
            if (limit > 0 && ++samples > limit) return { status: 400, body: `exceeded sample limit (${limit})\n` };
            w.sample(it.t, it.v);
            ok = it.next();
          }
          w.endSeries(m);
        }
        const err = ss.err();
        if (err) throw err;
        for (const warn of ss.warnings()) o.logger.warn('Warnings on remote read query', { err: warn });
        w.endResult();
      } finally {
        querier.close();
      }
    }
  } catch (e) {
    return { status: 500, body: `${e instanceof Error ? e.message : String(e)}\n` };
  }
  return { status: 200, body: '', bytes: compress(w.finish()), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' } };
}

function mergeExternal(ls: Labels, ext: Readonly<Record<string, string>>, names: readonly string[]): Labels {
  if (names.length === 0) return ls;
  const b = new LabelsBuilder(ls);
  for (const n of names) if (!ls.has(n)) b.set(n, ext[n]!);
  return b.labels();
}

/** A plain node:http handler around handleRemoteRead. */
export function remoteReadHandler(q: Queryable, o: ReadHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const r = await handleRemoteRead(q, await readBody(req), o);
    send(res, r, 'text/plain; charset=utf-8');
  };
}
