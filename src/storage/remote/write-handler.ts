// The remote-write receiver (POST /api/v1/write with --web.enable-remote-write-receiver),
// with Prometheus 2.42's answers: 400 for a body that does not decode and for out-of-order,
// duplicate or out-of-bounds samples (so well-behaved senders do not retry them), 500 for
// other append errors (senders retry), 204 on success. The whole request is one appender
// batch: any error rolls it back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Appendable, Appender, SeriesRef } from '../../storage/index.js';
import { StorageError } from '../../storage/index.js';
import type { Logger } from '../../log/index.js';
import { decompress } from './codec.js';
import { decodeWriteRequest } from './messages.js';

export interface HandlerResult {
  readonly status: number;
  /** Text body (errors). */
  readonly body: string;
  /** Binary body (a protobuf response); sent instead of `body` when set. */
  readonly bytes?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

const CLIENT_ERRORS = new Set(['out_of_order', 'duplicate_sample', 'out_of_bounds', 'too_old']);

/** Handles one remote-write body (snappy-compressed WriteRequest). */
export async function handleRemoteWrite(appendable: Appendable, body: Buffer, logger: Logger): Promise<HandlerResult> {
  let raw: Buffer;
  let app: Appender | null = null;
  try {
    raw = decompress(body);
  } catch (e) {
    logger.error('Error decoding remote write request', { err: String(e) });
    return { status: 400, body: `snappy: corrupt input\n` };
  }
  try {
    app = appendable.appender();
    const a = app;
    let exemplarErrs = 0;
    decodeWriteRequest(raw, {
      series(labels, ts, vs, n, exemplars) {
        let ref: SeriesRef | 0 = 0;
        for (let i = 0; i < n; i++) {
          try {
            ref = a.append(ref, labels, ts[i]!, vs[i]!);
          } catch (e) {
            if (e instanceof StorageError && CLIENT_ERRORS.has(e.code)) {
              logger.error('Out of order sample from remote write', { err: e.message, series: labels.toString(), timestamp: ts[i] });
            }
            throw e;
          }
        }
        // Exemplar errors never fail the request, as in Prometheus; out-of-order ones are
        // counted. A series may carry exemplars only (Prometheus's sender writes them so):
        // ref 0 makes the storage find the series by its labels.
        if (a.appendExemplar) {
          for (const ex of exemplars) {
            try {
              a.appendExemplar(ref as SeriesRef, labels, { labels: ex.labels, value: ex.value, ts: ex.ts, hasTs: true });
            } catch (e) {
              if ((e as { code?: unknown }).code === 'out_of_order_exemplar') exemplarErrs++;
              else logger.debug('Error while adding exemplar in AddExemplar', { err: e instanceof Error ? e.message : String(e) });
            }
          }
        }
      },
    });
    if (exemplarErrs > 0) logger.warn('Error on ingesting out-of-order exemplars', { num_dropped: exemplarErrs });
    await app.commit();
    return { status: 204, body: '' };
  } catch (e) {
    if (app) await app.rollback().catch(() => undefined);
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof StorageError && CLIENT_ERRORS.has(e.code)) return { status: 400, body: msg + '\n' };
    if (e instanceof Error && (e as { code?: string }).code === 'remote_proto_decode') {
      logger.error('Error decoding remote write request', { err: msg });
      return { status: 400, body: msg + '\n' };
    }
    logger.error('Error appending remote write', { err: msg });
    return { status: 500, body: msg + '\n' };
  }
}

/** A plain node:http handler around handleRemoteWrite. */
export function remoteWriteHandler(appendable: Appendable, logger: Logger): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const body = await readBody(req);
    const r = await handleRemoteWrite(appendable, body, logger);
    send(res, r, 'text/plain; charset=utf-8');
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, r: HandlerResult, contentType: string): void {
  const headers: Record<string, string> = { ...r.headers };
  if (r.status !== 204 && !headers['content-type']) headers['content-type'] = contentType;
  res.writeHead(r.status, headers);
  res.end(r.status === 204 ? undefined : (r.bytes ?? r.body));
}
